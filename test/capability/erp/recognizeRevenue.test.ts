/**
 * recognizeRevenueForPeriod through the gateway, on schedules that activateContract allocated:
 * recognized to date = the project's net invoiced subtotal up to the period end, capped at the
 * allocation (INV-12); one line per schedule and period (a second run changes nothing); a credit
 * memo reverses; periods are recognized in order. Guards refused with their code and field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  ACTIVATE_V2,
  ISSUE_CREDIT_MEMO,
  RECOGNIZE,
  call,
  contractFixture,
  envelope,
  erpDb,
  erpState,
  eventsOfRequest,
  newKey,
  pick,
  postInvoice,
  refused,
  requestIdOf,
  seededCustomers,
  type Customer,
  type UserError,
} from './erpKit.ts';

let tessera: TestTessera;
let us: Customer;
let usCard: string;
const periods = new Map<string, { id: string; status: string }>();

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  us = pick(await seededCustomers(tessera), 'US01 customer', (c) => c.legalEntityId === 'le_US01');
  const body = await tessera.query(`{ rateCards { id legalEntity { id } customer { id } }
    legalEntities { id periods { id name status } } }`);
  const data = body.data as {
    rateCards: { id: string; legalEntity: { id: string }; customer: { id: string } | null }[];
    legalEntities: { id: string; periods: { id: string; name: string; status: string }[] }[];
  };
  usCard = pick(data.rateCards, 'US01 standard card', (card) => card.legalEntity.id === 'le_US01' && card.customer === null).id;
  for (const le of data.legalEntities) for (const period of le.periods) periods.set(`${le.id}:${period.name}`, period);
});
afterAll(() => tessera?.stop());

const usd = (amount: string) => ({ amount, currency: 'USD' });

function period(name: string, legalEntityId = 'le_US01'): string {
  const found = periods.get(`${legalEntityId}:${name}`);
  if (!found) throw new Error(`no period ${name} of ${legalEntityId}`);
  return found.id;
}

/** An ACTIVE T&M contract of 1,000.00 (activated through the ERP), its project and schedule. */
async function activated(): Promise<{ contractId: string; projectId: string; scheduleId: string }> {
  const fixture = await contractFixture(tessera, {
    customer: us,
    billingMethod: 'TIME_AND_MATERIALS',
    totalContractValue: '1000.00',
    lines: [{ billingMethod: 'TIME_AND_MATERIALS', rateCardId: usCard }],
    projects: [{ plannedRevenue: '1000.00' }],
  });
  const result = await call<{ revenueSchedules?: { id: string }[] }>(tessera, ACTIVATE_V2, {
    idempotencyKey: newKey(),
    contractId: fixture.contractId,
    expectedVersion: 1,
  });
  const scheduleId = result.payload?.revenueSchedules?.[0]?.id;
  if (!scheduleId) throw new Error(`activation failed: ${JSON.stringify(result.body)}`);
  return { contractId: fixture.contractId, projectId: fixture.projectIds[0]!, scheduleId };
}

/** An amount credit is for an invoice that billed no PSA source: the draft link cleared, as on a manual invoice (docs/invariants.md#inv-11). */
async function asManual(invoiceId: string): Promise<void> {
  await erpDb(tessera).updateTable('invoices').set({ source_billing_draft_id: null }).where('id', '=', invoiceId).execute();
}

async function invoiceOn(
  c: { contractId: string; projectId: string },
  amount: string,
  date: string,
): Promise<{ id: string; aggregateVersion: number }> {
  return postInvoice(
    tessera,
    {
      projectId: c.projectId,
      contractId: c.contractId,
      legalEntityId: 'le_US01',
      accountId: us.accountId,
      currency: 'USD',
      items: [{ description: 'Time', quantity: '1.00', unitPrice: amount, amount }],
    },
    date,
  );
}

interface RunPayload {
  period: { id: string; name: string; status: string } | null;
  lines: { period: { id: string }; amount: { amount: string }; recognizedToDate: { amount: string }; status: string }[] | null;
  revenueSchedules:
    | { id: string; status: string; allocatedAmount: { amount: string }; recognizedToDate: { amount: string }; aggregateVersion: number }[]
    | null;
  userErrors: UserError[];
}

async function recognize(periodName: string): Promise<{ payload: RunPayload; requestId: string }> {
  const result = await call<RunPayload>(tessera, RECOGNIZE, {
    idempotencyKey: newKey(),
    legalEntityId: 'le_US01',
    periodId: period(periodName),
  });
  if (!result.payload || result.payload.userErrors.length) throw new Error(`recognition failed: ${JSON.stringify(result.body)}`);
  return { payload: result.payload, requestId: requestIdOf(result) };
}

async function linesOf(scheduleId: string): Promise<[string, number, number][]> {
  const rows = await erpDb(tessera)
    .selectFrom('revenue_schedule_lines as l')
    .innerJoin('accounting_periods as p', 'p.id', 'l.period_id')
    .select(['p.name', 'l.amount_e4', 'l.recognized_cum_e4'])
    .where('l.schedule_id', '=', scheduleId)
    .orderBy('p.start_date')
    .execute();
  return rows.map((row) => [row.name, row.amount_e4, row.recognized_cum_e4]);
}

describe('recognizeRevenueForPeriod', () => {
  it('recognizes what was invoiced, once per period, up to the allocation; the schedule completes', async () => {
    const c = await activated();
    await invoiceOn(c, '400.00', '2026-11-20');
    const november = await recognize('2026-11');
    expect(november.payload.period).toEqual({ id: period('2026-11'), name: '2026-11', status: 'OPEN' });
    const index = november.payload.revenueSchedules!.findIndex((s) => s.id === c.scheduleId);
    expect(november.payload.revenueSchedules![index]).toEqual({
      id: c.scheduleId,
      project: { id: c.projectId },
      method: 'AS_INVOICED',
      status: 'IN_PROGRESS',
      allocatedAmount: usd('1000.00'),
      recognizedToDate: usd('400.00'),
      aggregateVersion: 2,
    });
    expect(november.payload.lines![index]).toEqual({
      period: { id: period('2026-11') },
      amount: usd('400.00'),
      recognizedToDate: usd('400.00'),
      status: 'POSTED',
    });
    const event = (await eventsOfRequest(tessera, november.requestId)).find((e) => e.aggregateId === c.scheduleId);
    expect(event).toEqual({
      type: 'RevenueRecognized',
      aggregateType: 'RevenueSchedule',
      aggregateId: c.scheduleId,
      aggregateVersion: 2,
      correlationId: november.requestId,
      legalEntityId: 'le_US01',
      payload: {
        scheduleId: c.scheduleId,
        projectId: c.projectId,
        periodId: period('2026-11'),
        periodName: '2026-11',
        lineId: expect.stringMatching(/^rsl_/) as unknown,
        amount: usd('400.00'),
        recognizedToDate: usd('400.00'),
        allocated: usd('1000.00'),
        status: 'IN_PROGRESS',
      },
    });
    // INV-12 holds for every schedule the run moved.
    for (const schedule of november.payload.revenueSchedules!) {
      expect(Number(schedule.recognizedToDate.amount)).toBeLessThanOrEqual(Number(schedule.allocatedAmount.amount));
    }

    // Running the period again (another key) posts nothing for it.
    const before = await erpState(tessera);
    const again = await recognize('2026-11');
    expect(again.payload).toMatchObject({ lines: [], revenueSchedules: [] });
    expect(await erpState(tessera)).toEqual(before);
    expect(await linesOf(c.scheduleId)).toEqual([['2026-11', 4_000_000, 4_000_000]]);

    // December: 800.00 invoiced, 100.00 credited: 1,100.00 net, capped at 1,000.00.
    const december = await invoiceOn(c, '800.00', '2026-12-03');
    await asManual(december.id);
    const discount = await call<{ userErrors: UserError[] }>(tessera, ISSUE_CREDIT_MEMO, {
      idempotencyKey: newKey(),
      invoiceId: december.id,
      amount: '100.00',
      reason: 'Discount',
      expectedVersion: 1,
      creditDate: '2026-12-04',
    });
    expect(discount.payload?.userErrors).toEqual([]);
    const run = await recognize('2026-12');
    expect(run.payload.revenueSchedules!.find((s) => s.id === c.scheduleId)).toMatchObject({
      status: 'COMPLETED',
      recognizedToDate: usd('1000.00'),
      aggregateVersion: 3,
    });
    expect(await linesOf(c.scheduleId)).toEqual([
      ['2026-11', 4_000_000, 4_000_000],
      ['2026-12', 6_000_000, 10_000_000],
    ]);
  });

  it('a credit memo after recognition posts a reversal in the next period', async () => {
    const c = await activated();
    const invoice = await invoiceOn(c, '500.00', '2026-11-10');
    await recognize('2026-11');
    await asManual(invoice.id);
    const rework = await call<{ userErrors: UserError[] }>(tessera, ISSUE_CREDIT_MEMO, {
      idempotencyKey: newKey(),
      invoiceId: invoice.id,
      amount: '200.00',
      reason: 'Rework',
      expectedVersion: 1,
      creditDate: '2026-12-01',
    });
    expect(rework.payload?.userErrors).toEqual([]);
    const run = await recognize('2026-12');
    expect(run.payload.revenueSchedules!.find((s) => s.id === c.scheduleId)).toMatchObject({
      status: 'IN_PROGRESS',
      recognizedToDate: usd('300.00'),
    });
    expect(await linesOf(c.scheduleId)).toEqual([
      ['2026-11', 5_000_000, 5_000_000],
      ['2026-12', -2_000_000, 3_000_000],
    ]);
  });

  it('leaves a schedule alone in a period earlier than one it was already recognized in', async () => {
    const c = await activated();
    await invoiceOn(c, '250.00', '2027-01-05');
    await recognize('2027-01');
    await invoiceOn(c, '100.00', '2026-12-15');
    const earlier = await recognize('2026-12');
    expect(earlier.payload.revenueSchedules!.map((s) => s.id)).not.toContain(c.scheduleId);
    expect(await linesOf(c.scheduleId)).toEqual([['2027-01', 2_500_000, 2_500_000]]);
  });

  describe('refuses, writing nothing', () => {
    async function expectRefused(input: Record<string, unknown>, error: UserError, claims?: Parameters<typeof call>[3]): Promise<void> {
      const before = await erpState(tessera);
      const result = await call(tessera, RECOGNIZE, { idempotencyKey: newKey(), ...input }, claims ?? {});
      expect(envelope(result)).toEqual(refused('recognizeRevenueForPeriod', ['period', 'lines', 'revenueSchedules'], error));
      expect(await erpState(tessera)).toEqual(before);
    }

    it('PERIOD_CLOSED for a closed or soft-closed period', async () => {
      await expectRefused(
        { legalEntityId: 'le_US01', periodId: period('2026-09') },
        { code: 'PERIOD_CLOSED', message: 'Period 2026-09 of US01 is CLOSED.', field: 'periodId' },
      );
      await expectRefused(
        { legalEntityId: 'le_US01', periodId: period('2026-10') },
        { code: 'PERIOD_CLOSED', message: 'Period 2026-10 of US01 is SOFT_CLOSED.', field: 'periodId' },
      );
    });

    it('NOT_FOUND for an unknown period, a period of another legal entity, or a legal entity out of scope', async () => {
      await expectRefused(
        { legalEntityId: 'le_US01', periodId: 'per_nope' },
        { code: 'NOT_FOUND', message: 'AccountingPeriod "per_nope" was not found.', field: 'periodId' },
      );
      const uk = period('2026-11', 'le_UK01');
      await expectRefused(
        { legalEntityId: 'le_US01', periodId: uk },
        { code: 'NOT_FOUND', message: `AccountingPeriod "${uk}" was not found.`, field: 'periodId' },
      );
      await expectRefused(
        { legalEntityId: 'le_US01', periodId: period('2026-11') },
        { code: 'NOT_FOUND', message: 'LegalEntity "le_US01" was not found.', field: 'legalEntityId' },
        {
          claims: { sub: 'uk-finance', scope: 'erp:read erp:write', legal_entities: ['UK01'] },
        },
      );
    });
  });
});
