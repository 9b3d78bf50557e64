/**
 * The ERP read port contract: the same assertions on every adapter (SQL on SQLite and PostgreSQL,
 * the in-memory remote adapter), on the same seeded records plus a small fixture written through
 * the write port. Answers are compared with values computed from the generated dataset, so every
 * adapter answers alike; and every method, bound to a scope that sees nothing, answers nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeAllowing, type RecordScope } from '../../../../policies/recordScope.ts';
import * as rows from '../../../../systems/erp/adapters/sql/rows.ts';
import { erpTables, type InvoiceRow } from '../../../../systems/erp/adapters/sql/tables.ts';
import type { ErpReadPort } from '../../../../systems/erp/ports/readPort.ts';
import type { ReceivableWriteOff } from '../../../../systems/erp/ports/receivableWriteOffs.ts';
import type { Invoice } from '../../../../systems/erp/ports/types.ts';
import { byId, expectedBilled, expectedReceivables } from '../../../harness/expectations.ts';
import { ALL_RECORDS, expectEveryMethodScoped, unscoped } from '../../../harness/recordPolicyProbe.ts';
import { asStored } from '../../../harness/stored.ts';
import type { ErpUnderTest, MakeErp } from './erpFixture.ts';
import { withPorts } from './withPorts.ts';

const EVERYTHING: RecordScope = scopeAllowing({ legalEntity: null, account: null });
const PAGE = { first: 500, afterId: null };

export function erpReadPortContract(adapter: string, makeErp: MakeErp): void {
  describe(`ERP read port on ${adapter}`, () => {
    let erp: ErpUnderTest;
    let read: ErpReadPort;
    let creditMemo: Invoice;
    const seededInvoices = () => byId(asStored(erpTables.invoices, erp.data.erp.invoices) as InvoiceRow[]).map(rows.invoiceOf);

    beforeAll(async () => {
      erp = await makeErp();
      read = erp.system.reads(EVERYTHING);
      // What the seed lacks: a credit memo naming its invoice, a schedule allocated by a contract, a recognition line.
      const original = seededInvoices().find((invoice) => invoice.kind === 'INVOICE' && invoice.status === 'POSTED')!;
      const [legalEntity] = await read.legalEntitiesByIds([original.legalEntityId]);
      const [schedule] = await read.revenueSchedulesByIds(['rs_00001']);
      const [period] = await read.periodsByIds([original.postingPeriodId]);
      creditMemo = await withPorts(erp.system, EVERYTHING, async ({ write }) => {
        await write.allocateRevenue([], [{ ...schedule!, id: 'rs_fixture', contractId: 'ctr_00001', status: 'PLANNED', recognizedE4: 0 }]);
        await write.recognizeRevenue(
          [
            {
              id: 'rsl_fixture',
              scheduleId: 'rs_fixture',
              periodId: period!.id,
              amountE4: 10_0000,
              recognizedCumE4: 10_0000,
              status: 'POSTED',
              postedAt: '2026-11-01T00:00:00.000Z',
            },
          ],
          [
            {
              schedule: {
                ...schedule!,
                id: 'rs_fixture',
                contractId: 'ctr_00001',
                status: 'PLANNED',
                recognizedE4: 0,
                aggregateVersion: 1,
              },
              recognizedE4: 10_0000,
              status: 'IN_PROGRESS',
            },
          ],
        );
        const memo = await write.postInvoice(
          {
            id: 'inv_fixture_cm',
            kind: 'CREDIT_MEMO',
            status: 'CREDITED',
            legalEntityId: original.legalEntityId,
            accountId: original.accountId,
            contractId: original.contractId,
            projectId: original.projectId,
            invoiceDate: original.invoiceDate,
            dueDate: original.invoiceDate,
            postingPeriodId: original.postingPeriodId,
            currency: original.currency,
            subtotalE4: -10_0000,
            taxE4: 0,
            totalE4: -10_0000,
            amountPaidE4: 0,
            sourceBillingDraftId: null,
            originalInvoiceId: original.id,
            amountCreditedE4: 0,
            amountWrittenOffE4: 0,
            lines: [
              {
                id: 'invl_fixture_cm',
                lineNumber: 1,
                description: 'Fixture credit',
                quantityE2: -100,
                unitPriceE4: 10_0000,
                amountE4: -10_0000,
                taxCode: 'NONE',
                taxE4: 0,
              },
            ],
          },
          { legalEntity: legalEntity!, series: 'CM', date: original.invoiceDate },
        );
        // A customer credit from the memo, part of it refunded (docs/capabilities.md#customer-credits).
        const credit = await write.openCustomerCredit({
          id: 'ccr_fixture',
          legalEntityId: original.legalEntityId,
          accountId: original.accountId,
          currency: original.currency,
          creditMemoId: memo.id,
          invoiceId: original.id,
          amountE4: 10_0000,
          appliedE4: 0,
          refundedE4: 0,
          status: 'OPEN',
          createdOn: original.invoiceDate,
          aggregateVersion: 1,
        });
        await write.useCustomerCredit({
          credit,
          appliedE4: 0,
          refundedE4: 4_0000,
          status: 'OPEN',
          use: {
            id: 'ccu_fixture',
            creditId: credit.id,
            kind: 'REFUNDED',
            invoiceId: null,
            amountE4: 4_0000,
            usedOn: original.invoiceDate,
            postingPeriodId: original.postingPeriodId,
            method: 'WIRE',
            reference: 'RF-fixture',
          },
          invoice: null,
        });
        // A receivable write-off waiting for its approval (docs/capabilities.md#receivable-write-off).
        await write.requestReceivableWriteOff(writeOffFixture(original));
        return memo;
      });
    });

    it('holds the receivable write-offs, by id and by invoice', async () => {
      const original = seededInvoices().find((invoice) => invoice.id === creditMemo.originalInvoiceId)!;
      expect(await read.receivableWriteOffsByIds(['rwo_fixture'])).toEqual([writeOffFixture(original)]);
      expect(await read.receivableWriteOffsByInvoiceIds([original.id])).toEqual([writeOffFixture(original)]);
      expect(await read.receivableWriteOffsByIds(['rwo_missing'])).toEqual([]);
    });

    it('holds the customer credits and their uses, the credit moved to its next version by each use', async () => {
      const original = seededInvoices().find((invoice) => invoice.id === creditMemo.originalInvoiceId)!;
      const credit = {
        id: 'ccr_fixture',
        legalEntityId: original.legalEntityId,
        accountId: original.accountId,
        currency: original.currency,
        creditMemoId: creditMemo.id,
        invoiceId: original.id,
        amountE4: 10_0000,
        appliedE4: 0,
        refundedE4: 4_0000,
        status: 'OPEN',
        createdOn: original.invoiceDate,
        aggregateVersion: 2,
      };
      expect(await read.customerCreditsByIds(['ccr_fixture'])).toEqual([credit]);
      expect(await read.customerCreditsByAccountIds([original.accountId])).toEqual([credit]);
      expect(await read.customerCreditUsesByCreditIds(['ccr_fixture'])).toEqual([
        {
          id: 'ccu_fixture',
          creditId: 'ccr_fixture',
          kind: 'REFUNDED',
          invoiceId: null,
          amountE4: 4_0000,
          usedOn: original.invoiceDate,
          postingPeriodId: original.postingPeriodId,
          method: 'WIRE',
          reference: 'RF-fixture',
        },
      ]);
    });

    afterAll(async () => {
      await erp?.close();
    });

    it('holds exactly the seeded invoices, as canonical records', async () => {
      const seeded = seededInvoices();
      expect(byId(await read.invoicesByIds(seeded.map((invoice) => invoice.id)))).toEqual(seeded);
    });

    it('answers a batch lookup with only the records that exist, and no keys with no records', async () => {
      const [first] = seededInvoices();
      expect(await read.invoicesByIds([first!.id, 'inv_missing'])).toEqual([first]);
      expect(await read.invoicesByIds([])).toEqual([]);
      expect(await read.billedByProjectIds([])).toEqual([]);
      expect(await read.openReceivablesByAccountIds([])).toEqual([]);
    });

    it('walks a keyset-paginated list in ID order without gaps or repeats, counting the filtered set', async () => {
      const all = byId([...seededInvoices(), creditMemo]);
      const seen: string[] = [];
      let afterId: string | null = null;
      for (;;) {
        const page = await read.invoicesPage({}, { first: 7, afterId });
        expect(page.total).toBe(all.length);
        seen.push(...page.rows.slice(0, 7).map((row) => row.id));
        if (page.rows.length <= 7) break;
        afterId = page.rows[6]!.id;
      }
      expect(seen).toEqual(all.map((invoice) => invoice.id));
      const posted = await read.invoicesPage({ status: ['POSTED'] }, PAGE);
      expect(posted.rows.map((invoice) => invoice.id)).toEqual(
        all.filter((invoice) => invoice.status === 'POSTED').map((invoice) => invoice.id),
      );
      expect(posted.total).toBe(posted.rows.length);
    });

    it('sums billed-to-date per project and open receivables per account', async () => {
      const projectIds = erp.data.psa.projects.map((project) => project.id);
      const billed = await read.billedByProjectIds(projectIds);
      expect(billed.length).toBeGreaterThan(0);
      const memoProject = creditMemo.projectId;
      for (const id of projectIds) {
        const actual = new Map(billed.filter((row) => row.key === id).map((row) => [row.currency, row.amountE4]));
        const expected = expectedBilled(erp.data, id);
        if (id === memoProject) expected.set(creditMemo.currency, (expected.get(creditMemo.currency) ?? 0) + creditMemo.subtotalE4);
        expect(actual, id).toEqual(expected);
      }
      const accountIds = [...new Set(erp.data.erp.invoices.map((invoice) => invoice.account_id))];
      const open = await read.openReceivablesByAccountIds(accountIds);
      for (const id of accountIds) {
        const actual = new Map(open.filter((row) => row.key === id).map((row) => [row.currency, row.amountE4]));
        expect(actual, id).toEqual(expectedReceivables(erp.data, id));
      }
    });

    it('answers the relations in the orders the resolvers show them', async () => {
      const legalEntities = byId(erp.data.erp.legal_entities).map(rows.legalEntityOf);
      expect(await read.legalEntities()).toEqual([...legalEntities].sort((a, b) => (a.code < b.code ? -1 : 1)));
      const le = legalEntities[0]!.id;
      const periods = erp.data.erp.accounting_periods.filter((p) => p.legal_entity_id === le).map(rows.periodOf);
      expect(await read.periodsByLegalEntityIds([le])).toEqual(periods.sort((a, b) => (a.startDate < b.startDate ? -1 : 1)));
      const account = erp.data.erp.billing_profiles[0]!.account_id;
      expect(await read.billingProfilesByAccountIds([account])).toEqual(
        erp.data.erp.billing_profiles
          .filter((p) => p.account_id === account)
          .map(rows.billingProfileOf)
          .sort((a, b) => (a.customerNumber < b.customerNumber ? -1 : 1)),
      );
      const byAccount = seededInvoices().filter((invoice) => invoice.accountId === account);
      expect((await read.invoicesByAccountIds([account])).map((invoice) => invoice.id)).toEqual(
        byAccount
          .sort((a, b) => (a.invoiceDate === b.invoiceDate ? (a.id < b.id ? -1 : 1) : a.invoiceDate < b.invoiceDate ? 1 : -1))
          .map((invoice) => invoice.id),
      );
      expect(await read.creditMemosByOriginalInvoiceIds([creditMemo.originalInvoiceId!])).toEqual([creditMemo]);
      expect(await read.invoiceLinesByInvoiceIds([creditMemo.id])).toEqual([
        {
          id: 'invl_fixture_cm',
          invoiceId: creditMemo.id,
          lineNumber: 1,
          description: 'Fixture credit',
          quantityE2: -100,
          unitPriceE4: 10_0000,
          amountE4: -10_0000,
          taxCode: 'NONE',
          taxE4: 0,
        },
      ]);
      expect(
        (await read.revenueSchedulesByContractIds(['ctr_00001'])).map((s) => [s.id, s.status, s.recognizedE4, s.aggregateVersion]),
      ).toEqual([['rs_fixture', 'IN_PROGRESS', 10_0000, 2]]);
      expect((await read.revenueScheduleLinesByScheduleIds(['rs_fixture'])).map((line) => line.id)).toEqual(['rsl_fixture']);
      expect(creditMemo.invoiceNumber).toMatch(/^[A-Z]{2}\d{2}-CM-\d{4}-\d{6}$/);
    });

    it('restricts pages, lookups and sums to the record scope (counts included)', async () => {
      const account = erp.data.erp.invoices[0]!.account_id;
      const partner = erp.system.reads(scopeAllowing({ legalEntity: null, account: [account] }));
      const mine = byId([...seededInvoices(), creditMemo]).filter((invoice) => invoice.accountId === account);
      const page = await partner.invoicesPage({}, PAGE);
      expect(page.rows.map((invoice) => invoice.id)).toEqual(mine.map((invoice) => invoice.id));
      expect(page.total).toBe(mine.length);
      const other = seededInvoices().find((invoice) => invoice.accountId !== account)!;
      expect(await partner.invoicesByIds([other.id])).toEqual([]);
      const blind = erp.system.reads(scopeAllowing({ legalEntity: [], account: null }));
      expect(await blind.openReceivablesByAccountIds([account])).toEqual([]);
      expect(await blind.invoicesPage({}, PAGE)).toEqual({ rows: [], total: 0 });
    });

    it('scopes every method: bound to a scope that sees nothing, the port answers nothing', async () => {
      const invoice = creditMemo;
      const payment = erp.data.erp.payment_applications[0]!;
      const card = erp.data.erp.rate_cards[0]!.id;
      await expectEveryMethodScoped(
        (scope) => erp.system.reads(scope),
        {
          legalEntities: (port) => port.legalEntities(),
          receivablesAt: (port) => port.receivablesAt('2099-12-31', { legalEntityId: null, currency: null }),
          monthlySales: (port) => port.monthlySales('2000-01-01', '2099-12-31', { legalEntityId: null, currency: null }),
          projectRevenue: (port) => port.projectRevenue({ legalEntityId: null, currency: null, projectIds: null }),
          invoicesFromDrafts: (port) =>
            port.invoicesFromDrafts({ from: '2000-01-01', to: '2099-12-31' }, { legalEntityId: null, currency: null }),
          legalEntitiesByIds: (port) => port.legalEntitiesByIds([invoice.legalEntityId]),
          periodsByIds: (port) => port.periodsByIds([invoice.postingPeriodId]),
          periodsByLegalEntityIds: (port) => port.periodsByLegalEntityIds([invoice.legalEntityId]),
          taxProfilesByIds: unscoped('tax profiles are reference data (codes and rates) every caller of the ERP may read'),
          rateCards: (port) => port.rateCards(),
          rateCardsByIds: (port) => port.rateCardsByIds([card]),
          rateCardLinesByRateCardIds: (port) => port.rateCardLinesByRateCardIds([card]),
          billingProfilesByAccountIds: (port) => port.billingProfilesByAccountIds([invoice.accountId]),
          contractTermsByContractIds: unscoped('terms carry no legal entity or customer; the CRM scopes the contract they belong to'),
          erpProjectsByProjectIds: (port) => port.erpProjectsByProjectIds(['prj_00003']),
          invoicesByIds: (port) => port.invoicesByIds([invoice.id]),
          invoicesPage: (port) => port.invoicesPage({}, { first: 10, afterId: null }),
          invoicesByAccountIds: (port) => port.invoicesByAccountIds([invoice.accountId]),
          invoicesByContractIds: (port) => port.invoicesByContractIds([invoice.contractId!]),
          invoicesByProjectIds: (port) => port.invoicesByProjectIds([invoice.projectId!]),
          invoicesBySourceDraftIds: (port) =>
            port.invoicesBySourceDraftIds(seededInvoices().flatMap((i) => (i.sourceBillingDraftId ? [i.sourceBillingDraftId] : []))),
          creditMemosByOriginalInvoiceIds: (port) => port.creditMemosByOriginalInvoiceIds([invoice.originalInvoiceId!]),
          invoiceLinesByInvoiceIds: (port) => port.invoiceLinesByInvoiceIds([invoice.id]),
          billedByProjectIds: (port) => port.billedByProjectIds([invoice.projectId!]),
          openReceivablesByAccountIds: (port) => port.openReceivablesByAccountIds(seededInvoices().map((i) => i.accountId)),
          paymentsByIds: (port) => port.paymentsByIds([payment.payment_id]),
          applicationsByPaymentIds: (port) => port.applicationsByPaymentIds([payment.payment_id]),
          applicationsByInvoiceIds: (port) => port.applicationsByInvoiceIds([payment.invoice_id]),
          revenueSchedulesByIds: (port) => port.revenueSchedulesByIds(['rs_00001']),
          revenueSchedulesByProjectIds: (port) => port.revenueSchedulesByProjectIds(['prj_00003']),
          revenueSchedulesByContractIds: (port) => port.revenueSchedulesByContractIds(['ctr_00001']),
          revenueSchedulesByLegalEntityIds: (port) => port.revenueSchedulesByLegalEntityIds([invoice.legalEntityId]),
          revenueScheduleLinesByScheduleIds: (port) => port.revenueScheduleLinesByScheduleIds(['rs_fixture']),
          customerCreditsByIds: (port) => port.customerCreditsByIds(['ccr_fixture']),
          customerCreditsByAccountIds: (port) => port.customerCreditsByAccountIds([invoice.accountId]),
          customerCreditUsesByCreditIds: (port) => port.customerCreditUsesByCreditIds(['ccr_fixture']),
          receivableWriteOffsByIds: (port) => port.receivableWriteOffsByIds(['rwo_fixture']),
          receivableWriteOffsByInvoiceIds: (port) => port.receivableWriteOffsByInvoiceIds([creditMemo.originalInvoiceId!]),
        },
        { control: ALL_RECORDS },
      );
    });
  });
}

function writeOffFixture(invoice: Invoice): ReceivableWriteOff {
  return {
    id: 'rwo_fixture',
    invoiceId: invoice.id,
    legalEntityId: invoice.legalEntityId,
    accountId: invoice.accountId,
    currency: invoice.currency,
    amountE4: 1_0000,
    reasonCode: 'SMALL_BALANCE',
    reasonText: 'Rounding left on the account',
    status: 'REQUESTED',
    requestedBy: 'ar.clerk@example.com',
    requestedAt: '2026-11-20T09:00:00.000Z',
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    writtenOffOn: null,
    postingPeriodId: null,
    aggregateVersion: 1,
  };
}
