import type { Expression, SqlBool } from 'kysely';
import type { Principal } from '../auth/principal.ts';

/**
 * A named policy of `@policy(policies: ...)`, defined once in its own file under `named/`: the
 * admission half the gateway asks before planning (may this caller reach such records at all?) and,
 * for a policy that restricts records, the record half the systems' kernel applies where the data is
 * (pages, counts, aggregates, lookups by id, `_entities`; see `recordScope.ts`).
 */
export interface NamedPolicy<A extends string = string> {
  readonly name: string;
  /** One sentence, shown in denials and docs. */
  readonly description: string;
  /** The admission decision: a small pure function over the principal. */
  admits(principal: Principal | null): boolean;
  /** The record rule, when the policy hides records; absent for a policy decided elsewhere (segregation of duties). */
  readonly record?: RecordRule<A>;
}

/**
 * Which records a caller may see, over one attribute of the record (its legal entity, its customer
 * account). Tables and row types declare the column that holds the attribute; the kernel applies
 * `sql` in queries and `sees` to rows, which must agree (test/policies/recordRules.contract.ts).
 */
export interface RecordRule<A extends string = string> {
  /** The record attribute the rule reads; the key tables use to name its column. */
  readonly attribute: A;
  /** The values of the attribute `principal` may see; `null`: unrestricted. An anonymous caller sees nothing. */
  visible(principal: Principal): readonly string[] | null;
  /** Whether a record whose attribute is `value` is visible when the caller may see `allowed` (never null here). */
  sees(allowed: readonly string[], value: string | null): boolean;
  /** The same decision as a WHERE condition on `column` (a qualified or plain column name). */
  sql(column: string, allowed: readonly string[]): Expression<SqlBool>;
}

/** Defines a named policy (freezing it): the one object both the gateway and the kernel read. */
export function definePolicy<A extends string = never>(policy: NamedPolicy<A>): NamedPolicy<A> {
  return Object.freeze({ ...policy, ...(policy.record ? { record: Object.freeze({ ...policy.record }) } : {}) });
}
