/**
 * The process engine's schedules (docs/processes.md#schedules), ticked by hand (loops off) at
 * injected instants: nothing before the trigger time; from it on one billing run per active legal
 * entity and one reconciliation a day, started as `system:integration` under deterministic keys,
 * audited; a later tick replays and starts nothing; `off` starts nothing; bad values refused at start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { dueDay, parseDailySchedule, parseMonthlySchedule } from '../../core/config/schedules.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const READER = { sub: 'rita.reader@tessera.example', scope: 'ops:read audit:read', legal_entities: '*' as const };
const RUNS = '{ billingRuns { id legalEntityId cutoff invoiceDate trigger startedBy } }';
const RECONCILIATION = 'query ($id: ID!) { reconciliationRun(id: $id) { id trigger requestedBy legalEntityId period startedAt } }';
const AUDIT = `{ integrationAuditLog(filter: { principal: "system:integration" }) {
  nodes { principal capability idempotencyKey outcome } } }`;

describe('the process engine ticks its schedules', () => {
  let tessera: TestTessera;
  let reader: string;
  // The seed's "as of" is 2026-11-15: December's run bills November.
  let now = new Date('2026-12-01T01:59:59.999Z');

  beforeAll(async () => {
    tessera = await startTestTessera({ scale: 's', now: () => now });
    reader = await tessera.token(READER);
  }, 60_000);
  afterAll(async () => tessera?.stop());

  const tick = async (at: string) => {
    now = new Date(at);
    return tessera.tessera.tickSchedules(now);
  };
  const read = async (query: string, variables: Json = {}): Promise<Json> => {
    const body = await tessera.query(query, variables, reader);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return body.data as Json;
  };
  const runs = async () => ((await read(RUNS)).billingRuns as Json[]).sort((a, b) => a.legalEntityId.localeCompare(b.legalEntityId));
  const audit = async () =>
    ((await read(AUDIT)).integrationAuditLog.nodes as Json[])
      .map((entry) => `${entry.capability} ${entry.idempotencyKey} ${entry.outcome}`)
      .sort();

  it('starts nothing before the trigger times', async () => {
    expect(await tick('2026-12-01T01:59:59.999Z')).toEqual({ billingRuns: [], reconciliation: null });
    expect(await runs()).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it('at the billing run time, starts one run per active legal entity, as the schedule, for the month before', async () => {
    const outcome = await tick('2026-12-01T02:00:00.000Z');
    expect(outcome.reconciliation).toBeNull();
    expect(outcome.billingRuns.map(({ runId: _, ...rest }) => rest)).toEqual([
      { legalEntityId: 'le_UK01', cutoff: '2026-11-30', refusal: null, replayed: false },
      { legalEntityId: 'le_US01', cutoff: '2026-11-30', refusal: null, replayed: false },
    ]);
    const stored = await runs();
    expect(stored.map(({ id: _, ...rest }) => rest)).toEqual([
      { legalEntityId: 'le_UK01', cutoff: '2026-11-30', invoiceDate: '2026-11-30', trigger: 'SCHEDULE', startedBy: 'system:integration' },
      { legalEntityId: 'le_US01', cutoff: '2026-11-30', invoiceDate: '2026-11-30', trigger: 'SCHEDULE', startedBy: 'system:integration' },
    ]);
    expect(outcome.billingRuns.map((start) => start.runId).sort()).toEqual(stored.map((run) => run.id).sort());
  });

  it('at the reconciliation time, runs one reconciliation over everything, and replays the billing runs', async () => {
    const before = await runs();
    const outcome = await tick('2026-12-01T03:00:00.000Z');
    expect(outcome.billingRuns.map((start) => [start.legalEntityId, start.replayed])).toEqual([
      ['le_UK01', true],
      ['le_US01', true],
    ]);
    expect(outcome.billingRuns.map((start) => start.runId)).toEqual(before.map((run) => run.id));
    expect(outcome.reconciliation).toMatchObject({ date: '2026-12-01', refusal: null, replayed: false });
    const { reconciliationRun } = await read(RECONCILIATION, { id: outcome.reconciliation!.runId });
    expect(reconciliationRun).toEqual({
      id: outcome.reconciliation!.runId,
      trigger: 'SCHEDULED',
      requestedBy: 'system:integration',
      legalEntityId: null,
      period: null,
      startedAt: '2026-12-01T03:00:00.000Z',
    });
    expect(await runs()).toEqual(before);
  });

  it('a later tick the same day starts nothing; the next day reconciles again', async () => {
    const before = await runs();
    const sameDay = await tick('2026-12-01T23:59:00.000Z');
    expect(sameDay.billingRuns.every((start) => start.replayed)).toBe(true);
    expect(sameDay.reconciliation).toMatchObject({ date: '2026-12-01', replayed: true });
    expect(await runs()).toEqual(before);

    const nextDay = await tick('2026-12-02T03:00:00.000Z');
    expect(nextDay.billingRuns.map((start) => start.replayed)).toEqual([true, true]);
    expect(nextDay.reconciliation).toMatchObject({ date: '2026-12-02', refusal: null, replayed: false });
    expect(nextDay.reconciliation!.runId).not.toBe(sameDay.reconciliation!.runId);
    expect(await runs()).toEqual(before);

    // Every start and every replay is in the integration system's audit trail, under the schedule's keys.
    const billing = (le: string, outcome: string) => `integration.startBillingRun schedule:billing-run:${le}:2026-11-30 ${outcome}`;
    const reconciliation = (date: string, outcome: string) => `integration.runReconciliation schedule:reconciliation:${date} ${outcome}`;
    expect(await audit()).toEqual(
      [
        ...['le_UK01', 'le_US01'].flatMap((le) => [billing(le, 'SUCCEEDED'), ...Array(3).fill(billing(le, 'REPLAYED'))]),
        reconciliation('2026-12-01', 'SUCCEEDED'),
        reconciliation('2026-12-01', 'REPLAYED'),
        reconciliation('2026-12-02', 'SUCCEEDED'),
      ].sort(),
    );
  });
});

describe('schedules turned off', () => {
  let tessera: TestTessera;
  const now = new Date('2026-12-01T12:00:00.000Z');

  beforeAll(async () => {
    const config = loadConfig({ TESSERA_BILLING_RUN_SCHEDULE: 'off', TESSERA_RECONCILIATION_SCHEDULE: ' off ' });
    expect([config.billingRunSchedule, config.reconciliationSchedule]).toEqual([null, null]);
    tessera = await startTestTessera({
      scale: 's',
      now: () => now,
      config: { billingRunSchedule: config.billingRunSchedule, reconciliationSchedule: config.reconciliationSchedule },
    });
  }, 60_000);
  afterAll(async () => tessera?.stop());

  it('start nothing, whatever the time', async () => {
    expect(await tessera.tessera.tickSchedules(now)).toEqual({ billingRuns: [], reconciliation: null });
    const token = await tessera.token(READER);
    const body = await tessera.query('{ billingRuns { id } integrationAuditLog { nodes { id } } }', {}, token);
    expect(body.data).toEqual({ billingRuns: [], integrationAuditLog: { nodes: [] } });
  });
});

describe('schedule configuration', () => {
  it('defaults to the first of the month at 02:00 and every day at 03:00, UTC', () => {
    const config = loadConfig({});
    expect(config.billingRunSchedule).toEqual({ dayOfMonth: 1, hour: 2, minute: 0 });
    expect(config.reconciliationSchedule).toEqual({ hour: 3, minute: 0 });
  });

  it('reads set values', () => {
    const config = loadConfig({ TESSERA_BILLING_RUN_SCHEDULE: ' 28 23:59 ', TESSERA_RECONCILIATION_SCHEDULE: '00:00' });
    expect(config.billingRunSchedule).toEqual({ dayOfMonth: 28, hour: 23, minute: 59 });
    expect(config.reconciliationSchedule).toEqual({ hour: 0, minute: 0 });
  });

  it.each(['29 02:00', '0 02:00', '1 24:00', '1 02:60', '1 2:00', '02:00', 'monthly', '1  02:00', 'OFF'])(
    'refuses TESSERA_BILLING_RUN_SCHEDULE=%j, naming it',
    (value) => {
      expect(() => loadConfig({ TESSERA_BILLING_RUN_SCHEDULE: value })).toThrow(
        new TypeError(
          `TESSERA_BILLING_RUN_SCHEDULE: a monthly schedule is "<day 1-28> <HH:MM>" (UTC) or "off", not ${JSON.stringify(value.trim())}`,
        ),
      );
    },
  );

  it.each(['24:00', '03:60', '3:00', '1 03:00', 'daily', '03:00Z', 'Off'])(
    'refuses TESSERA_RECONCILIATION_SCHEDULE=%j, naming it',
    (value) => {
      expect(() => loadConfig({ TESSERA_RECONCILIATION_SCHEDULE: value })).toThrow(
        new TypeError(`TESSERA_RECONCILIATION_SCHEDULE: a daily schedule is "HH:MM" (UTC) or "off", not ${JSON.stringify(value)}`),
      );
    },
  );

  it('a daily run is due from its time to the end of the UTC day', () => {
    const at = parseDailySchedule('03:00')!;
    expect(dueDay(at, new Date('2026-12-01T02:59:59.999Z'))).toBeNull();
    expect(dueDay(at, new Date('2026-12-01T03:00:00.000Z'))).toBe('2026-12-01');
    expect(dueDay(at, new Date('2026-12-01T23:59:59.999Z'))).toBe('2026-12-01');
    expect(dueDay(at, new Date('2026-12-02T00:00:00.000Z'))).toBeNull();
    expect(parseMonthlySchedule('off')).toBeNull();
  });
});
