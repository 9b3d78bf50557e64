/**
 * The record-policy completeness check of a read port: every method, on a port bound to a scope
 * that sees nothing, answers no scoped record. A new method fails the check (at compile time, and
 * at run time through the port's own keys) until it is given a probe, so a forgotten scope check
 * cannot ship.
 *
 * Use it in a read-port contract suite, once per adapter:
 *
 *   it('scopes every method', async () => {
 *     await expectEveryMethodScoped((scope) => crmReads(db, scope), {
 *       accountsByIds: (port) => port.accountsByIds([KNOWN_ACCOUNT]),
 *       accountsPage: (port) => port.accountsPage({}, { first: 10, afterId: null }),
 *       rolesByIds: unscoped('roles are reference data every caller may read'),
 *     }, { control: ALL_RECORDS });
 *   });
 *
 * - `portFactory(scope)` builds the port bound to `scope` (for a port whose methods take the scope as
 *   an argument, close over it: `(scope) => ({ accountsPage: (f, p) => store.accountsPage(f, p, scope), ... })`).
 * - Each probe calls its method with keys of records that exist. With NO_RECORDS it must answer
 *   empty: `[]`, `null`/`undefined`, a page `{ rows: [], total: 0 }`, a count `0`, `false`, an empty
 *   `Map` or object, or a batch made only of those (`[null, null]`, `[[], []]`, `{ acc_1: [] }`).
 * - `unscoped(reason)` exempts a method that reads data no record policy restricts; the reason is
 *   the review trail.
 * - `control` (recommended): a scope that sees everything. Each probe must then answer something
 *   non-empty, which proves the probe reaches a record and is not empty for another reason.
 */
import { expect } from 'vitest';
import { principalFromClaims } from '../../auth/principal.ts';
import { NO_RECORDS, recordScope, type RecordScope } from '../../policies/recordScope.ts';

/** How one method is exercised: a call with keys of existing records, or an explicit exemption. */
export type Probe<P> = ((port: P) => Promise<unknown>) | Unscoped;

export interface Unscoped {
  readonly unscoped: string;
}

/** One probe for every method of `P`: the compiler already refuses a port method without one. */
export type ProbesFor<P> = {
  readonly [K in keyof P as P[K] extends (...args: never[]) => unknown ? K : never]: Probe<P>;
};

/** Exempts a method that reads data no record policy restricts (say why). */
export function unscoped(reason: string): Unscoped {
  return { unscoped: reason };
}

/** A scope that sees every record (an internal caller with every legal entity and no partner restriction). */
export const ALL_RECORDS: RecordScope = recordScope(principalFromClaims({ sub: 'record-policy-probe', legal_entities: '*' }));

export async function expectEveryMethodScoped<P extends object>(
  portFactory: (scope: RecordScope) => P,
  probes: ProbesFor<P>,
  options: { readonly control?: RecordScope } = {},
): Promise<void> {
  const blind = portFactory(NO_RECORDS);
  const byName = probes as unknown as Readonly<Record<string, Probe<P>>>;
  expect(Object.keys(byName).sort(), 'one probe per port method, and no probe for a method the port lacks').toEqual(methodsOf(blind));
  const seeing = options.control ? portFactory(options.control) : null;
  for (const [method, probe] of Object.entries(byName)) {
    if (!(probe instanceof Function)) {
      expect(probe.unscoped.trim(), `${method} is exempt; say why`).not.toBe('');
      continue;
    }
    const answer = await probe(blind);
    expect(isEmptyAnswer(answer), `${method}, bound to a scope that sees nothing, answered ${describe(answer)}`).toBe(true);
    if (seeing !== null) {
      const control = await probe(seeing);
      expect(isEmptyAnswer(control), `${method}'s probe finds nothing even with every record visible: it proves nothing`).toBe(false);
    }
  }
}

/** The method names of a port: own function properties and those of its class (not Object's). */
export function methodsOf(port: object): string[] {
  const names = new Set<string>();
  for (
    let layer: object | null = port;
    layer !== null && layer !== Object.prototype;
    layer = Object.getPrototypeOf(layer) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(layer)) {
      if (name !== 'constructor' && typeof (port as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

/** Whether an answer carries no record: see the list at the top of this file. */
export function isEmptyAnswer(value: unknown): boolean {
  if (value === null || value === undefined || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.every(isEmptyAnswer);
  if (value instanceof Map) return [...value.values()].every(isEmptyAnswer);
  if (value instanceof Set) return value.size === 0;
  if (typeof value !== 'object') return false;
  const fields = value as Record<string, unknown>;
  if ('rows' in fields && 'total' in fields) return Array.isArray(fields.rows) && fields.rows.length === 0 && fields.total === 0;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(fields).every(isEmptyAnswer);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value instanceof Map ? Object.fromEntries(value) : value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
