/**
 * placeCreditHold and releaseCreditHold (docs/capabilities.md#placecredithold-releasecredithold):
 * finance puts a customer on credit hold in a legal entity, or lifts the hold. A hold blocks billing
 * there (CUSTOMER_ON_CREDIT_HOLD); a process blocked on it is retried once the hold is released
 * (docs/processes.md#blocked). The customer's billing profile moves to its next version; a profile
 * already in that state changes nothing (ALREADY_IN_STATE).
 */
import { seesAccount } from '../../../policies/recordScope.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityRejection } from '../../kernel/capability/types.ts';
import type { BillingProfile } from '../ports/types.ts';
import { legalEntityFor, type ErpCapability } from './records.ts';

interface CreditHoldInput {
  accountId: string;
  legalEntityId: string;
  reason: string;
}

type Result = { billingProfile: BillingProfile; warnings?: CapabilityRejection[] };

/** The capability that sets a customer's credit hold in a legal entity to `creditHold`. */
function creditHoldCapability(creditHold: boolean): ErpCapability<CreditHoldInput, Result> {
  const [verb, state, event] = creditHold
    ? (['place', 'on credit hold', 'CreditHoldPlaced'] as const)
    : (['release', 'not on credit hold', 'CreditHoldReleased'] as const);
  return {
    async effect({ input, ports: { read, write }, emit, ctx }) {
      const legalEntity = await legalEntityFor(read, input.legalEntityId);
      const profile = seesAccount(ctx.scope, input.accountId)
        ? (await read.billingProfilesByAccountIds([input.accountId])).find((candidate) => candidate.legalEntityId === legalEntity.id)
        : undefined;
      if (!profile) {
        throw rejected('NOT_FOUND', `Customer ${input.accountId} has no billing profile in legal entity ${legalEntity.code}.`, 'accountId');
      }
      const reason = input.reason.trim();
      if (reason === '') throw rejected('PRECONDITION_FAILED', `Say why finance is to ${verb} the credit hold.`, 'reason');
      if (profile.creditHold === creditHold) {
        return {
          billingProfile: profile,
          warnings: [
            {
              code: 'ALREADY_IN_STATE',
              message: `Customer ${input.accountId} already is ${state} in ${legalEntity.code} (${profile.customerNumber}); nothing changed.`,
            },
          ],
        };
      }
      const changed = await write.setCreditHold(profile, creditHold);
      emit(
        aggregateEvent(event, 'CustomerBillingProfile', changed, legalEntity.id, {
          billingProfileId: changed.id,
          accountId: changed.accountId,
          legalEntityId: legalEntity.id,
          customerNumber: changed.customerNumber,
          creditHold: changed.creditHold,
          reason,
        }),
      );
      return { billingProfile: changed };
    },
  };
}

export const placeCreditHold = creditHoldCapability(true);
export const releaseCreditHold = creditHoldCapability(false);
