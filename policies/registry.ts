import { internalOnly } from './named/internalOnly.ts';
import { legalEntityScoped } from './named/legalEntityScoped.ts';
import { partnerAccountScoped } from './named/partnerAccountScoped.ts';
import { segregationOfDuties } from './named/segregationOfDuties.ts';
import type { NamedPolicy } from './namedPolicy.ts';

/** Every named policy; a new one is one file in `named/` and one entry here. */
const POLICIES = [legalEntityScoped, partnerAccountScoped, segregationOfDuties, internalOnly] as const;

/** Every named policy, by the name `@policy` uses. The gateway checks at start that the schema and this list agree. */
export const NAMED_POLICIES: ReadonlyMap<string, NamedPolicy> = new Map(POLICIES.map((policy) => [policy.name, policy]));

/** The record attributes the registered policies restrict (`legalEntity`, `account`): the keys tables name their columns by. */
export type RecordAttribute = NonNullable<(typeof POLICIES)[number]['record']>['attribute'];

/**
 * What the schema and the registry disagree on: policies the schema names that do not exist, and
 * registered policies the schema never uses (dead rules hide mistakes). Empty when they agree.
 */
export function policyRegistryMismatches(
  usedBySchema: ReadonlySet<string>,
  registry: ReadonlyMap<string, NamedPolicy> = NAMED_POLICIES,
): string[] {
  const problems: string[] = [];
  for (const name of [...usedBySchema].sort()) {
    if (!registry.has(name)) problems.push(`the schema uses @policy "${name}", which policies/ does not define`);
  }
  for (const name of [...registry.keys()].sort()) {
    if (!usedBySchema.has(name)) problems.push(`policies/ defines "${name}", which no @policy in the schema uses`);
  }
  return problems;
}
