/**
 * The capability-runner contract: idempotency, audit, outbox and atomicity, asserted the same way
 * on every engine. Each engine's test file supplies a fresh store; the effect under test writes
 * rows to a demo `counters` table the suite creates next to the capability tables.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../auth/principal.ts';
import { openDatabase } from '../../systems/kernel/database.ts';
import { migrateToLatest } from '../../systems/kernel/migrate.ts';
import { runCapability, transactionPorts, type CapabilityEffect } from '../../systems/kernel/capability/runCapability.ts';
import { requestHash } from '../../systems/kernel/capability/requestHash.ts';
import { purgeExpiredIdempotencyRecords } from '../../systems/kernel/capability/purgeExpired.ts';
import { rejected } from '../../systems/kernel/capability/rejection.ts';
import { capabilityTables, type CapabilityTables } from '../../systems/kernel/capability/tables.ts';
import type { CapabilityCall, CapabilityOutcome } from '../../systems/kernel/capability/types.ts';
import { column, createTablesMigration, type TablesOf } from '../../systems/kernel/tableSpec.ts';
import type { TempStore } from '../harness/tempDatabase.ts';

const demoTables = {
  counters: { columns: { id: column.id, name: column.text, amount: column.int } },
} as const;
type DB = TablesOf<typeof demoTables> & CapabilityTables;
const SCHEMA = 'capability_test';
const MIGRATIONS = {
  '0001_demo': createTablesMigration(demoTables),
  '0002_capabilities': createTablesMigration(capabilityTables),
  '0003_event_trace': createTablesMigration(capabilityTables, 3),
};

interface Counter {
  readonly id: string;
  readonly name: string;
  readonly amount: number;
}
interface AddInput {
  readonly name: string;
  readonly amount: number;
}

const ALICE: Principal = { sub: 'alice', scopes: new Set(), clientId: 'billing-app', legalEntities: '*', partnerAccounts: null, roles: [] };
const BOB: Principal = { ...ALICE, sub: 'bob' };
const ALICE_NO_CLIENT: Principal = { ...ALICE, clientId: null };
const CLOCK = new Date('2025-01-31T10:00:00.000Z');

function call(input: AddInput, overrides: Partial<CapabilityCall> = {}): CapabilityCall {
  return {
    capability: 'demo.addCounter',
    version: 1,
    financial: false,
    idempotencyKey: 'key-1',
    principal: ALICE,
    requestId: 'req-1',
    input,
    now: () => CLOCK,
    ...overrides,
  };
}

interface EffectOptions {
  readonly hold?: Promise<void>;
  readonly entered?: () => void;
  readonly fail?: boolean;
}

/** Inserts a counter and emits `CounterAdded`; amounts over 100 are rejected after the insert. */
function addCounter(runs: { count: number }, input: AddInput, options: EffectOptions = {}): CapabilityEffect<Transaction<DB>, Counter> {
  return async (trx, emit) => {
    runs.count += 1;
    const counter: Counter = { id: randomUUID(), name: input.name, amount: input.amount };
    await trx.insertInto('counters').values(counter).execute();
    emit({
      type: 'CounterAdded',
      aggregateType: 'Counter',
      aggregateId: counter.id,
      aggregateVersion: 1,
      payload: counter,
      legalEntityId: 'US01',
      causationId: 'cmd-9',
    });
    options.entered?.();
    if (options.hold) await options.hold;
    if (options.fail) throw new Error('boom');
    if (input.amount > 100) return { ok: false, error: { code: 'AMOUNT_TOO_LARGE', message: 'At most 100.', field: 'amount' } };
    return { ok: true, value: counter };
  };
}

function run(db: Kysely<DB>, c: CapabilityCall, runs: { count: number }, options: EffectOptions = {}) {
  return runCapability<Transaction<DB>, Counter>(ledgerOf(db), tablePorts, c, addCounter(runs, c.input as AddInput, options));
}

/** The counters are the system's tables: the effect writes them in the runner's transaction. */
const tablePorts = transactionPorts<DB>();

function ledgerOf(db: Kysely<DB>): Kysely<CapabilityTables> {
  return db as unknown as Kysely<CapabilityTables>;
}

export function runCapabilityContract(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`runCapability on ${engine}`, () => {
    let temp: TempStore;
    let db: Kysely<DB>;

    beforeAll(async () => {
      temp = await makeStore();
      db = await openDatabase<DB>({ store: temp.store, name: SCHEMA });
      await migrateToLatest(db as Kysely<unknown>, MIGRATIONS, temp.store.kind === 'postgres' ? SCHEMA : undefined);
    });

    afterAll(async () => {
      await db?.destroy();
      await temp?.remove();
    });

    beforeEach(async () => {
      for (const table of ['counters', 'idempotency_records', 'audit_log', 'outbox_events'] as const) await db.deleteFrom(table).execute();
    });

    const rows = async () => ({
      counters: await db.selectFrom('counters').selectAll().execute(),
      idempotency: await db.selectFrom('idempotency_records').selectAll().execute(),
      audit: await db.selectFrom('audit_log').selectAll().orderBy('outcome').execute(),
      outbox: await db.selectFrom('outbox_events').selectAll().execute(),
    });

    it('writes the effect, the idempotency record, the audit entry and the outbox event', async () => {
      const runs = { count: 0 };
      const input = { name: 'hours', amount: 7 };
      const { result, replayed } = await run(db, call(input), runs);

      expect(replayed).toBe(false);
      expect(runs.count).toBe(1);
      const after = await rows();
      expect(after.counters).toHaveLength(1);
      const counter = after.counters[0]!;
      expect(result).toEqual({ ok: true, value: { id: counter.id, name: 'hours', amount: 7 } });
      const hash = requestHash('demo.addCounter', 1, input);
      expect(after.idempotency).toEqual([
        {
          id: expect.any(String),
          principal_sub: 'alice',
          client_id: 'billing-app',
          capability: 'demo.addCounter',
          idempotency_key: 'key-1',
          request_hash: hash,
          status: 'COMPLETED',
          response_json: JSON.stringify(result),
          created_at: '2025-01-31T10:00:00.000Z',
          expires_at: '2025-02-01T10:00:00.000Z',
        },
      ]);
      expect(after.audit).toEqual([
        {
          id: expect.any(String),
          occurred_at: '2025-01-31T10:00:00.000Z',
          request_id: 'req-1',
          principal_sub: 'alice',
          client_id: 'billing-app',
          capability: 'demo.addCounter',
          version: 1,
          idempotency_key: 'key-1',
          inputs_digest: hash,
          outcome: 'SUCCEEDED',
          error_code: null,
          duration_ms: expect.any(Number),
        },
      ]);
      expect(after.outbox).toHaveLength(1);
    });

    it('replays the stored result for the same key and request, without a second effect', async () => {
      const runs = { count: 0 };
      const first = await run(db, call({ name: 'hours', amount: 7 }), runs);
      // Same request, keys in another order: the canonical hash is the same.
      const second = await run(db, call({ amount: 7, name: 'hours' } as AddInput, { requestId: 'req-2' }), runs);

      expect(second).toEqual({ result: first.result, replayed: true });
      expect(runs.count).toBe(1);
      const after = await rows();
      expect(after.counters).toHaveLength(1);
      expect(after.outbox).toHaveLength(1);
      expect(after.idempotency).toHaveLength(1);
      expect(after.audit.map((a) => [a.outcome, a.request_id, a.error_code])).toEqual([
        ['REPLAYED', 'req-2', null],
        ['SUCCEEDED', 'req-1', null],
      ]);
    });

    it('refuses the same key with a different request: IDEMPOTENCY_KEY_REUSED, and no effect', async () => {
      const runs = { count: 0 };
      const first = await run(db, call({ name: 'hours', amount: 7 }), runs);
      await expect(run(db, call({ name: 'hours', amount: 8 }, { requestId: 'req-2' }), runs)).rejects.toMatchObject({
        extensions: { code: 'IDEMPOTENCY_KEY_REUSED' },
      });
      // A new capability version is a different request too.
      await expect(run(db, call({ name: 'hours', amount: 7 }, { version: 2, requestId: 'req-3' }), runs)).rejects.toMatchObject({
        extensions: { code: 'IDEMPOTENCY_KEY_REUSED' },
      });

      expect(runs.count).toBe(1);
      const after = await rows();
      expect(after.counters).toHaveLength(1);
      expect(after.outbox).toHaveLength(1);
      expect(after.idempotency.map((r) => r.response_json)).toEqual([JSON.stringify(first.result)]);
      expect(after.audit.map((a) => [a.outcome, a.request_id, a.error_code])).toEqual(
        [
          ['REJECTED', 'req-2', 'IDEMPOTENCY_KEY_REUSED'],
          ['REJECTED', 'req-3', 'IDEMPOTENCY_KEY_REUSED'],
          ['SUCCEEDED', 'req-1', null],
        ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]))),
      );
    });

    it('stores and replays a business rejection, leaving no effect rows', async () => {
      const runs = { count: 0 };
      const rejection: CapabilityOutcome<Counter> = {
        ok: false,
        error: { code: 'AMOUNT_TOO_LARGE', message: 'At most 100.', field: 'amount' },
      };
      const first = await run(db, call({ name: 'hours', amount: 500 }), runs);
      expect(first).toEqual({ result: rejection, replayed: false });

      let after = await rows();
      expect(after.counters).toEqual([]);
      expect(after.outbox).toEqual([]);
      expect(after.idempotency.map((r) => [r.status, r.response_json])).toEqual([['COMPLETED', JSON.stringify(rejection)]]);
      expect(after.audit.map((a) => [a.outcome, a.error_code])).toEqual([['REJECTED', 'AMOUNT_TOO_LARGE']]);

      const second = await run(db, call({ name: 'hours', amount: 500 }, { requestId: 'req-2' }), runs);
      expect(second).toEqual({ result: rejection, replayed: true });
      expect(runs.count).toBe(1);
      after = await rows();
      expect(after.counters).toEqual([]);
      expect(after.audit.map((a) => [a.outcome, a.error_code])).toEqual([
        ['REJECTED', 'AMOUNT_TOO_LARGE'],
        ['REPLAYED', 'AMOUNT_TOO_LARGE'],
      ]);
    });

    it('rolls back everything when the effect throws, audits FAILED, and lets the key be used again', async () => {
      const runs = { count: 0 };
      await expect(run(db, call({ name: 'hours', amount: 7 }), runs, { fail: true })).rejects.toThrow('boom');

      const after = await rows();
      expect(after.counters).toEqual([]);
      expect(after.idempotency).toEqual([]);
      expect(after.outbox).toEqual([]);
      expect(after.audit.map((a) => [a.outcome, a.error_code, a.request_id, a.idempotency_key])).toEqual([
        ['FAILED', 'INTERNAL_SERVER_ERROR', 'req-1', 'key-1'],
      ]);

      const retry = await run(db, call({ name: 'hours', amount: 7 }, { requestId: 'req-2' }), runs);
      expect(retry.replayed).toBe(false);
      expect(retry.result.ok).toBe(true);
      expect(await db.selectFrom('counters').select('id').execute()).toHaveLength(1);
    });

    it('keeps keys per principal and per client', async () => {
      const runs = { count: 0 };
      const input = { name: 'hours', amount: 7 };
      const results = [];
      for (const principal of [ALICE, BOB, ALICE_NO_CLIENT]) results.push(await run(db, call(input, { principal }), runs));

      expect(results.map((r) => r.replayed)).toEqual([false, false, false]);
      expect(runs.count).toBe(3);
      const after = await rows();
      expect(after.counters).toHaveLength(3);
      expect(after.idempotency.map((r) => `${r.principal_sub}/${r.client_id}`).sort()).toEqual([
        'alice/',
        'alice/billing-app',
        'bob/billing-app',
      ]);
      expect(after.audit.map((a) => a.client_id).sort()).toEqual(['billing-app', 'billing-app', null]);
    });

    it('gives 50 parallel identical calls one effect and 50 identical results', async () => {
      const runs = { count: 0 };
      const input = { name: 'hours', amount: 7 };
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => run(db, call(input, { requestId: `req-${i}` }), runs)));

      expect(runs.count).toBe(1);
      expect(results.filter((r) => r.replayed)).toHaveLength(49);
      for (const r of results) expect(r.result).toEqual(results[0]!.result);
      const after = await rows();
      expect(after.counters).toHaveLength(1);
      expect(after.idempotency).toHaveLength(1);
      expect(after.outbox).toHaveLength(1);
      expect(after.audit.filter((a) => a.outcome === 'SUCCEEDED')).toHaveLength(1);
      expect(after.audit.filter((a) => a.outcome === 'REPLAYED')).toHaveLength(49);
    });

    it('keeps financial keys 400 days and others 24 hours', async () => {
      const runs = { count: 0 };
      await run(db, call({ name: 'a', amount: 1 }, { idempotencyKey: 'plain' }), runs);
      await run(db, call({ name: 'b', amount: 1 }, { idempotencyKey: 'money', financial: true }), runs);

      const records = await db
        .selectFrom('idempotency_records')
        .select(['idempotency_key', 'created_at', 'expires_at'])
        .orderBy('idempotency_key')
        .execute();
      expect(records).toEqual([
        { idempotency_key: 'money', created_at: '2025-01-31T10:00:00.000Z', expires_at: '2026-03-07T10:00:00.000Z' },
        { idempotency_key: 'plain', created_at: '2025-01-31T10:00:00.000Z', expires_at: '2025-02-01T10:00:00.000Z' },
      ]);
    });

    it('purges expired keys only: a purged key is free for a new request, a financial one is still kept', async () => {
      const runs = { count: 0 };
      await run(db, call({ name: 'a', amount: 1 }, { idempotencyKey: 'plain' }), runs);
      await run(db, call({ name: 'b', amount: 1 }, { idempotencyKey: 'money', financial: true }), runs);

      expect(await purgeExpiredIdempotencyRecords(db, new Date('2025-02-01T10:00:00.000Z'))).toBe(0);
      expect(await purgeExpiredIdempotencyRecords(db, new Date('2025-02-02T00:00:00.000Z'))).toBe(1);
      const kept = await db.selectFrom('idempotency_records').select('idempotency_key').execute();
      expect(kept).toEqual([{ idempotency_key: 'money' }]);

      const again = await run(db, call({ name: 'a', amount: 1 }, { idempotencyKey: 'plain' }), runs);
      expect([again.replayed, runs.count]).toEqual([false, 3]);
    });

    it('treats a thrown rejection like an answered one: stored, replayed, no effect rows', async () => {
      const runs = { count: 0 };
      const effect: CapabilityEffect<Transaction<DB>, Counter> = async (trx) => {
        runs.count += 1;
        await trx.insertInto('counters').values({ id: randomUUID(), name: 'x', amount: 1 }).execute();
        throw rejected('VERSION_CONFLICT', 'Counter is at version 2, not 1.', 'expectedVersion');
      };
      const first = await runCapability<Transaction<DB>, Counter>(ledgerOf(db), tablePorts, call({ name: 'x', amount: 1 }), effect);
      const second = await runCapability<Transaction<DB>, Counter>(ledgerOf(db), tablePorts, call({ name: 'x', amount: 1 }), effect);
      const expected = {
        ok: false,
        error: { code: 'VERSION_CONFLICT', message: 'Counter is at version 2, not 1.', field: 'expectedVersion' },
      };
      expect([first, second]).toEqual([
        { result: expected, replayed: false },
        { result: expected, replayed: true },
      ]);
      expect(runs.count).toBe(1);
      expect((await rows()).counters).toEqual([]);
    });

    it('writes the outbox envelope', async () => {
      const runs = { count: 0 };
      const { result } = await run(db, call({ name: 'hours', amount: 7 }, { requestId: 'req-77' }), runs);
      const counter = (result as { ok: true; value: Counter }).value;

      expect(await db.selectFrom('outbox_events').selectAll().execute()).toEqual([
        {
          event_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
          type: 'CounterAdded',
          aggregate_type: 'Counter',
          aggregate_id: counter.id,
          aggregate_version: 1,
          occurred_at: '2025-01-31T10:00:00.000Z',
          correlation_id: 'req-77',
          causation_id: 'cmd-9',
          legal_entity_id: 'US01',
          payload_json: JSON.stringify(counter),
          published_at: null,
          trace_parent: null,
        },
      ]);
    });

    it("writes the call's correlation id and traceparent into the outbox (docs/events.md#trace-context)", async () => {
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await run(
        db,
        { ...call({ name: 'traced', amount: 1 }, { requestId: 'req-78' }), correlationId: 'deal-42', traceparent },
        { count: 0 },
      );
      expect(await db.selectFrom('outbox_events').select(['correlation_id', 'trace_parent']).execute()).toEqual([
        { correlation_id: 'deal-42', trace_parent: traceparent },
      ]);
    });

    it('answers IDEMPOTENCY_IN_PROGRESS when a duplicate holds the key longer than the wait', async () => {
      const second = await openDatabase<DB>({ store: temp.store, name: SCHEMA });
      if (temp.store.kind === 'sqlite') await sql`pragma busy_timeout = 200`.execute(second);
      try {
        const runs = { count: 0 };
        let release!: () => void;
        const hold = new Promise<void>((resolve) => {
          release = resolve;
        });
        let entered!: () => void;
        const inside = new Promise<void>((resolve) => {
          entered = resolve;
        });
        const input = { name: 'hours', amount: 7 };
        const first = run(db, call(input), runs, { hold, entered });
        await inside;

        await expect(run(second, call(input, { requestId: 'req-2', inFlightWaitMs: 200 }), runs)).rejects.toMatchObject({
          extensions: { code: 'IDEMPOTENCY_IN_PROGRESS' },
        });
        release();
        expect((await first).replayed).toBe(false);
        expect(runs.count).toBe(1);
        expect((await run(second, call(input, { requestId: 'req-3' }), runs)).replayed).toBe(true);
        // PostgreSQL audits the refusal; SQLite cannot while the first writer holds the database.
        const refused = await db.selectFrom('audit_log').select('error_code').where('outcome', '=', 'REJECTED').execute();
        expect(refused).toEqual(temp.store.kind === 'postgres' ? [{ error_code: 'IDEMPOTENCY_IN_PROGRESS' }] : []);
      } finally {
        await second.destroy();
      }
    });
  });
}
