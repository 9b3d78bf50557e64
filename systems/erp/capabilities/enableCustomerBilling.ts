/**
 * enableCustomerBilling (docs/capabilities.md#enablecustomerbilling): makes sure a customer can be
 * billed in a legal entity. Without a billing profile there, the customer gets one under the legal
 * entity's next customer number, in the given currency, payment terms and tax profile; with one in
 * the same currency nothing changes (ALREADY_IN_STATE); with one in another currency, or on credit
 * hold, the call is refused with a code a process can wait on. The account is the CRM's: it must
 * exist for the caller there.
 */
import { seesAccount } from '../../../policies/recordScope.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityRejection } from '../../kernel/capability/types.ts';
import { PAYMENT_TERM_DAYS } from '../machines.ts';
import type { BillingProfile, LegalEntity, TaxProfile } from '../ports/types.ts';
import type { ErpReadPort } from '../ports/readPort.ts';
import { crmAccount, type CrmAccount } from './peerFacts.ts';
import { legalEntityFor, requireActive, resolveTaxProfile, type ErpCapability } from './records.ts';

interface EnableCustomerBillingInput {
  accountId: string;
  legalEntityId: string;
  currency: string;
  paymentTerms?: string | null;
  taxProfileId?: string | null;
}

interface Facts {
  /** Null when the CRM has no such account for the caller. */
  readonly account: CrmAccount | null;
}

type Result = { billingProfile: BillingProfile; warnings?: CapabilityRejection[] };

/** The terms a new profile gets when the call names none. */
export const DEFAULT_PAYMENT_TERMS = 'NET_30';

export const enableCustomerBilling: ErpCapability<EnableCustomerBillingInput, Result, Facts> = {
  async prepare({ input, ctx }) {
    return { account: seesAccount(ctx.scope, input.accountId) ? await crmAccount(ctx, input.accountId) : null };
  },

  async effect({ input, facts, ports: { read, write }, emit, ctx }) {
    const legalEntity = await legalEntityFor(read, input.legalEntityId);
    requireActive(legalEntity, 'legalEntityId');
    if (!facts.account || !seesAccount(ctx.scope, input.accountId)) throw notFoundRejection('Account', input.accountId, 'accountId');
    const [existing] = (await read.billingProfilesByAccountIds([input.accountId])).filter(
      (profile) => profile.legalEntityId === legalEntity.id,
    );
    if (existing) return alreadyEnabled(existing, input, legalEntity);

    const paymentTerms = input.paymentTerms ?? DEFAULT_PAYMENT_TERMS;
    if (!(paymentTerms in PAYMENT_TERM_DAYS)) {
      throw rejected('PAYMENT_TERMS_MISSING', `Payment terms ${paymentTerms} are not known to the ERP.`, 'paymentTerms');
    }
    const tax = await taxProfileOf(read, input, legalEntity);
    const { profile, created } = await write.enableCustomer(legalEntity, {
      id: newId('bp'),
      accountId: input.accountId,
      currency: input.currency,
      paymentTerms,
      creditHold: false,
      taxProfileId: tax.id,
    });
    // A concurrent call under another key enabled the customer first: answered like one found before.
    if (!created) return alreadyEnabled(profile, input, legalEntity);
    emit(
      aggregateEvent('CustomerBillingEnabled', 'CustomerBillingProfile', { id: profile.id, aggregateVersion: 1 }, legalEntity.id, {
        billingProfileId: profile.id,
        accountId: profile.accountId,
        legalEntityId: legalEntity.id,
        customerNumber: profile.customerNumber,
        currency: profile.currency,
        paymentTerms: profile.paymentTerms,
        taxProfileId: profile.taxProfileId,
        creditHold: profile.creditHold,
      }),
    );
    return { billingProfile: profile };
  },
};

/** The customer already has a profile in the legal entity: usable as asked (nothing changes), or why not. */
function alreadyEnabled(profile: BillingProfile, input: EnableCustomerBillingInput, legalEntity: LegalEntity): Result {
  if (profile.creditHold) {
    throw rejected(
      'CUSTOMER_ON_CREDIT_HOLD',
      `Customer ${input.accountId} is on credit hold in ${legalEntity.code} (${profile.customerNumber}): finance must release the hold.`,
      'accountId',
    );
  }
  if (profile.currency !== input.currency) {
    throw rejected(
      'CURRENCY_MISMATCH',
      `Customer ${input.accountId} is billed in ${profile.currency} in ${legalEntity.code} (${profile.customerNumber}), not ${input.currency}.`,
      'currency',
    );
  }
  return {
    billingProfile: profile,
    warnings: [
      {
        code: 'ALREADY_IN_STATE',
        message: `Customer ${input.accountId} already is billed in ${legalEntity.code} as ${profile.customerNumber}; nothing changed.`,
      },
    ],
  };
}

/**
 * The tax profile of the new billing profile: the one named (the customer's own or the legal
 * entity's), else the legal entity's; none is TAX_PROFILE_UNRESOLVED.
 */
async function taxProfileOf(read: ErpReadPort, input: EnableCustomerBillingInput, legalEntity: LegalEntity): Promise<TaxProfile> {
  if (!input.taxProfileId) {
    return resolveTaxProfile(read, [legalEntity.taxProfileId], `customer ${input.accountId} in ${legalEntity.code}`, 'taxProfileId');
  }
  const [named] = await read.taxProfilesByIds([input.taxProfileId]);
  if (!named) throw notFoundRejection('TaxProfile', input.taxProfileId, 'taxProfileId');
  const usable = named.partyType === 'CUSTOMER' ? named.partyId === input.accountId : named.id === legalEntity.taxProfileId;
  if (!usable) {
    throw rejected(
      'PRECONDITION_FAILED',
      `Tax profile ${named.id} is another party's: give the customer's own or ${legalEntity.code}'s.`,
      'taxProfileId',
    );
  }
  return named;
}
