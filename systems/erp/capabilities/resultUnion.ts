/**
 * Version 2 of a capability answers a result union instead of a payload with `userErrors`: the
 * success member (named per capability) carries the result and its warnings, `CapabilityFailure`
 * carries the business-rule errors. Both say whether they are a replay. The stored outcome is the
 * same for every version, so v1 and v2 share one effect.
 */
import type { EffectResult } from '../../kernel/capability/capabilityResolvers.ts';
import type { CapabilityOutcome } from '../../kernel/capability/types.ts';

/** The `payload` option of a v2 handler whose success member is `successType`. */
export function resultUnion<Result extends EffectResult>(successType: string) {
  return (outcome: CapabilityOutcome<Result>, replayed: boolean): Record<string, unknown> =>
    outcome.ok
      ? { __typename: successType, ...outcome.value, warnings: outcome.value.warnings ?? [], replayed }
      : { __typename: 'CapabilityFailure', errors: [outcome.error], replayed };
}

/** `__resolveType` of the result unions: the payload names its member. */
export const resultUnionResolvers = {
  __resolveType: (value: { __typename: string }) => value.__typename,
};
