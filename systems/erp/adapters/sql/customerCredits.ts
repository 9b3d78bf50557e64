/**
 * Customer credit balances on SQL (docs/capabilities.md#customer-credits): read within the caller's
 * record scope (a credit carries its legal entity and customer), written inside the capability's
 * transaction. Every use moves the credit's version (a versioned UPDATE), so two applications or
 * refunds of one credit racing each other cannot both spend it (docs/invariants.md#inv-21).
 */
import type { Kysely, Transaction } from 'kysely';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { updateAggregate } from '../../../kernel/capability/updateAggregate.ts';
import { inScope, noKeys } from '../../../kernel/sqlPage.ts';
import type {
  CustomerCredit,
  CustomerCreditReads,
  CustomerCreditStatus,
  CustomerCreditUse,
  CustomerCreditUseKind,
  CustomerCreditWrites,
} from '../../ports/customerCredits.ts';
import { changedMeanwhile } from '../../ports/rejections.ts';
import type { CustomerCreditRow, CustomerCreditUseRow } from './customerCreditTables.ts';
import { invoiceOf } from './rows.ts';
import type { ErpTables } from './tables.ts';

const CUSTOMER = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;
const OF_CREDIT = { legalEntity: 'c.legal_entity_id', account: 'c.account_id' } as const;

const customerCreditOf = (row: CustomerCreditRow): CustomerCredit => ({
  id: row.id,
  legalEntityId: row.legal_entity_id,
  accountId: row.account_id,
  currency: row.currency,
  creditMemoId: row.credit_memo_id,
  invoiceId: row.invoice_id,
  amountE4: Number(row.amount_e4),
  appliedE4: Number(row.applied_e4),
  refundedE4: Number(row.refunded_e4),
  status: row.status as CustomerCreditStatus,
  createdOn: row.created_on,
  aggregateVersion: row.aggregate_version,
});

const customerCreditRow = (credit: CustomerCredit): CustomerCreditRow => ({
  id: credit.id,
  legal_entity_id: credit.legalEntityId,
  account_id: credit.accountId,
  currency: credit.currency,
  credit_memo_id: credit.creditMemoId,
  invoice_id: credit.invoiceId,
  amount_e4: credit.amountE4,
  applied_e4: credit.appliedE4,
  refunded_e4: credit.refundedE4,
  status: credit.status,
  created_on: credit.createdOn,
  aggregate_version: credit.aggregateVersion,
});

const useOf = (row: CustomerCreditUseRow): CustomerCreditUse => ({
  id: row.id,
  creditId: row.credit_id,
  kind: row.kind as CustomerCreditUseKind,
  invoiceId: row.invoice_id,
  amountE4: Number(row.amount_e4),
  usedOn: row.used_on,
  postingPeriodId: row.posting_period_id,
  method: row.method,
  reference: row.reference,
});

const useRow = (use: CustomerCreditUse): CustomerCreditUseRow => ({
  id: use.id,
  credit_id: use.creditId,
  kind: use.kind,
  invoice_id: use.invoiceId,
  amount_e4: use.amountE4,
  used_on: use.usedOn,
  posting_period_id: use.postingPeriodId,
  method: use.method,
  reference: use.reference,
});

export function sqlCustomerCreditReads(db: Kysely<ErpTables>, scope: RecordScope): CustomerCreditReads {
  const credits = () => inScope(db.selectFrom('customer_credits'), scope, CUSTOMER);
  return {
    customerCreditsByIds: async (ids) =>
      noKeys(ids) ? [] : (await credits().selectAll().where('id', 'in', ids).orderBy('id').execute()).map(customerCreditOf),
    customerCreditsByAccountIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await credits().selectAll().where('account_id', 'in', ids).orderBy('created_on').orderBy('id').execute()).map(customerCreditOf),
    customerCreditUsesByCreditIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(
              db.selectFrom('customer_credit_uses as u').innerJoin('customer_credits as c', 'c.id', 'u.credit_id'),
              scope,
              OF_CREDIT,
            )
              .selectAll('u')
              .where('u.credit_id', 'in', ids)
              .orderBy('u.used_on')
              .orderBy('u.id')
              .execute()
          ).map(useOf),
  };
}

export function sqlCustomerCreditWrites(trx: Transaction<ErpTables>): CustomerCreditWrites {
  const credit = async (id: string) =>
    customerCreditOf(await trx.selectFrom('customer_credits').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  return {
    async openCustomerCredit(values) {
      await trx.insertInto('customer_credits').values(customerCreditRow(values)).execute();
      return credit(values.id);
    },
    async useCustomerCredit(change) {
      await updateAggregate(
        trx,
        'customer_credits',
        'CustomerCredit',
        change.credit,
        { applied_e4: change.appliedE4, refunded_e4: change.refundedE4, status: change.status },
        () => changedMeanwhile('CustomerCredit', change.credit.id),
      );
      if (change.invoice) {
        const { ref } = change.invoice;
        await updateAggregate(
          trx,
          'invoices',
          'Invoice',
          ref,
          { amount_paid_e4: change.invoice.amountPaidE4, status: change.invoice.status },
          () => changedMeanwhile('Invoice', ref.id),
        );
      }
      await trx.insertInto('customer_credit_uses').values(useRow(change.use)).execute();
      const invoice = change.invoice
        ? invoiceOf(await trx.selectFrom('invoices').selectAll().where('id', '=', change.invoice.ref.id).executeTakeFirstOrThrow())
        : null;
      return { credit: await credit(change.credit.id), use: change.use, invoice };
    },
  };
}
