/**
 * The composition check (docs/registry.md#checks): the proposed set of subgraphs (the heads, with
 * the proposal in place of its subgraph) composed with the ownership rule. Each composition error
 * becomes a finding naming the subgraph and the schema coordinate whenever the message names them,
 * so a report says where to look, not just that something failed.
 */
import { Kind, parse } from 'graphql';
import { composeSupergraph, CompositionError, type SubgraphSource } from '../../schema/compose.ts';
import type { Finding } from '../types.ts';

export type CompositionOutcome =
  { readonly supergraph: string; readonly findings: readonly [] } | { readonly supergraph: null; readonly findings: readonly Finding[] };

/** `proposed`: the names of the subgraphs the proposal changes (named first in findings). */
export function checkComposition(sources: readonly SubgraphSource[], proposed: readonly string[]): CompositionOutcome {
  try {
    return { supergraph: composeSupergraph(sources), findings: [] };
  } catch (error) {
    if (!(error instanceof CompositionError)) throw error;
    return { supergraph: null, findings: compositionFindings(error.errors, sources, { rule: 'COMPOSITION_ERROR', proposed }) };
  }
}

/** One error finding per composition error, with the subgraph and coordinate its message names. */
export function compositionFindings(
  errors: readonly string[],
  sources: readonly Pick<SubgraphSource, 'name' | 'sdl'>[],
  options: { readonly rule: string; readonly proposed: readonly string[] },
): Finding[] {
  const subgraphs = sources.map((source) => source.name);
  const types = typeNamesOf(sources);
  return errors.map((message) => ({
    rule: options.rule,
    severity: 'error',
    coordinate: coordinateIn(message, types),
    // The heads composed before: when the message names no subgraph, the one proposal is what broke it.
    subgraph: subgraphIn(message, subgraphs, options.proposed) ?? (options.proposed.length === 1 ? options.proposed[0]! : null),
    message,
  }));
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';

/**
 * The subgraph a composition message is about: Apollo's `[crm] ...` prefix, `subgraph "crm"`,
 * `subgraphs "crm" and "psa"`, or the ownership rule's `subgraph crm (CRM)` and `in subgraph crm`.
 * Only names of the composed set count, so prose never passes for a name. Of several, a proposed
 * one (`preferred`) is named: it is the one that changed.
 */
export function subgraphIn(message: string, subgraphs: readonly string[], preferred: readonly string[] = []): string | null {
  const named: { readonly at: number; readonly name: string }[] = [];
  const bracket = /^\[([^\]]+)\]/.exec(message);
  if (bracket) named.push({ at: 0, name: bracket[1]! });
  for (const match of message.matchAll(/\bsubgraphs? ((?:"[^"]+"(?:, | and |,? and )?)+)/g)) {
    for (const quoted of match[1]!.matchAll(/"([^"]+)"/g)) named.push({ at: match.index + quoted.index, name: quoted[1]! });
  }
  for (const match of message.matchAll(/\bsubgraph ([A-Za-z0-9_-]+)/g)) named.push({ at: match.index, name: match[1]! });
  const known = named.sort((x, y) => x.at - y.at).flatMap((entry) => (subgraphs.includes(entry.name) ? [entry.name] : []));
  return known.find((name) => preferred.includes(name)) ?? known[0] ?? null;
}

/**
 * The schema coordinate a composition message is about: a quoted `"Type.field"` (or
 * `"Type.field(arg:)"`), an unquoted `Type.field` of a type the set defines, `On type "T"` /
 * `type T`, or the unknown type of `Unknown type T`.
 */
export function coordinateIn(message: string, types: ReadonlySet<string>): string | null {
  const quoted = new RegExp(`"(${NAME}\\.${NAME}(?:\\(${NAME}:\\))?)"`).exec(message);
  if (quoted) return quoted[1]!;
  for (const match of message.matchAll(new RegExp(`\\b(${NAME})\\.(${NAME})\\b`, 'g'))) {
    if (types.has(match[1]!)) return `${match[1]}.${match[2]}`;
  }
  const unknown = new RegExp(`Unknown type "?(${NAME})"?`).exec(message);
  if (unknown) return unknown[1]!;
  for (const match of message.matchAll(new RegExp(`\\btype "?(${NAME})"?`, 'g'))) {
    if (types.has(match[1]!)) return match[1]!;
  }
  return null;
}

/** Every type, interface, union, enum, input and scalar name the sources define or extend. */
function typeNamesOf(sources: readonly Pick<SubgraphSource, 'sdl'>[]): Set<string> {
  const names = new Set<string>();
  for (const source of sources) {
    // The sources were parsed when they were published or proposed: this cannot throw.
    for (const definition of parse(source.sdl, { noLocation: true }).definitions) {
      if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) continue;
      if ('name' in definition && definition.name && definition.kind !== Kind.DIRECTIVE_DEFINITION) names.add(definition.name.value);
    }
  }
  return names;
}
