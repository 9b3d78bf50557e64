/**
 * The receivable write-off on every ERP adapter (docs/capabilities.md#receivable-write-off): a
 * request, its approval by another person (docs/invariants.md#inv-8) in an open period
 * (docs/invariants.md#inv-6) within the invoice's open balance (docs/invariants.md#inv-21), its
 * rejection, and each guard refused with its code and field. The same records and answers on SQL
 * and on the in-memory remote adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeAllowing } from '../../../../policies/recordScope.ts';
import { callErp, eventsOf, type World } from './erpCalls.ts';
import type { ErpUnderTest, MakeErp } from './erpFixture.ts';
import { releaseUkDraft } from './ukBilling.ts';

const none: World = { entities: {} };
const APPROVER = 'ar-manager';
const everything = scopeAllowing({ legalEntity: null, account: null });

export function receivableWriteOffContract(adapter: string, makeErp: MakeErp): void {
  describe(`ERP receivable write-off on ${adapter}`, () => {
    let erp: ErpUnderTest;
    beforeAll(async () => {
      erp = await makeErp();
    });
    afterAll(async () => {
      await erp?.close();
    });

    const release = (draftId: string): Promise<string> => releaseUkDraft(erp.system, draftId, `k-release-${draftId}`);
    const pay = async (invoiceId: string, amount: string, reference: string) => {
      const paid = await callErp(
        erp.system,
        none,
        'recordPayment',
        {
          legalEntityId: 'le_UK01',
          accountId: 'acc_00014',
          amount,
          currency: 'GBP',
          receivedDate: '2026-11-20',
          method: 'WIRE',
          bankReference: reference,
        },
        `k-pay-${reference}`,
      );
      const paymentId = (paid.payload.payment as { id: string }).id;
      const [invoice] = await erp.system.reads(everything).invoicesByIds([invoiceId]);
      return callErp(
        erp.system,
        none,
        'applyPayment',
        { paymentId, invoiceId, amount, expectedVersion: invoice!.aggregateVersion },
        `k-apply-${reference}`,
      );
    };
    const request = (invoiceId: string, amount: string, key: string, reasonText = 'Rounding difference left by the customer') =>
      callErp(erp.system, none, 'requestReceivableWriteOff', { invoiceId, amount, reasonCode: 'SMALL_BALANCE', reasonText }, key);
    const failure = (code: string, message: string, field: string | null) => ({
      __typename: 'CapabilityFailure',
      errors: [{ code, message, field }],
      replayed: false,
    });

    it('requests, then another person approves part of an open balance: amountWrittenOff grows, amountDue drops, the status stays', async () => {
      const invoiceId = await release('bd_wo_1');
      const requested = await request(invoiceId, '390.00', 'k-wo-1');
      const writeOff = {
        invoiceId,
        legalEntityId: 'le_UK01',
        accountId: 'acc_00014',
        currency: 'GBP',
        amountE4: 3_900_000,
        reasonCode: 'SMALL_BALANCE',
        reasonText: 'Rounding difference left by the customer',
        status: 'REQUESTED',
        requestedBy: 'finance-clerk',
        requestedAt: '2026-11-20T09:30:00.000Z',
        decidedBy: null,
        decidedAt: null,
        decisionNote: null,
        writtenOffOn: null,
        postingPeriodId: null,
        aggregateVersion: 1,
      };
      expect(requested.payload).toMatchObject({
        __typename: 'ReceivableWriteOffSuccess',
        receivableWriteOff: writeOff,
        invoice: { id: invoiceId, status: 'POSTED', amountWrittenOffE4: 0, aggregateVersion: 1 },
        warnings: [],
        replayed: false,
      });
      const writeOffId = (requested.payload.receivableWriteOff as { id: string }).id;

      // A second request while one waits, and more than is open, are refused.
      expect((await request(invoiceId, '1.00', 'k-wo-1b')).payload).toEqual(
        failure(
          'PRECONDITION_FAILED',
          `Write-off ${writeOffId} of Invoice UK01-INV-2026-000001 already waits for its approval.`,
          'invoiceId',
        ),
      );
      expect((await request(invoiceId, '4390.01', 'k-wo-1c')).payload).toEqual(
        failure('AMOUNT_EXCEEDS_OPEN_BALANCE', 'Invoice UK01-INV-2026-000001 has 4390.00 GBP due.', 'amount'),
      );
      // The requester cannot approve it.
      const own = await callErp(erp.system, none, 'approveReceivableWriteOff', { writeOffId, expectedVersion: 1 }, 'k-wo-own');
      expect(own.payload).toEqual(
        failure('SEGREGATION_OF_DUTIES', 'You requested this write-off: another person must approve it.', 'writeOffId'),
      );
      // Not in a closed period.
      const closed = await callErp(
        erp.system,
        none,
        'approveReceivableWriteOff',
        { writeOffId, expectedVersion: 1, writtenOffOn: '2026-09-15' },
        'k-wo-closed',
        APPROVER,
      );
      expect(closed.payload).toEqual(failure('PERIOD_CLOSED', 'Period 2026-09 of UK01 is CLOSED.', 'writtenOffOn'));

      const approved = await callErp(
        erp.system,
        none,
        'approveReceivableWriteOff',
        { writeOffId, expectedVersion: 1 },
        'k-wo-approve',
        APPROVER,
      );
      expect(approved.payload).toMatchObject({
        __typename: 'ReceivableWriteOffSuccess',
        receivableWriteOff: {
          ...writeOff,
          id: writeOffId,
          status: 'APPROVED',
          decidedBy: APPROVER,
          decidedAt: '2026-11-20T09:30:00.000Z',
          writtenOffOn: '2026-11-20',
          postingPeriodId: 'per_0026',
          aggregateVersion: 2,
        },
        invoice: { id: invoiceId, status: 'POSTED', amountPaidE4: 0, amountWrittenOffE4: 3_900_000, aggregateVersion: 2 },
        warnings: [],
        replayed: false,
      });
      const events = await eventsOf(erp.system.ledger, approved.requestId);
      expect(events).toEqual([
        {
          type: 'ReceivableWrittenOff',
          aggregateType: 'Invoice',
          aggregateId: invoiceId,
          aggregateVersion: 2,
          payload: {
            writeOffId,
            invoiceId,
            invoiceNumber: 'UK01-INV-2026-000001',
            accountId: 'acc_00014',
            amount: { amount: '390.00', currency: 'GBP' },
            reasonCode: 'SMALL_BALANCE',
            reasonText: 'Rounding difference left by the customer',
            status: 'APPROVED',
            requestedBy: 'finance-clerk',
            approvedBy: APPROVER,
            writtenOffOn: '2026-11-20',
            postingPeriodId: 'per_0026',
            invoiceStatus: 'POSTED',
            amountWrittenOff: { amount: '390.00', currency: 'GBP' },
            amountDue: { amount: '4000.00', currency: 'GBP' },
          },
        },
      ]);
      // A replay answers the same; a second approval is ALREADY_IN_STATE and changes nothing.
      const replay = await callErp(
        erp.system,
        none,
        'approveReceivableWriteOff',
        { writeOffId, expectedVersion: 1 },
        'k-wo-approve',
        APPROVER,
      );
      expect(replay.payload).toEqual({ ...approved.payload, replayed: true });
      const again = await callErp(
        erp.system,
        none,
        'approveReceivableWriteOff',
        { writeOffId, expectedVersion: 2 },
        'k-wo-again',
        APPROVER,
      );
      expect(again.payload).toMatchObject({
        receivableWriteOff: { id: writeOffId, status: 'APPROVED', aggregateVersion: 2 },
        warnings: [{ code: 'ALREADY_IN_STATE', message: 'ReceivableWriteOff already is APPROVED; nothing changed.' }],
      });

      // Paying the rest settles it: paid + written off = total makes it PAID.
      const paid = await pay(invoiceId, '4000.00', 'BANK-WO-1');
      expect(paid.payload).toMatchObject({ invoice: { status: 'PAID', amountPaidE4: 40_000_000, amountWrittenOffE4: 3_900_000 } });
      expect((await pay(invoiceId, '0.01', 'BANK-WO-1b')).payload).toMatchObject({
        userErrors: [{ code: 'INVALID_STATE_TRANSITION', field: 'invoiceId' }],
      });
      expect(await erp.system.reads(everything).receivableWriteOffsByInvoiceIds([invoiceId])).toEqual([
        approved.payload.receivableWriteOff,
      ]);
    });

    it('a write-off of all that is left makes a partly paid invoice WRITTEN_OFF; nothing more is written off or paid', async () => {
      const invoiceId = await release('bd_wo_2');
      await pay(invoiceId, '4300.00', 'BANK-WO-2');
      const requested = await request(invoiceId, '90.00', 'k-wo-2');
      const writeOffId = (requested.payload.receivableWriteOff as { id: string }).id;
      const approved = await callErp(
        erp.system,
        none,
        'approveReceivableWriteOff',
        { writeOffId, expectedVersion: 1 },
        'k-wo-2a',
        APPROVER,
      );
      expect(approved.payload).toMatchObject({
        receivableWriteOff: { status: 'APPROVED', amountE4: 900_000 },
        invoice: { status: 'WRITTEN_OFF', amountPaidE4: 43_000_000, amountWrittenOffE4: 900_000, aggregateVersion: 3 },
      });
      expect((await request(invoiceId, '1.00', 'k-wo-2b')).payload).toEqual(
        failure(
          'INVALID_STATE_TRANSITION',
          'Invoice UK01-INV-2026-000002 is WRITTEN_OFF: only a POSTED or PARTIALLY_PAID invoice is written off.',
          'invoiceId',
        ),
      );
    });

    it('a rejection needs a reason, leaves the invoice untouched, and is final; an approval finds the balance as it is then', async () => {
      const invoiceId = await release('bd_wo_3');
      const requested = await request(invoiceId, '500.00', 'k-wo-3');
      const writeOffId = (requested.payload.receivableWriteOff as { id: string }).id;
      const blank = await callErp(
        erp.system,
        none,
        'rejectReceivableWriteOff',
        { writeOffId, expectedVersion: 1, reason: '  ' },
        'k-wo-3b',
        APPROVER,
      );
      expect(blank.payload).toEqual(failure('PRECONDITION_FAILED', 'Say why the write-off is rejected.', 'reason'));
      const stale = await callErp(
        erp.system,
        none,
        'rejectReceivableWriteOff',
        { writeOffId, expectedVersion: 7, reason: 'No' },
        'k-wo-3s',
        APPROVER,
      );
      expect(stale.payload).toMatchObject({
        __typename: 'CapabilityFailure',
        errors: [{ code: 'VERSION_CONFLICT', field: 'expectedVersion' }],
      });
      const rejectedCall = await callErp(
        erp.system,
        none,
        'rejectReceivableWriteOff',
        { writeOffId, expectedVersion: 1, reason: 'The customer will pay' },
        'k-wo-3r',
        APPROVER,
      );
      expect(rejectedCall.payload).toMatchObject({
        receivableWriteOff: { status: 'REJECTED', decidedBy: APPROVER, decisionNote: 'The customer will pay', aggregateVersion: 2 },
        invoice: { id: invoiceId, status: 'POSTED', amountWrittenOffE4: 0, aggregateVersion: 1 },
      });
      expect((await eventsOf(erp.system.ledger, rejectedCall.requestId)).map((e) => [e.type, e.aggregateType, e.aggregateVersion])).toEqual(
        [['ReceivableWriteOffRejected', 'ReceivableWriteOff', 2]],
      );
      const late = await callErp(erp.system, none, 'approveReceivableWriteOff', { writeOffId, expectedVersion: 2 }, 'k-wo-3l', APPROVER);
      expect(late.payload).toMatchObject({ __typename: 'CapabilityFailure', errors: [{ code: 'INVALID_STATE_TRANSITION' }] });

      // A payment between the request and its approval: the approval cannot write off more than is left.
      const next = await request(invoiceId, '500.00', 'k-wo-3n');
      const nextId = (next.payload.receivableWriteOff as { id: string }).id;
      await pay(invoiceId, '4000.00', 'BANK-WO-3');
      const over = await callErp(
        erp.system,
        none,
        'approveReceivableWriteOff',
        { writeOffId: nextId, expectedVersion: 1 },
        'k-wo-3o',
        APPROVER,
      );
      expect(over.payload).toEqual(
        failure('AMOUNT_EXCEEDS_OPEN_BALANCE', 'Invoice UK01-INV-2026-000003 has 390.00 GBP due.', 'writeOffId'),
      );
      // Blank text, an unknown invoice and a zero amount are refused with their fields.
      expect((await request(invoiceId, '1.00', 'k-wo-3t', ' ')).payload).toEqual(
        failure('PRECONDITION_FAILED', 'Explain the write-off: its approver decides on it.', 'reasonText'),
      );
      expect((await request('inv_none', '1.00', 'k-wo-3u')).payload).toEqual(
        failure('NOT_FOUND', 'Invoice "inv_none" was not found.', 'invoiceId'),
      );
    });
  });
}
