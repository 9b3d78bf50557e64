/**
 * The ERP write port on the in-memory remote adapter: the contract every adapter meets, then what
 * only a remote system can do to a call: fail (nothing recorded as done; the retry succeeds), commit
 * and lose its answer, answer late. A retry with the same key never writes twice (it checks its
 * rules against what the call first read, and finds its own writes by their external keys); a
 * replay after success calls the vendor no more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERP_OBJECTS } from '../../../../systems/erp/adapters/memory/objects.ts';
import type { Stored } from '../../../../systems/kernel/adapters/memory/callHistory.ts';
import type { VendorRecord } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { tempSqliteStore } from '../../../harness/tempDatabase.ts';
import { callErp, keyStatus, type World } from './erpCalls.ts';
import { memoryErp, type ErpUnderTest } from './erpFixture.ts';
import { receivableWriteOffContract } from './receivableWriteOff.contract.ts';
import { erpWritePortContract } from './writePort.contract.ts';
import { ukDraft, ukInvoice } from './ukBilling.ts';

const makeErp = memoryErp(async () => tempSqliteStore());
/** The canonical record a vendor record holds. */
const held = (record: VendorRecord) => (record.fields as Stored<Readonly<Record<string, unknown>>>).record;

erpWritePortContract('the in-memory remote adapter', makeErp);
receivableWriteOffContract('the in-memory remote adapter', makeErp);

describe('ERP write port on a remote system that fails, loses answers and answers late', () => {
  let erp: ErpUnderTest;
  const none: World = { entities: {} };
  const payment = (bankReference: string) => ({
    legalEntityId: 'le_UK01',
    accountId: 'acc_00014',
    amount: '250.00',
    currency: 'GBP',
    receivedDate: '2026-11-19',
    method: 'ACH',
    bankReference,
  });
  const paymentsNumbered = (number: string) => erp.vendor!.count(ERP_OBJECTS.payment, (record) => held(record).paymentNumber === number);

  beforeAll(async () => {
    erp = await makeErp();
  });

  /** Resolves once the vendor received `operation` (a write commits as it is received; only its answer waits). */
  function committed(operation: string): Promise<void> {
    const vendor = erp.vendor!;
    const create = vendor.create.bind(vendor);
    return new Promise((resolve) => {
      vendor.create = (async (...args: Parameters<typeof create>) => {
        const answer = create(...args);
        if (vendor.calls.at(-1) === operation) {
          vendor.create = create;
          resolve();
        }
        return answer;
      }) as typeof vendor.create;
    });
  }

  afterAll(async () => {
    await erp?.close();
  });

  it('a vendor failure is DOWNSTREAM_UNAVAILABLE with nothing recorded as done; the retry succeeds', async () => {
    erp.vendor!.failNext(`create:${ERP_OBJECTS.payment}`);
    await expect(callErp(erp.system, none, 'recordPayment', payment('BANK-FAIL-1'), 'k-fail')).rejects.toMatchObject({
      extensions: { code: 'DOWNSTREAM_UNAVAILABLE' },
    });
    expect(await keyStatus(erp.system.ledger, 'k-fail')).toBe('IN_PROGRESS');
    expect(paymentsNumbered('BANK-FAIL-1')).toBe(0);

    const retry = await callErp(erp.system, none, 'recordPayment', payment('BANK-FAIL-1'), 'k-fail');
    expect(retry.payload).toMatchObject({ userErrors: [], replayed: false, payment: { paymentNumber: 'BANK-FAIL-1', status: 'RECEIVED' } });
    expect(await keyStatus(erp.system.ledger, 'k-fail')).toBe('COMPLETED');
    expect(paymentsNumbered('BANK-FAIL-1')).toBe(1);
  });

  it('a write that committed and lost its answer is found by its external key: one invoice, one number, the same answer', async () => {
    erp.vendor!.failNext(`create:${ERP_OBJECTS.invoice}`, { kind: 'timeoutAfterCommit' });
    const release = { billingDraftId: 'bd_lost_1', invoiceDate: '2026-11-20', expectedVersion: 1 };
    await expect(callErp(erp.system, ukDraft('bd_lost_1'), 'releaseInvoiceV2', release, 'k-lost')).rejects.toMatchObject({
      extensions: { code: 'DOWNSTREAM_UNAVAILABLE' },
    });
    const ofDraft = () => erp.vendor!.count(ERP_OBJECTS.invoice, (record) => held(record).sourceBillingDraftId === 'bd_lost_1');
    expect(ofDraft()).toBe(1);
    expect(await keyStatus(erp.system.ledger, 'k-lost')).toBe('IN_PROGRESS');

    const retry = await callErp(erp.system, ukDraft('bd_lost_1'), 'releaseInvoiceV2', release, 'k-lost');
    expect(retry.payload).toEqual({
      __typename: 'ReleaseInvoiceSuccess',
      invoice: ukInvoice('bd_lost_1', 'UK01-INV-2026-000001'),
      warnings: [],
      replayed: false,
    });
    expect(ofDraft()).toBe(1);
    const invoiceId = (retry.payload.invoice as { id: string }).id;
    expect(erp.vendor!.count(ERP_OBJECTS.invoiceLine, (record) => held(record).invoiceId === invoiceId)).toBe(3);

    // The next release takes the next number: the lost attempt's number was not handed out twice, nor skipped.
    const next = await callErp(erp.system, ukDraft('bd_lost_2'), 'releaseInvoiceV2', { ...release, billingDraftId: 'bd_lost_2' }, 'k-next');
    expect(next.payload).toMatchObject({ invoice: { invoiceNumber: 'UK01-INV-2026-000002' } });

    const calls = erp.vendor!.calls.length;
    const replay = await callErp(erp.system, ukDraft('bd_lost_1'), 'releaseInvoiceV2', release, 'k-lost');
    expect(replay.payload).toEqual({ ...retry.payload, replayed: true });
    expect(erp.vendor!.calls.length).toBe(calls);
  });

  it('a transition whose answer was lost resumes against what the call first read: applied once, the same answer', async () => {
    const release = { billingDraftId: 'bd_lost_3', invoiceDate: '2026-11-20', expectedVersion: 1 };
    const posted = await callErp(erp.system, ukDraft('bd_lost_3'), 'releaseInvoiceV2', release, 'k-lost-3');
    const invoiceId = (posted.payload.invoice as { id: string }).id;
    const paid = await callErp(erp.system, none, 'recordPayment', payment('BANK-LOST-3'), 'k-pay-lost-3');
    const paymentId = (paid.payload.payment as { id: string }).id;
    const apply = { paymentId, invoiceId, amount: '250.00', expectedVersion: 1 };

    erp.vendor!.failNext(`create:${ERP_OBJECTS.application}`, { kind: 'timeoutAfterCommit' });
    await expect(callErp(erp.system, none, 'applyPayment', apply, 'k-apply-lost')).rejects.toMatchObject({
      extensions: { code: 'DOWNSTREAM_UNAVAILABLE' },
    });
    const applications = () => erp.vendor!.count(ERP_OBJECTS.application, (record) => held(record).invoiceId === invoiceId);
    expect(applications()).toBe(1);

    const retry = await callErp(erp.system, none, 'applyPayment', apply, 'k-apply-lost');
    expect(retry.payload).toMatchObject({
      userErrors: [],
      replayed: false,
      invoice: { id: invoiceId, status: 'PARTIALLY_PAID', amountPaidE4: 2_500_000, aggregateVersion: 2 },
      payment: { id: paymentId, status: 'APPLIED', aggregateVersion: 2 },
      application: { paymentId, invoiceId, amountE4: 2_500_000 },
    });
    expect(applications()).toBe(1);
    const [invoice] = await erp.system.reads(ALL_RECORDS).invoicesByIds([invoiceId]);
    expect(invoice).toMatchObject({ amountPaidE4: 2_500_000, aggregateVersion: 2 });
  });

  it('an answer that comes late: a retry meanwhile is IDEMPOTENCY_IN_PROGRESS, then one payment and the same answer', async () => {
    const late = erp.vendor!.answerLate(`create:${ERP_OBJECTS.payment}`);
    const first = callErp(erp.system, none, 'recordPayment', payment('BANK-LATE-1'), 'k-late');
    await committed(`create:${ERP_OBJECTS.payment}`);
    expect(paymentsNumbered('BANK-LATE-1')).toBe(1);
    await expect(callErp(erp.system, none, 'recordPayment', payment('BANK-LATE-1'), 'k-late')).rejects.toMatchObject({
      extensions: { code: 'IDEMPOTENCY_IN_PROGRESS' },
    });
    late.release();
    const answered = await first;
    expect(answered.payload).toMatchObject({ userErrors: [], replayed: false, payment: { paymentNumber: 'BANK-LATE-1' } });
    const replay = await callErp(erp.system, none, 'recordPayment', payment('BANK-LATE-1'), 'k-late');
    expect(replay.payload).toEqual({ ...answered.payload, replayed: true });
    expect(paymentsNumbered('BANK-LATE-1')).toBe(1);
  });

  it('a business rejection writes nothing at the vendor', async () => {
    const before = erp.vendor!.count(ERP_OBJECTS.payment);
    const refused = await callErp(erp.system, none, 'recordPayment', { ...payment('BANK-REFUSED'), amount: '0.00' }, 'k-refused');
    expect(refused.payload).toEqual({
      userErrors: [{ code: 'PRECONDITION_FAILED', message: 'A payment amount must be positive.', field: 'amount' }],
      warnings: [],
      replayed: false,
    });
    expect(erp.vendor!.count(ERP_OBJECTS.payment)).toBe(before);
  });
});
