/**
 * The `sunset` check (docs/registry.md#sunset): a deprecated element (field, argument, enum value,
 * input field, capability) may be removed from its sunset date on, once no client uses it.
 * Removing what was never deprecated is the usage check's call, not this one's.
 */
import type { ClientUsage, Finding, SchemaChange } from '../types.ts';
import { deprecationsOf, type DeprecatedElement } from './deprecations.ts';
import { clientCount, describeClients, mergeClients } from './usageCheck.ts';

export interface SunsetInput {
  /** The current supergraph SDL; null before the first composition. */
  readonly before: string | null;
  /** The proposed supergraph SDL. */
  readonly after: string;
  readonly changes: readonly SchemaChange[];
  /** Usage coordinate → the clients that used it in the window. */
  readonly usage: ReadonlyMap<string, readonly ClientUsage[]>;
  /** ISO date (YYYY-MM-DD) from the registry's clock. */
  readonly today: string;
}

/** Changes that remove the element at their coordinate. */
const REMOVALS = new Set(['FIELD_REMOVED', 'ARG_REMOVED', 'ENUM_VALUE_REMOVED', 'INPUT_FIELD_REMOVED']);
/** Changes that remove every member of the type at their coordinate. */
const TYPE_REMOVALS = new Set(['TYPE_REMOVED', 'TYPE_KIND_CHANGED']);

export function sunsetFindings(input: SunsetInput): Finding[] {
  if (input.before === null) return [];
  const deprecated = new Map(deprecationsOf(input.before).map((element) => [element.coordinate, element]));
  const removed = new Set<string>();
  for (const change of input.changes) {
    if (REMOVALS.has(change.kind)) removed.add(change.coordinate);
    if (TYPE_REMOVALS.has(change.kind)) {
      // The type's own members (`Type.member`), not its fields' arguments: those go with their field.
      for (const coordinate of deprecated.keys())
        if (coordinate.startsWith(`${change.coordinate}.`) && !coordinate.includes('(')) removed.add(coordinate);
    }
  }
  const removals = [...removed].sort().flatMap((coordinate) => {
    const element = deprecated.get(coordinate);
    return element ? removalFindings(element, input) : [];
  });
  return [...removals, ...movedEarlier(deprecated, input)];
}

/**
 * A sunset date is a promise to clients: moving it earlier (before it has passed) would let the
 * element go sooner than they were told, in two publishes. Moving it later, or keeping it, is fine.
 */
function movedEarlier(promised: ReadonlyMap<string, DeprecatedElement>, input: SunsetInput): Finding[] {
  return deprecationsOf(input.after).flatMap((element): Finding[] => {
    const before = promised.get(element.coordinate)?.sunsetAt ?? null;
    if (before === null || before <= input.today || element.sunsetAt === null || element.sunsetAt >= before) return [];
    return [
      {
        rule: 'SUNSET_MOVED_EARLIER',
        severity: 'error',
        coordinate: element.coordinate,
        subgraph: null,
        message: `${element.coordinate} was promised to clients until ${before}; a new sunset of ${element.sunsetAt} would end it sooner. Keep ${before} or a later date.`,
      },
    ];
  });
}

function removalFindings(element: DeprecatedElement, input: SunsetInput): Finding[] {
  const { coordinate, sunsetAt } = element;
  const finding = (rule: string, severity: Finding['severity'], message: string, clients?: readonly ClientUsage[]): Finding => ({
    rule,
    severity,
    coordinate,
    subgraph: null,
    message,
    ...(clients ? { clients } : {}),
  });
  const findings: Finding[] = [];
  if (sunsetAt === null) {
    findings.push(
      finding(
        'SUNSET_MISSING',
        'error',
        `\`${coordinate}\` is deprecated without a sunset date, so its clients were never told when it goes. Add \`Sunset YYYY-MM-DD\` to its deprecation reason, publish that, and remove it from that date on.`,
      ),
    );
  } else if (sunsetAt > input.today) {
    findings.push(
      finding(
        'SUNSET_NOT_REACHED',
        'error',
        `\`${coordinate}\` is deprecated with sunset ${sunsetAt}: it may be removed from ${sunsetAt} on, once no client uses it. Keep it until then.`,
      ),
    );
  }
  const clients = mergeClients([coordinate], input.usage);
  if (clients.length > 0) {
    const message = `\`${coordinate}\` is deprecated but ${clientCount(clients)} still used it in the usage window: ${describeClients(clients)}. Remove it once they have moved off it.`;
    findings.push(finding('DEPRECATED_STILL_IN_USE', 'error', message, clients));
  }
  if (findings.length === 0) {
    findings.push(
      finding(
        'SUNSET_REMOVAL_OK',
        'info',
        `\`${coordinate}\` reached its sunset (${sunsetAt}) and no client used it in the usage window: it may go.`,
      ),
    );
  }
  return findings;
}
