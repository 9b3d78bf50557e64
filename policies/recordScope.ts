import type { Expression, SqlBool } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { NamedPolicy, RecordRule } from './namedPolicy.ts';
import { NAMED_POLICIES, type RecordAttribute } from './registry.ts';

export type { RecordAttribute } from './registry.ts';

const RULES = Symbol('record rules');
const RULES_OF_REGISTRY = new WeakMap<ReadonlyMap<string, NamedPolicy>, readonly RecordRule[]>();

/**
 * The record half of the named policies applied to one caller: for each attribute a registered
 * policy restricts, the values the caller may see (`null`: unrestricted; empty: nothing). It carries
 * the rules that produced it, so the kernel filters pages, counts, aggregates and lookups with exactly
 * them and knows no attribute by name. A hidden row is treated exactly like a missing one (NOT_FOUND,
 * or absent from a list), so the answer is no existence oracle.
 */
export interface RecordScope {
  readonly [attribute: string]: readonly string[] | null;
  readonly [RULES]: readonly RecordRule[];
}

/** What `principal` may see, under the record rules of `policies` (one rule per attribute). */
export function recordScope(principal: Principal | null, policies: ReadonlyMap<string, NamedPolicy> = NAMED_POLICIES): RecordScope {
  const rules = recordRules(policies);
  // An anonymous caller reaching a system sees no scoped record.
  return scopeOf(rules, Object.fromEntries(rules.map((rule) => [rule.attribute, principal === null ? [] : rule.visible(principal)])));
}

/** The values the caller may see, per record attribute: all of them (`null`: unrestricted; empty: nothing). */
export type Allowed = { readonly [A in RecordAttribute]: readonly string[] | null };

/**
 * A scope given as data, for a store used outside a request (seeding, tests, a relay): every
 * attribute a registered policy reads must be given, so a new policy cannot be left open by omission.
 */
export function scopeAllowing(allowed: Allowed, policies: ReadonlyMap<string, NamedPolicy> = NAMED_POLICIES): RecordScope {
  return scopeOf(recordRules(policies), allowed);
}

function scopeOf(
  rules: readonly RecordRule[],
  allowed: { readonly [attribute: string]: readonly string[] | null | undefined },
): RecordScope {
  const scope: Record<string, readonly string[] | null> = {};
  for (const rule of rules) {
    const values = allowed[rule.attribute];
    if (values === undefined) throw new TypeError(`a record scope must say what the caller may see of "${rule.attribute}"`);
    scope[rule.attribute] = values === null ? null : Object.freeze([...values]);
  }
  Object.defineProperty(scope, RULES, { value: rules, enumerable: false });
  return Object.freeze(scope) as RecordScope;
}

/** Nothing is visible: an anonymous caller reaching a system sees no scoped record. */
export const NO_RECORDS: RecordScope = recordScope(null);

/** A record rule bound to what one caller may see, and to where a table or row type holds its attribute. */
export interface AppliedRule<W> {
  readonly attribute: string;
  /** What the table or row type declared for the attribute: a column name, a row accessor. */
  readonly where: W;
  /** Whether a record whose attribute is `value` is visible. */
  sees(value: string | null): boolean;
  /** The same decision as a WHERE condition on `column`. */
  sql(column: string): Expression<SqlBool>;
}

/**
 * The rules of `scope` over the attributes a table or row type declares (`{ legalEntity: 'legal_entity_id' }`;
 * a falsy entry declares nothing) that restrict this caller, in registry order. An attribute no rule
 * of the scope reads is a mistake (a misspelled key would otherwise filter nothing), and so is a
 * scope not made by `recordScope`.
 */
export function restrictingRules<W>(scope: RecordScope, declared: { readonly [A in RecordAttribute]?: W }): AppliedRule<W>[] {
  const byAttribute = declared as { readonly [attribute: string]: W | undefined };
  for (const attribute of Object.keys(byAttribute)) if (byAttribute[attribute]) ruleOf(scope, attribute);
  const applied: AppliedRule<W>[] = [];
  for (const rule of rulesOf(scope)) {
    const where = byAttribute[rule.attribute];
    const allowed = scope[rule.attribute];
    if (!where || allowed === null || allowed === undefined) continue;
    applied.push({
      attribute: rule.attribute,
      where,
      sees: (value) => rule.sees(allowed, value),
      sql: (column) => rule.sql(column, allowed),
    });
  }
  return applied;
}

/** Whether the rule over `attribute` restricts `scope` (the caller does not see every value of it). */
export function restricts(scope: RecordScope, attribute: RecordAttribute): boolean {
  ruleOf(scope, attribute);
  return scope[attribute] !== null;
}

/** Whether a record whose `attribute` is `value` is visible in `scope`. */
export function sees(scope: RecordScope, attribute: RecordAttribute, value: string | null): boolean {
  const rule = ruleOf(scope, attribute);
  const allowed = scope[attribute];
  return allowed === null || allowed === undefined || rule.sees(allowed, value);
}

/** Whether a record of `legalEntity` is visible (`null` legal entity: not scoped by it). */
export function seesLegalEntity(scope: RecordScope, legalEntity: string | null): boolean {
  return sees(scope, 'legalEntity', legalEntity);
}

/** Whether a record of customer `account` is visible (`null` account: internal record, hidden from partners). */
export function seesAccount(scope: RecordScope, account: string | null): boolean {
  return sees(scope, 'account', account);
}

/** The record rules a scope applies: the `record` halves of the registered policies, as defined (the same objects). */
export function rulesOf(scope: RecordScope): readonly RecordRule[] {
  const rules = scope[RULES] as readonly RecordRule[] | undefined;
  if (!rules) throw new TypeError('a record scope must come from recordScope() or scopeAllowing()');
  return rules;
}

function ruleOf(scope: RecordScope, attribute: string): RecordRule {
  const rule = rulesOf(scope).find((candidate) => candidate.attribute === attribute);
  if (!rule) throw new TypeError(`no registered record policy reads the attribute "${attribute}"`);
  return rule;
}

/** The record rules of `policies`, one per attribute (worked out once per registry). */
function recordRules(policies: ReadonlyMap<string, NamedPolicy>): readonly RecordRule[] {
  const known = RULES_OF_REGISTRY.get(policies);
  if (known) return known;
  const rules: RecordRule[] = [];
  for (const policy of policies.values()) {
    if (!policy.record) continue;
    if (rules.some((rule) => rule.attribute === policy.record?.attribute)) {
      throw new TypeError(`two record policies read the attribute "${policy.record.attribute}"; one attribute has one rule`);
    }
    rules.push(policy.record);
  }
  RULES_OF_REGISTRY.set(policies, Object.freeze(rules));
  return rules;
}
