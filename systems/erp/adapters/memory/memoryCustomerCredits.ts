/**
 * Customer credit balances on the in-memory vendor (docs/capabilities.md#customer-credits): the
 * reads answer what the SQL adapter answers (scope on the credit's legal entity and customer, the
 * same orders); the writes are made once per call, and a use moves the credit (and an applied-to
 * invoice) from the version the capability read, like the SQL adapter's versioned updates.
 */
import type { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import type { CustomerCredit, CustomerCreditReads, CustomerCreditUse, CustomerCreditWrites } from '../../ports/customerCredits.ts';
import { changedMeanwhile } from '../../ports/rejections.ts';
import type { Invoice } from '../../ports/types.ts';
import type { VendorRecords } from './vendorRecords.ts';

export const CREDIT_OBJECTS = { credit: 'CustomerCredit', use: 'CustomerCreditUse' } as const;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function memoryCustomerCreditReads(records: VendorRecords, scope: RecordScope): CustomerCreditReads {
  const visible = isVisible(scope, {
    legalEntity: (credit: CustomerCredit) => credit.legalEntityId,
    account: (credit: CustomerCredit) => credit.accountId,
  });
  const credits = (match: (credit: CustomerCredit) => boolean) =>
    records.where<CustomerCredit>(CREDIT_OBJECTS.credit, (credit) => match(credit) && visible(credit));
  return {
    customerCreditsByIds: async (ids) => (await credits((c) => ids.includes(c.id))).sort((a, b) => compare(a.id, b.id)),
    customerCreditsByAccountIds: async (ids) =>
      (await credits((c) => ids.includes(c.accountId))).sort((a, b) => compare(a.createdOn, b.createdOn) || compare(a.id, b.id)),
    customerCreditUsesByCreditIds: async (ids) => {
      const seen = new Set((await credits((c) => ids.includes(c.id))).map((c) => c.id));
      return (await records.where<CustomerCreditUse>(CREDIT_OBJECTS.use, (use) => seen.has(use.creditId))).sort(
        (a, b) => compare(a.usedOn, b.usedOn) || compare(a.id, b.id),
      );
    },
  };
}

export function memoryCustomerCreditWrites(writes: CallWrites, invoiceType: string): CustomerCreditWrites {
  async function transition<T extends { id: string; aggregateVersion: number }>(
    type: string,
    id: string,
    aggregateVersion: number,
    changes: Partial<T>,
    entity: string,
  ): Promise<T> {
    const [current] = await writes.find<T>(type, (record) => record.id === id);
    if (!current) throw changedMeanwhile(entity, id);
    return writes.transition(
      type,
      current,
      aggregateVersion,
      (record) => ({ ...record, ...changes }),
      () => changedMeanwhile(entity, id),
    );
  }
  return {
    openCustomerCredit: (credit) => writes.create<CustomerCredit>(CREDIT_OBJECTS.credit, 'customer-credit', credit),
    async useCustomerCredit(change) {
      const credit = await transition<CustomerCredit>(
        CREDIT_OBJECTS.credit,
        change.credit.id,
        change.credit.aggregateVersion,
        { appliedE4: change.appliedE4, refundedE4: change.refundedE4, status: change.status },
        'CustomerCredit',
      );
      const invoice = change.invoice
        ? await transition<Invoice>(
            invoiceType,
            change.invoice.ref.id,
            change.invoice.ref.aggregateVersion,
            { amountPaidE4: change.invoice.amountPaidE4, status: change.invoice.status },
            'Invoice',
          )
        : null;
      const use = await writes.create<CustomerCreditUse>(CREDIT_OBJECTS.use, 'customer-credit-use', change.use);
      return { credit, use, invoice };
    },
  };
}
