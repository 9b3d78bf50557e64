/**
 * The ERP write port contract: capabilities run through the kernel runner on each adapter (SQL on
 * SQLite and PostgreSQL, the in-memory remote adapter) and must have the same effects: the same
 * canonical records and events for a release, a payment, its application and a credit memo; the
 * same typed rejections for a version lost, a bank reference or a billing draft used twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeAllowing } from '../../../../policies/recordScope.ts';
import { billingProfileOf } from '../../../../systems/erp/adapters/sql/rows.ts';
import { callErp, eventsOf, NOW, type World } from './erpCalls.ts';
import type { ErpUnderTest, MakeErp } from './erpFixture.ts';
import { ID, ukDraft, ukInvoice } from './ukBilling.ts';
import { revenueRevisionTests } from './writeRevenueRevision.ts';

const money = (amount: string, currency = 'GBP') => ({ amount, currency });

export function erpWritePortContract(adapter: string, makeErp: MakeErp): void {
  describe(`ERP write port on ${adapter}`, () => {
    let erp: ErpUnderTest;
    const none: World = { entities: {} };

    beforeAll(async () => {
      erp = await makeErp();
    });

    afterAll(async () => {
      await erp?.close();
    });

    revenueRevisionTests(() => erp);

    it('releases, pays, applies and credits with the same records and events', async () => {
      const release = await callErp(
        erp.system,
        ukDraft('bd_contract_1'),
        'releaseInvoiceV2',
        { billingDraftId: 'bd_contract_1', invoiceDate: '2026-11-20', expectedVersion: 1 },
        'k-release-1',
      );
      const invoice = ukInvoice('bd_contract_1', 'UK01-INV-2026-000001');
      expect(release.payload).toEqual({ __typename: 'ReleaseInvoiceSuccess', invoice, warnings: [], replayed: false });
      const posted = release.payload.invoice as { id: string };
      expect(await erp.system.reads(everything()).invoiceLinesByInvoiceIds([posted.id])).toEqual([
        {
          id: expect.any(String),
          invoiceId: posted.id,
          lineNumber: 1,
          description: 'Consulting',
          quantityE2: 750,
          unitPriceE4: 1_500_000,
          amountE4: 11_250_000,
          taxCode: 'GB-VAT-STD',
          taxE4: 2_250_000,
        },
        {
          id: expect.any(String),
          invoiceId: posted.id,
          lineNumber: 2,
          description: 'Milestone',
          quantityE2: 100,
          unitPriceE4: 25_000_000,
          amountE4: 25_000_000,
          taxCode: 'GB-VAT-STD',
          taxE4: 5_000_000,
        },
        {
          id: expect.any(String),
          invoiceId: posted.id,
          lineNumber: 3,
          description: 'Travel time',
          quantityE2: 25,
          unitPriceE4: 1_333_300,
          amountE4: 333_300,
          taxCode: 'GB-VAT-STD',
          taxE4: 66_700,
        },
      ]);
      expect(await eventsOf(erp.system.ledger, release.requestId)).toEqual([
        {
          type: 'InvoiceReleased',
          aggregateType: 'Invoice',
          aggregateId: posted.id,
          aggregateVersion: 1,
          payload: {
            invoiceId: posted.id,
            invoiceNumber: 'UK01-INV-2026-000001',
            billingDraftId: 'bd_contract_1',
            projectId: 'prj_00005',
            contractId: 'ctr_00003',
            accountId: 'acc_00014',
            invoiceDate: '2026-11-20',
            dueDate: '2026-12-20',
            postingPeriodId: 'per_0026',
            subtotal: money('3658.33'),
            taxTotal: money('731.67'),
            total: money('4390.00'),
            status: 'POSTED',
            resumed: false,
          },
        },
      ]);

      const received = await callErp(
        erp.system,
        none,
        'recordPayment',
        {
          legalEntityId: 'le_UK01',
          accountId: 'acc_00014',
          amount: '1000.00',
          currency: 'GBP',
          receivedDate: '2026-11-19',
          method: 'WIRE',
          bankReference: 'BANK-CONTRACT-1',
        },
        'k-pay-1',
      );
      const payment = {
        id: ID.pay,
        paymentNumber: 'BANK-CONTRACT-1',
        accountId: 'acc_00014',
        legalEntityId: 'le_UK01',
        receivedDate: '2026-11-19',
        amountE4: 10_000_000,
        currency: 'GBP',
        method: 'WIRE',
        status: 'RECEIVED',
        aggregateVersion: 1,
      };
      expect(received.payload).toEqual({ userErrors: [], warnings: [], payment, replayed: false });
      const paymentId = (received.payload.payment as { id: string }).id;
      expect(await eventsOf(erp.system.ledger, received.requestId)).toEqual([
        {
          type: 'PaymentRecorded',
          aggregateType: 'Payment',
          aggregateId: paymentId,
          aggregateVersion: 1,
          payload: {
            paymentId,
            bankReference: 'BANK-CONTRACT-1',
            accountId: 'acc_00014',
            receivedDate: '2026-11-19',
            method: 'WIRE',
            amount: money('1000.00'),
          },
        },
      ]);

      const applied = await callErp(
        erp.system,
        none,
        'applyPayment',
        { paymentId, invoiceId: posted.id, amount: '1000.00', expectedVersion: 1 },
        'k-apply-1',
      );
      expect(applied.payload).toEqual({
        userErrors: [],
        warnings: [],
        replayed: false,
        payment: { ...payment, id: paymentId, status: 'APPLIED', aggregateVersion: 2 },
        invoice: { ...invoice, id: posted.id, status: 'PARTIALLY_PAID', amountPaidE4: 10_000_000, aggregateVersion: 2 },
        application: { id: ID.pap, paymentId, invoiceId: posted.id, amountE4: 10_000_000, appliedOn: NOW.toISOString().slice(0, 10) },
      });

      // The invoice was posted from billing draft bd_contract_1: an amount credit would leave its
      // sources BILLED in the PSA, so it is refused (creditInvoiceLines credits it by line).
      const credited = await callErp(
        erp.system,
        none,
        'issueCreditMemo',
        { invoiceId: posted.id, amount: '1200.00', reason: 'Travel waived', expectedVersion: 2 },
        'k-credit-1',
      );
      expect(credited.payload).toEqual({
        userErrors: [
          {
            code: 'CREDIT_BY_LINES_REQUIRED',
            message:
              'Invoice UK01-INV-2026-000001 was posted from billing draft bd_contract_1: an amount credit would leave its sources ' +
              'billed in the PSA. Credit its lines with creditInvoiceLines (CREDIT or REOPEN each line) or void it with voidInvoice.',
            field: 'invoiceId',
          },
        ],
        warnings: [],
        replayed: false,
      });
      expect((await erp.system.reads(everything()).invoicesByIds([posted.id]))[0]).toMatchObject({
        status: 'PARTIALLY_PAID',
        amountPaidE4: 10_000_000,
        amountCreditedE4: 0,
        aggregateVersion: 2,
      });
    });

    it('enables a customer in a legal entity once, under the next customer number', async () => {
      const { crm, erp: seeded } = erp.data;
      const billed = new Set(seeded.billing_profiles.map((profile) => profile.account_id));
      const account = crm.accounts.find((candidate) => !billed.has(candidate.id))!;
      const highest = Math.max(
        ...seeded.billing_profiles.filter((p) => p.legal_entity_id === 'le_UK01').map((p) => Number(p.customer_number.slice(6))),
      );
      const customerNumber = `UK01-C${String(highest + 1).padStart(5, '0')}`;
      const ukTax = seeded.legal_entities.find((entity) => entity.id === 'le_UK01')!.tax_profile_id;
      const world: World = { entities: { ErpReadsAccount: { id: account.id, name: account.name, type: account.type } } };
      const input = { accountId: account.id, legalEntityId: 'le_UK01', currency: 'GBP', paymentTerms: 'NET_15' };

      const enabled = await callErp(erp.system, world, 'enableCustomerBilling', input, 'k-enable-1');
      const profile = {
        id: expect.stringMatching(/^bp_[0-9a-f]{20}$/),
        accountId: account.id,
        legalEntityId: 'le_UK01',
        customerNumber,
        currency: 'GBP',
        paymentTerms: 'NET_15',
        creditHold: false,
        taxProfileId: ukTax,
        aggregateVersion: 1,
      };
      expect(enabled.payload).toEqual({ userErrors: [], warnings: [], replayed: false, billingProfile: profile });
      const id = (enabled.payload.billingProfile as { id: string }).id;
      expect(await eventsOf(erp.system.ledger, enabled.requestId)).toEqual([
        {
          type: 'CustomerBillingEnabled',
          aggregateType: 'CustomerBillingProfile',
          aggregateId: id,
          aggregateVersion: 1,
          payload: {
            billingProfileId: id,
            accountId: account.id,
            legalEntityId: 'le_UK01',
            customerNumber,
            currency: 'GBP',
            paymentTerms: 'NET_15',
            taxProfileId: ukTax,
            creditHold: false,
          },
        },
      ]);
      expect(await erp.system.reads(everything()).billingProfilesByAccountIds([account.id])).toEqual([{ ...profile, id }]);

      const replay = await callErp(erp.system, world, 'enableCustomerBilling', input, 'k-enable-1');
      expect(replay.payload).toEqual({ ...enabled.payload, replayed: true });
      expect(await eventsOf(erp.system.ledger, replay.requestId)).toEqual([]);

      const again = await callErp(erp.system, world, 'enableCustomerBilling', { ...input, paymentTerms: 'NET_60' }, 'k-enable-2');
      expect(again.payload).toEqual({
        userErrors: [],
        warnings: [
          {
            code: 'ALREADY_IN_STATE',
            message: `Customer ${account.id} already is billed in UK01 as ${customerNumber}; nothing changed.`,
          },
        ],
        replayed: false,
        billingProfile: { ...profile, id },
      });
      expect(await eventsOf(erp.system.ledger, again.requestId)).toEqual([]);

      const otherCurrency = await callErp(erp.system, world, 'enableCustomerBilling', { ...input, currency: 'EUR' }, 'k-enable-3');
      expect(otherCurrency.payload.userErrors).toEqual([
        {
          code: 'CURRENCY_MISMATCH',
          message: `Customer ${account.id} is billed in GBP in UK01 (${customerNumber}), not EUR.`,
          field: 'currency',
        },
      ]);
      const unknown = await callErp(
        erp.system,
        { entities: {} },
        'enableCustomerBilling',
        { ...input, accountId: 'acc_nope' },
        'k-enable-4',
      );
      expect(unknown.payload.userErrors).toEqual([{ code: 'NOT_FOUND', message: 'Account "acc_nope" was not found.', field: 'accountId' }]);
      expect(await erp.system.reads(everything()).billingProfilesByAccountIds([account.id, 'acc_nope'])).toHaveLength(1);
    });

    it('places and releases a credit hold, moving the billing profile one version each', async () => {
      const seededProfile = erp.data.erp.billing_profiles.find((p) => p.credit_hold === 0 && p.legal_entity_id === 'le_UK01')!;
      const input = { accountId: seededProfile.account_id, legalEntityId: 'le_UK01', reason: 'Overdue' };
      const profile = { ...billingProfileOf(seededProfile), aggregateVersion: 1 };
      const event = (type: string, creditHold: boolean, aggregateVersion: number) => ({
        type,
        aggregateType: 'CustomerBillingProfile',
        aggregateId: profile.id,
        aggregateVersion,
        payload: {
          billingProfileId: profile.id,
          accountId: profile.accountId,
          legalEntityId: 'le_UK01',
          customerNumber: profile.customerNumber,
          creditHold,
          reason: 'Overdue',
        },
      });

      const placed = await callErp(erp.system, none, 'placeCreditHold', input, 'k-hold-1');
      const onHold = { ...profile, creditHold: true, aggregateVersion: 2 };
      expect(placed.payload).toEqual({ userErrors: [], warnings: [], replayed: false, billingProfile: onHold });
      expect(await eventsOf(erp.system.ledger, placed.requestId)).toEqual([event('CreditHoldPlaced', true, 2)]);
      expect(await erp.system.reads(everything()).billingProfilesByAccountIds([profile.accountId])).toContainEqual(onHold);
      const replay = await callErp(erp.system, none, 'placeCreditHold', input, 'k-hold-1');
      expect(replay.payload).toEqual({ ...placed.payload, replayed: true });
      const again = await callErp(erp.system, none, 'placeCreditHold', input, 'k-hold-2');
      expect(again.payload.warnings).toEqual([
        {
          code: 'ALREADY_IN_STATE',
          message: `Customer ${profile.accountId} already is on credit hold in UK01 (${profile.customerNumber}); nothing changed.`,
        },
      ]);
      expect(await eventsOf(erp.system.ledger, again.requestId)).toEqual([]);

      const released = await callErp(erp.system, none, 'releaseCreditHold', input, 'k-hold-3');
      const off = { ...profile, creditHold: false, aggregateVersion: 3 };
      expect(released.payload).toEqual({ userErrors: [], warnings: [], replayed: false, billingProfile: off });
      expect(await eventsOf(erp.system.ledger, released.requestId)).toEqual([event('CreditHoldReleased', false, 3)]);
      expect(await erp.system.reads(everything()).billingProfilesByAccountIds([profile.accountId])).toContainEqual(off);
    });

    it('answers the rules only the store decides as typed rejections, and replays a key', async () => {
      const stale = await callErp(
        erp.system,
        none,
        'applyPayment',
        { paymentId: 'pay_none', invoiceId: 'inv_none', amount: '1.00', expectedVersion: 1 },
        'k-stale',
      );
      expect(stale.payload.userErrors).toEqual([{ code: 'NOT_FOUND', message: 'Invoice "inv_none" was not found.', field: 'invoiceId' }]);

      const twice = await callErp(
        erp.system,
        none,
        'recordPayment',
        {
          legalEntityId: 'le_UK01',
          accountId: 'acc_00014',
          amount: '5.00',
          currency: 'GBP',
          receivedDate: '2026-11-19',
          method: 'WIRE',
          bankReference: 'BANK-CONTRACT-1',
        },
        'k-pay-again',
      );
      expect(twice.payload).toEqual({
        userErrors: [
          {
            code: 'DUPLICATE_PAYMENT',
            message: 'A payment with bank reference "BANK-CONTRACT-1" is already recorded.',
            field: 'bankReference',
          },
        ],
        warnings: [],
        replayed: false,
      });

      const again = await callErp(
        erp.system,
        ukDraft('bd_contract_1'),
        'releaseInvoice',
        { billingDraftId: 'bd_contract_1', invoiceDate: '2026-11-20' },
        'k-release-again',
      );
      expect(again.payload).toEqual({
        userErrors: [
          {
            code: 'SOURCE_ALREADY_BILLED',
            message: 'Billing draft bd_contract_1 is already invoiced as UK01-INV-2026-000001.',
            field: 'billingDraftId',
          },
        ],
        warnings: [],
        replayed: false,
      });

      const [invoice] = await erp.system.reads(everything()).invoicesBySourceDraftIds(['bd_contract_1']);
      const conflict = await callErp(
        erp.system,
        none,
        'issueCreditMemo',
        { invoiceId: invoice!.id, amount: '1.00', reason: 'Late', expectedVersion: 1 },
        'k-conflict',
      );
      expect(conflict.payload.userErrors).toEqual([
        {
          code: 'VERSION_CONFLICT',
          message: 'Invoice is at version 2, not 1: it changed since you read it. Read it again, then decide.',
          field: 'expectedVersion',
        },
      ]);

      const replay = await callErp(
        erp.system,
        none,
        'recordPayment',
        {
          legalEntityId: 'le_UK01',
          accountId: 'acc_00014',
          amount: '1000.00',
          currency: 'GBP',
          receivedDate: '2026-11-19',
          method: 'WIRE',
          bankReference: 'BANK-CONTRACT-1',
        },
        'k-pay-1',
      );
      expect(replay.payload).toMatchObject({
        userErrors: [],
        replayed: true,
        payment: { paymentNumber: 'BANK-CONTRACT-1', status: 'RECEIVED', aggregateVersion: 1 },
      });
      expect(await eventsOf(erp.system.ledger, replay.requestId)).toEqual([]);
    });

    it('credits a line of a PAID invoice into a customer credit, applied and refunded from its versions (docs/capabilities.md#customer-credits)', async () => {
      const released = await callErp(
        erp.system,
        ukDraft('bd_cc_1'),
        'releaseInvoiceV2',
        { billingDraftId: 'bd_cc_1', invoiceDate: '2026-11-20', expectedVersion: 1 },
        'k-cc-release-1',
      );
      const invoiceId = (released.payload.invoice as { id: string }).id;
      const paid = await callErp(
        erp.system,
        none,
        'recordPayment',
        {
          legalEntityId: 'le_UK01',
          accountId: 'acc_00014',
          amount: '4390.00',
          currency: 'GBP',
          receivedDate: '2026-11-20',
          method: 'WIRE',
          bankReference: 'BANK-CC-1',
        },
        'k-cc-pay',
      );
      const paymentId = (paid.payload.payment as { id: string }).id;
      await callErp(erp.system, none, 'applyPayment', { paymentId, invoiceId, amount: '4390.00', expectedVersion: 1 }, 'k-cc-apply');
      const sources: World = {
        entities: {
          ErpReadsDraftSources: {
            id: 'bd_cc_1',
            status: 'INVOICED',
            invoice: { id: invoiceId },
            items: [1, 2, 3].map((n, index) => ({
              id: `bdi_cc_${n}`,
              sourceType: 'TIME_SPLIT',
              sourceId: `te_cc_${n}`,
              amount: { amount: ['1125.00', '2500.00', '33.33'][index] },
            })),
            sourceCredits: [],
          },
        },
      };
      const credit = {
        invoiceId,
        expectedVersion: 2,
        lines: [{ lineNumber: 2, action: 'CREDIT' }],
        reason: 'Not accepted',
        creditDate: '2026-11-20',
      };
      const credited = await callErp(erp.system, sources, 'creditInvoiceLines', credit, 'k-cc-credit');
      expect(credited.payload).toMatchObject({
        __typename: 'CreditInvoiceLinesSuccess',
        creditMemo: { kind: 'CREDIT_MEMO', subtotalE4: -25_000_000, taxE4: -5_000_000, totalE4: -30_000_000, originalInvoiceId: invoiceId },
        invoice: { id: invoiceId, status: 'PAID', amountPaidE4: 43_900_000, amountCreditedE4: 0, aggregateVersion: 3 },
        customerCredit: { amountE4: 30_000_000, appliedE4: 0, refundedE4: 0, status: 'OPEN', currency: 'GBP', aggregateVersion: 1 },
        replayed: false,
      });
      const memoId = (credited.payload.creditMemo as { id: string }).id;
      expect(
        (await erp.system.reads(everything()).invoiceLinesByInvoiceIds([memoId])).map((line) => [
          line.amountE4,
          line.taxE4,
          line.creditedLineId,
        ]),
      ).toEqual([[-25_000_000, -5_000_000, (await erp.system.reads(everything()).invoiceLinesByInvoiceIds([invoiceId]))[1]!.id]]);
      const again = await callErp(erp.system, sources, 'creditInvoiceLines', { ...credit, expectedVersion: 3 }, 'k-cc-credit-again');
      expect(again.payload).toMatchObject({ __typename: 'CapabilityFailure', errors: [{ code: 'ALREADY_CREDITED', field: 'lines' }] });

      const creditId = (credited.payload.customerCredit as { id: string }).id;
      const other = await callErp(
        erp.system,
        ukDraft('bd_cc_2'),
        'releaseInvoiceV2',
        { billingDraftId: 'bd_cc_2', invoiceDate: '2026-11-20', expectedVersion: 1 },
        'k-cc-release-2',
      );
      const otherId = (other.payload.invoice as { id: string }).id;
      const applied = await callErp(
        erp.system,
        none,
        'applyCustomerCredit',
        { customerCreditId: creditId, invoiceId: otherId, amount: '1000.00', expectedVersion: 1, appliedOn: '2026-11-20' },
        'k-cc-use',
      );
      expect(applied.payload).toMatchObject({
        __typename: 'ApplyCustomerCreditSuccess',
        customerCredit: { id: creditId, appliedE4: 10_000_000, status: 'OPEN', aggregateVersion: 2 },
        invoice: { id: otherId, status: 'PARTIALLY_PAID', amountPaidE4: 10_000_000, aggregateVersion: 2 },
      });
      const refund = { customerCreditId: creditId, amount: '2000.00', refundDate: '2026-11-20', method: 'WIRE', reference: 'RF-CC-1' };
      const stale = await callErp(erp.system, none, 'refundCustomerCredit', { ...refund, expectedVersion: 1 }, 'k-cc-stale');
      expect(stale.payload).toEqual({
        __typename: 'CapabilityFailure',
        errors: [
          {
            code: 'VERSION_CONFLICT',
            message: 'CustomerCredit is at version 2, not 1: it changed since you read it. Read it again, then decide.',
            field: 'expectedVersion',
          },
        ],
        replayed: false,
      });
      const refunded = await callErp(erp.system, none, 'refundCustomerCredit', { ...refund, expectedVersion: 2 }, 'k-cc-refund');
      expect(refunded.payload).toMatchObject({
        customerCredit: { id: creditId, appliedE4: 10_000_000, refundedE4: 20_000_000, status: 'USED', aggregateVersion: 3 },
        refund: { kind: 'REFUNDED', amountE4: 20_000_000, invoiceId: null, method: 'WIRE', reference: 'RF-CC-1', usedOn: '2026-11-20' },
      });
      expect((await eventsOf(erp.system.ledger, refunded.requestId)).map((event) => event.type)).toEqual(['CustomerCreditRefunded']);
    });
  });
}

function everything() {
  return scopeAllowing({ legalEntity: null, account: null });
}
