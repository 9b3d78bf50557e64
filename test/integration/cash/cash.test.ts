/**
 * Cash end to end (docs/processes.md#cash): a billing run releases US01's invoices; a payment is
 * recorded and applied in part, then the rest; a line of another invoice is credited (creditInvoiceLines). After
 * each step the process engine is drained (relay, in-process transport, the `cash` consumer), and
 * the gateway answers `Project.cashPosition` and `Account.exposure` exactly. The same events
 * delivered three times and out of order leave the same state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { envelopeOf } from '../../../systems/kernel/events/relay.ts';
import type { EventEnvelope } from '../../../systems/kernel/events/envelope.ts';
import { closeDatabase, openDatabase } from '../../../systems/kernel/database.ts';
import { createTablesMigration } from '../../../systems/kernel/tableSpec.ts';
import { processTables } from '../../../systems/integration/process/tables.ts';
import { CASH_EVENT_TYPES, cashConsumer, cashTables, type CashTables } from '../../../systems/integration/sagas/cash.ts';
import { insertRun, projectsOf } from '../../../systems/integration/billingRun/runStore.ts';
import { startBillingRunFixture, type BillingRunFixture } from '../billingRun/billingRunFixture.ts';
import { tempSqliteStore, type TempStore } from '../../harness/tempDatabase.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Finance in US01: Invoice.customer is a CRM Account, so reading it needs crm:read (without it the invoice answers null). */
const FINANCE = { sub: 'fran.finance@tessera.example', scope: 'crm:read erp:read erp:write', legal_entities: ['US01'] };
const OPS = { sub: 'olga.ops@tessera.example', scope: 'crm:read psa:read ops:read', legal_entities: ['US01'] };

const POSITION = 'cashPosition { status invoiced { amount currency } paid { amount } credited { amount } open { amount } invoiceCount }';
const CASH_VIEW = `query ($a: ID!, $b: ID!, $c: ID!, $accA: ID!, $accB: ID!, $accC: ID!) {
  a: project(id: $a) { ${POSITION} } b: project(id: $b) { ${POSITION} } c: project(id: $c) { ${POSITION} }
  accA: account(id: $accA) { exposure { amount currency } } accB: account(id: $accB) { exposure { amount currency } }
  accC: account(id: $accC) { exposure { amount currency } } }`;

const usd = (amount: string) => ({ amount, currency: 'USD' });
const position = (status: string, invoiced: string, paid: string, credited: string, open: string) => ({
  cashPosition: {
    status,
    invoiced: usd(invoiced),
    paid: { amount: paid },
    credited: { amount: credited },
    open: { amount: open },
    invoiceCount: 1,
  },
});

// The run's three released invoices (seed `s`, US01, cut-off 2026-11-30).
const A = { project: 'prj_00008', account: 'acc_00020', total: '26267.50' };
const B = { project: 'prj_00010', account: 'acc_00018', total: '20327.50' };
const C = { project: 'prj_00011', account: 'acc_00002', total: '13549.33' };

describe('cash', () => {
  let fixture: BillingRunFixture;
  const invoiceOf: Record<string, string> = {};
  const views: Record<'released' | 'partlyPaid' | 'paid' | 'credited', Json> = {} as never;
  let view: () => Promise<Json>;
  let creditedLine = '';

  beforeAll(async () => {
    fixture = await startBillingRunFixture();
    const run = await insertRun(
      fixture.db,
      {
        legalEntityId: 'le_US01',
        cutoffDate: '2026-11-30',
        invoiceDate: '2026-11-30',
        trigger: 'MANUAL',
        startedBy: 't',
        correlationId: 'cash-test',
      },
      fixture.clock(),
    );
    await fixture.driver().drain();
    const projects = (await projectsOf(fixture.db, run.id)) as Json[];
    expect(projects.map((p) => [p.project_id, p.status, p.customer_id, p.invoice_total_e4])).toEqual([
      [A.project, 'RELEASED', A.account, 262_675_000],
      [B.project, 'RELEASED', B.account, 203_275_000],
      [C.project, 'RELEASED', C.account, 135_493_300],
    ]);
    for (const p of projects) invoiceOf[p.project_id] = p.invoice_id;

    const finance = await fixture.tessera.token(FINANCE);
    const ops = await fixture.tessera.token(OPS);
    const call = async (query: string, variables: Json, token = finance): Promise<Json> => {
      const body = await fixture.tessera.query(query, variables, token);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      return body.data as Json;
    };
    const mutate = async (field: string, inputType: string, input: Json, selection = '') => {
      const data = await call(`mutation ($input: ${inputType}!) { ${field}(input: $input) { ${selection} userErrors { code message } } }`, {
        input,
      });
      expect(data[field].userErrors).toEqual([]);
      return data[field] as Json;
    };
    const versionOf = async (id: string): Promise<number> =>
      (await call('query ($id: ID!) { invoice(id: $id) { aggregateVersion customer { id } } }', { id })).invoice.aggregateVersion;
    view = async () => {
      await fixture.tessera.tessera.drain();
      return call(CASH_VIEW, { a: A.project, b: B.project, c: C.project, accA: A.account, accB: B.account, accC: C.account }, ops);
    };

    views.released = await view();
    const { payment } = await mutate(
      'recordPayment',
      'RecordPaymentInput',
      {
        idempotencyKey: 'cash-pay',
        legalEntityId: 'le_US01',
        accountId: A.account,
        amount: A.total,
        currency: 'USD',
        receivedDate: '2026-11-30',
        method: 'WIRE',
        bankReference: 'BANK-CASH-1',
      },
      'payment { id }',
    );
    const apply = async (key: string, amount: string) =>
      mutate('applyPayment', 'ApplyPaymentInput', {
        idempotencyKey: key,
        paymentId: payment.id,
        invoiceId: invoiceOf[A.project],
        amount,
        expectedVersion: await versionOf(invoiceOf[A.project]!),
      });
    await apply('cash-apply-1', '10000.00');
    views.partlyPaid = await view();
    await apply('cash-apply-2', '16267.50');
    views.paid = await view();
    // B was posted from a billing draft: it is credited by line (an amount credit is refused), the PSA credits the line's time.
    const bLines = (
      await call('query ($id: ID!) { invoice(id: $id) { lines { lineNumber amount { amount } } } }', { id: invoiceOf[B.project] })
    ).invoice.lines as Json[];
    creditedLine = bLines[0]!.amount.amount as string;
    const credited = await call(
      `mutation ($input: CreditInvoiceLinesInput!) { creditInvoiceLines(input: $input) {
        __typename ... on CreditInvoiceLinesSuccess { invoice { status } } ... on CapabilityFailure { errors { code message } } } }`,
      {
        input: {
          idempotencyKey: 'cash-credit',
          invoiceId: invoiceOf[B.project],
          expectedVersion: await versionOf(invoiceOf[B.project]!),
          reason: 'Goodwill',
          creditDate: '2026-11-30',
          lines: [{ lineNumber: 1, action: 'CREDIT' }],
        },
      },
    );
    expect(creditedLine).toBe('1620.00');
    expect(credited.creditInvoiceLines).toEqual({ __typename: 'CreditInvoiceLinesSuccess', invoice: { status: 'POSTED' } });
    views.credited = await view();
  }, 120_000);
  afterAll(async () => fixture?.stop());

  it('shows each released invoice as INVOICED and the customers’ open amounts', () => {
    expect(views.released).toEqual({
      a: position('INVOICED', '26267.50', '0.00', '0.00', '26267.50'),
      b: position('INVOICED', '20327.50', '0.00', '0.00', '20327.50'),
      c: position('INVOICED', '13549.33', '0.00', '0.00', '13549.33'),
      accA: { exposure: [usd('26267.50')] },
      accB: { exposure: [usd('20327.50')] },
      accC: { exposure: [usd('13549.33')] },
    });
  });

  it('a partial payment makes the project PARTIALLY_PAID and lowers the exposure by it', () => {
    expect(views.partlyPaid.a).toEqual(position('PARTIALLY_PAID', '26267.50', '10000.00', '0.00', '16267.50'));
    expect(views.partlyPaid.accA).toEqual({ exposure: [usd('16267.50')] });
    expect(views.partlyPaid.b).toEqual(views.released.b);
  });

  it('the rest makes it PAID with nothing open; a credit memo on another invoice lowers that one’s open amount', () => {
    expect(views.paid.a).toEqual(position('PAID', '26267.50', '26267.50', '0.00', '0.00'));
    expect(views.paid.accA).toEqual({ exposure: [] });
    expect(views.credited).toEqual({
      a: position('PAID', '26267.50', '26267.50', '0.00', '0.00'),
      // Line 1 of B, 1,620.00 (US01 bills no tax), credited with its time.
      b: position('INVOICED', '20327.50', '0.00', '1620.00', '18707.50'),
      c: position('INVOICED', '13549.33', '0.00', '0.00', '13549.33'),
      accA: { exposure: [] },
      accB: { exposure: [usd('18707.50')] },
      accC: { exposure: [usd('13549.33')] },
    });
  });

  describe('the same events three times, out of order', () => {
    let envelopes: EventEnvelope[];
    beforeAll(async () => {
      const rows = await fixture
        .erp()
        .selectFrom('outbox_events')
        .selectAll()
        .where('type', 'in', [...CASH_EVENT_TYPES])
        .orderBy('occurred_at')
        .orderBy('aggregate_version')
        .execute();
      envelopes = rows.map((row: Json) => envelopeOf(row as never, 'erp'));
    });

    it('the ERP wrote the events the engine delivered: three releases, two applications, one payment in full, one credit memo', () => {
      expect(envelopes.map((event) => event.type).sort()).toEqual([
        'CreditMemoIssued',
        'InvoicePaid',
        'InvoiceReleased',
        'InvoiceReleased',
        'InvoiceReleased',
        'PaymentApplied',
        'PaymentApplied',
      ]);
    });

    it('handled by the consumer newest first, shuffled, then in order, they leave exactly the rows the engine left', async () => {
      let temp: TempStore | undefined;
      let scratch: Kysely<CashTables> | undefined;
      try {
        temp = tempSqliteStore();
        scratch = await openDatabase<CashTables>({ store: temp.store, name: 'cash' });
        await createTablesMigration(cashTables).up(scratch as Kysely<unknown>);
        // The process tables too: the consumer joins each invoice to the process of its project (none here).
        await createTablesMigration(processTables).up(scratch as Kysely<unknown>);
        const consumer = cashConsumer(fixture.transport);
        const shuffled = [3, 0, 6, 2, 5, 1, 4].map((i) => envelopes[i]!);
        for (const event of [...[...envelopes].reverse(), ...shuffled, ...envelopes]) {
          await scratch.transaction().execute((trx) => consumer.handle(event, { trx, attempt: 1, now: fixture.clock() }));
        }
        const engineRows = await (fixture.db as unknown as Kysely<CashTables>)
          .selectFrom('cash_invoices')
          .selectAll()
          .orderBy('invoice_id')
          .execute();
        const replayed = await scratch.selectFrom('cash_invoices').selectAll().orderBy('invoice_id').execute();
        expect(replayed).toEqual(engineRows);
        expect(replayed.map((row) => [row.project_id, row.status, row.paid_e4, row.credited_e4, row.due_e4])).toEqual(
          [
            [A.project, 'PAID', 262_675_000, 0, 0],
            [B.project, 'POSTED', 0, 16_200_000, 187_075_000],
            [C.project, 'POSTED', 0, 0, 135_493_300],
          ].sort((x, y) => invoiceOf[x[0] as string]!.localeCompare(invoiceOf[y[0] as string]!)),
        );
      } finally {
        if (scratch) await closeDatabase(scratch as Kysely<unknown>);
        await temp?.remove();
      }
    });

    it('published again through the engine three times (newest first), they change nothing in the graph and nothing is dead-lettered', async () => {
      const engine = fixture.tessera.tessera.engine!;
      for (let i = 0; i < 3; i += 1) await engine.transport.publish([...envelopes].reverse());
      expect(await view()).toEqual(views.credited);
      const dead = await (fixture.db as unknown as Kysely<Json>).selectFrom('dead_letters').select('consumer').execute();
      expect(dead).toEqual([]);
    });
  });
});
