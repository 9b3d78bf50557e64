/**
 * Receivable write-off through the gateway (docs/capabilities.md#receivable-write-off): one person
 * requests writing off part of what is open on a posted invoice, another approves it (its requester
 * is refused with SEGREGATION_OF_DUTIES), an amount over what is due is refused, a rejection leaves
 * the invoice untouched; the invoice's amountWrittenOff, amountDue and status afterwards, exactly.
 * One suite for each store engine: receivableWriteOff.sqlite.test.ts, receivableWriteOff.postgres.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWith } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { call, draftOn, envelope, failed, gbp, newKey, postInvoice, UK_ITEMS, ukContract, type SeededContract } from './erpKit.ts';

let tessera: TestTessera;
let uk: SeededContract;

const APPROVER = { sub: 'uk-controller', scope: 'crm:read psa:read erp:read erp:write', legal_entities: ['UK01'] };

const WRITE_OFF = `id invoice { id } amount { amount currency } reasonCode reasonText status requestedBy decidedBy decisionNote writtenOffOn aggregateVersion`;
const SETTLED =
  'id status amountPaid { amount currency } amountCredited { amount currency } amountWrittenOff { amount currency } amountDue { amount currency } total { amount currency }';
const RESULT = `__typename
    ... on ReceivableWriteOffSuccess { receivableWriteOff { ${WRITE_OFF} } invoice { ${SETTLED} } warnings { code message field } replayed }
    ... on CapabilityFailure { errors { code message field } replayed }`;
const REQUEST = `mutation Request($input: RequestReceivableWriteOffInput!) { requestReceivableWriteOff(input: $input) { ${RESULT} } }`;
const APPROVE = `mutation Approve($input: ApproveReceivableWriteOffInput!) { approveReceivableWriteOff(input: $input) { ${RESULT} } }`;
const REJECT = `mutation Reject($input: RejectReceivableWriteOffInput!) { rejectReceivableWriteOff(input: $input) { ${RESULT} } }`;

interface WriteOffJson {
  id: string;
  aggregateVersion: number;
}

function invoiceState(id: string, status: string, writtenOff: string, due: string) {
  return {
    id,
    status,
    amountPaid: gbp('0.00'),
    amountCredited: gbp('0.00'),
    amountWrittenOff: gbp(writtenOff),
    amountDue: gbp(due),
    total: gbp('4390.00'),
  };
}

function writeOffState(
  id: string,
  invoiceId: string,
  amount: string,
  status: string,
  version: number,
  decided: { decidedBy?: string | null; decisionNote?: string | null; writtenOffOn?: string | null } = {},
) {
  return {
    id,
    invoice: { id: invoiceId },
    amount: gbp(amount),
    reasonCode: 'DISPUTE',
    reasonText: 'The customer disputes part of the work.',
    status,
    requestedBy: 'test-admin',
    decidedBy: decided.decidedBy ?? null,
    decisionNote: decided.decisionNote ?? null,
    writtenOffOn: decided.writtenOffOn ?? null,
    aggregateVersion: version,
  };
}

async function request(invoiceId: string, amount: string) {
  return call<{ receivableWriteOff: WriteOffJson }>(tessera, REQUEST, {
    idempotencyKey: newKey(),
    invoiceId,
    amount,
    reasonCode: 'DISPUTE',
    reasonText: 'The customer disputes part of the work.',
  });
}

/** The suite on the store `makeStore` gives (a fresh one, seeded with the demo data `s`). */
export function receivableWriteOffSuite(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`receivable write-off through the gateway on ${engine}`, () => {
    let temp: TempStore | undefined;
    beforeAll(async () => {
      temp = await makeStore();
      [tessera, uk] = await startWith(ukContract, { store: temp });
    });
    afterAll(async () => {
      await tessera?.stop();
      await temp?.remove();
    });

    it('refuses an amount over what is due, its requester approving, then writes off what another person approves', async () => {
      const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
      expect(invoice.total).toBe('4390.00');

      const tooMuch = await request(invoice.id, '4390.01');
      expect(envelope(tooMuch)).toEqual(
        failed('requestReceivableWriteOff', {
          code: 'AMOUNT_EXCEEDS_OPEN_BALANCE',
          message: expect.stringContaining('has 4390.00 GBP due.') as unknown as string,
          field: 'amount',
        }),
      );

      const requested = await request(invoice.id, '390.00');
      const writeOff = requested.payload!.receivableWriteOff;
      expect(envelope(requested)).toEqual({
        status: 200,
        body: {
          data: {
            requestReceivableWriteOff: {
              __typename: 'ReceivableWriteOffSuccess',
              receivableWriteOff: writeOffState(writeOff.id, invoice.id, '390.00', 'REQUESTED', 1),
              invoice: invoiceState(invoice.id, 'POSTED', '0.00', '4390.00'),
              warnings: [],
              replayed: false,
            },
          },
        },
      });

      const second = await request(invoice.id, '10.00');
      expect(envelope(second)).toEqual(
        failed('requestReceivableWriteOff', {
          code: 'PRECONDITION_FAILED',
          message: expect.stringContaining(`Write-off ${writeOff.id} of `) as unknown as string,
          field: 'invoiceId',
        }),
      );

      const decision = { writeOffId: writeOff.id, expectedVersion: 1, writtenOffOn: '2026-11-25' };
      const own = await call(tessera, APPROVE, { idempotencyKey: newKey(), ...decision });
      expect(envelope(own)).toEqual(
        failed('approveReceivableWriteOff', {
          code: 'SEGREGATION_OF_DUTIES',
          message: 'You requested this write-off: another person must approve it.',
          field: 'writeOffId',
        }),
      );

      const approved = await call(tessera, APPROVE, { idempotencyKey: newKey(), ...decision }, { claims: APPROVER });
      expect(envelope(approved)).toEqual({
        status: 200,
        body: {
          data: {
            approveReceivableWriteOff: {
              __typename: 'ReceivableWriteOffSuccess',
              receivableWriteOff: writeOffState(writeOff.id, invoice.id, '390.00', 'APPROVED', 2, {
                decidedBy: 'uk-controller',
                writtenOffOn: '2026-11-25',
              }),
              invoice: invoiceState(invoice.id, 'POSTED', '390.00', '4000.00'),
              warnings: [],
              replayed: false,
            },
          },
        },
      });

      const again = await call(tessera, APPROVE, { idempotencyKey: newKey(), ...decision, expectedVersion: 2 }, { claims: APPROVER });
      expect(again.payload).toMatchObject({
        __typename: 'ReceivableWriteOffSuccess',
        receivableWriteOff: { status: 'APPROVED' },
        invoice: { amountWrittenOff: gbp('390.00'), amountDue: gbp('4000.00') },
        warnings: [{ code: 'ALREADY_IN_STATE' }],
      });

      const overDue = await request(invoice.id, '4000.01');
      expect(envelope(overDue)).toEqual(
        failed('requestReceivableWriteOff', {
          code: 'AMOUNT_EXCEEDS_OPEN_BALANCE',
          message: expect.stringContaining('has 4000.00 GBP due.') as unknown as string,
          field: 'amount',
        }),
      );

      const rest = (await request(invoice.id, '4000.00')).payload!.receivableWriteOff;
      const closed = await call(
        tessera,
        APPROVE,
        { idempotencyKey: newKey(), writeOffId: rest.id, expectedVersion: rest.aggregateVersion, writtenOffOn: '2026-11-26' },
        { claims: APPROVER },
      );
      expect(envelope(closed)).toEqual({
        status: 200,
        body: {
          data: {
            approveReceivableWriteOff: {
              __typename: 'ReceivableWriteOffSuccess',
              receivableWriteOff: writeOffState(rest.id, invoice.id, '4000.00', 'APPROVED', 2, {
                decidedBy: 'uk-controller',
                writtenOffOn: '2026-11-26',
              }),
              invoice: invoiceState(invoice.id, 'WRITTEN_OFF', '4390.00', '0.00'),
              warnings: [],
              replayed: false,
            },
          },
        },
      });

      const afterClose = await request(invoice.id, '1.00');
      expect(envelope(afterClose)).toEqual(
        failed('requestReceivableWriteOff', {
          code: 'INVALID_STATE_TRANSITION',
          message: expect.stringContaining('is WRITTEN_OFF: only a POSTED or PARTIALLY_PAID invoice is written off.') as unknown as string,
          field: 'invoiceId',
        }),
      );
    });

    it('rejects a write-off with a reason and leaves the invoice as it was', async () => {
      const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
      const writeOff = (await request(invoice.id, '1000.00')).payload!.receivableWriteOff;

      const blank = await call(
        tessera,
        REJECT,
        { idempotencyKey: newKey(), writeOffId: writeOff.id, expectedVersion: 1, reason: '   ' },
        { claims: APPROVER },
      );
      expect(envelope(blank)).toEqual(
        failed('rejectReceivableWriteOff', { code: 'PRECONDITION_FAILED', message: 'Say why the write-off is rejected.', field: 'reason' }),
      );

      const rejected = await call(
        tessera,
        REJECT,
        { idempotencyKey: newKey(), writeOffId: writeOff.id, expectedVersion: 1, reason: 'The work was accepted in writing.' },
        { claims: APPROVER },
      );
      expect(envelope(rejected)).toEqual({
        status: 200,
        body: {
          data: {
            rejectReceivableWriteOff: {
              __typename: 'ReceivableWriteOffSuccess',
              receivableWriteOff: writeOffState(writeOff.id, invoice.id, '1000.00', 'REJECTED', 2, {
                decidedBy: 'uk-controller',
                decisionNote: 'The work was accepted in writing.',
              }),
              invoice: invoiceState(invoice.id, 'POSTED', '0.00', '4390.00'),
              warnings: [],
              replayed: false,
            },
          },
        },
      });

      const approveRejected = await call(
        tessera,
        APPROVE,
        { idempotencyKey: newKey(), writeOffId: writeOff.id, expectedVersion: 2, writtenOffOn: '2026-11-25' },
        { claims: APPROVER },
      );
      expect(approveRejected.body.errors).toBeUndefined();
      expect(approveRejected.payload).toMatchObject({
        __typename: 'CapabilityFailure',
        errors: [{ code: 'INVALID_STATE_TRANSITION', field: null }],
      });

      const stale = await call(
        tessera,
        REJECT,
        { idempotencyKey: newKey(), writeOffId: writeOff.id, expectedVersion: 1, reason: 'Again.' },
        { claims: APPROVER },
      );
      expect(stale.payload).toMatchObject({ __typename: 'CapabilityFailure', errors: [{ code: 'VERSION_CONFLICT' }] });
    });

    it('answers a caller without erp:write with a GraphQL error at the field path', async () => {
      const invoice = await postInvoice(tessera, draftOn(uk, UK_ITEMS));
      const result = await call(
        tessera,
        REQUEST,
        { idempotencyKey: newKey(), invoiceId: invoice.id, amount: '1.00', reasonCode: 'DISPUTE', reasonText: 'Small.' },
        { claims: { sub: 'reader', scope: 'crm:read psa:read erp:read', legal_entities: '*' } },
      );
      expect(result.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['requestReceivableWriteOff'], 'FORBIDDEN']]);
    });
  });
}
