/** A billing draft of the seeded UK01 contract ctr_00003 as the PSA and CRM answer it, and the invoice its release posts. */
import { expect } from 'vitest';
import { callErp, type World } from './erpCalls.ts';
import type { ErpSystem } from './erpFixture.ts';

/** Ids a capability makes (random): matched by their form. */
export const ID = {
  inv: expect.stringMatching(/^inv_[0-9a-f]{20}$/),
  pay: expect.stringMatching(/^pay_[0-9a-f]{20}$/),
  pap: expect.stringMatching(/^pap_[0-9a-f]{20}$/),
};

/** A UK01 billing draft of the seeded ACTIVE contract ctr_00003 (GBP, NET_30, 20% VAT), as the PSA answers it. */
export function ukDraft(id: string, status = 'IN_REVIEW'): World {
  const item = (sourceId: string, description: string, quantity: string, unitPrice: string, amount: string) => ({
    sourceType: 'TIME_ENTRY',
    sourceId,
    description,
    quantity,
    unitPrice: { amount: unitPrice },
    amount: { amount },
  });
  return {
    entities: {
      ErpReadsBillingDraft: {
        id,
        status,
        aggregateVersion: 1,
        project: { id: 'prj_00005', legalEntity: { id: 'le_UK01' } },
        contract: { id: 'ctr_00003' },
        legalEntity: { id: 'le_UK01' },
        customer: { id: 'acc_00014' },
        summaryAmount: { amount: '3658.33', currency: 'GBP' },
        invoice: null,
        invoiceNumber: null,
        items: [
          item(`${id}:1`, 'Consulting', '7.50', '150.00', '1125.00'),
          item(`${id}:2`, 'Milestone', '1.00', '2500.00', '2500.00'),
          item(`${id}:3`, 'Travel time', '0.25', '133.33', '33.33'),
        ],
      },
      ErpReadsContract: {
        id: 'ctr_00003',
        status: 'ACTIVE',
        aggregateVersion: 2,
        activatedAt: null,
        legalEntity: { id: 'le_UK01' },
        account: { id: 'acc_00014' },
        billingMethod: 'FIXED_FEE',
        totalContractValue: { amount: '1000000.00', currency: 'GBP' },
        startDate: '2026-03-05',
        endDate: '2027-01-13',
      },
    },
  };
}

/** The invoice a release of `ukDraft(draftId)` posts on 2026-11-20: 3,658.33 net + 731.67 VAT, due in 30 days. */
export function ukInvoice(draftId: string, invoiceNumber: string) {
  return {
    id: ID.inv,
    invoiceNumber,
    kind: 'INVOICE',
    status: 'POSTED',
    legalEntityId: 'le_UK01',
    accountId: 'acc_00014',
    contractId: 'ctr_00003',
    projectId: 'prj_00005',
    invoiceDate: '2026-11-20',
    dueDate: '2026-12-20',
    postingPeriodId: 'per_0026',
    currency: 'GBP',
    subtotalE4: 36_583_300,
    taxE4: 7_316_700,
    totalE4: 43_900_000,
    amountPaidE4: 0,
    amountCreditedE4: 0,
    amountWrittenOffE4: 0,
    sourceBillingDraftId: draftId,
    originalInvoiceId: null,
    aggregateVersion: 1,
  };
}

/** Releases the UK draft `draftId` (ukDraft) into an invoice dated 2026-11-20 under `key`; the invoice's id. */
export async function releaseUkDraft(system: ErpSystem, draftId: string, key: string): Promise<string> {
  const released = await callErp(
    system,
    ukDraft(draftId),
    'releaseInvoiceV2',
    { billingDraftId: draftId, invoiceDate: '2026-11-20', expectedVersion: 1 },
    key,
  );
  return (released.payload.invoice as { id: string }).id;
}
