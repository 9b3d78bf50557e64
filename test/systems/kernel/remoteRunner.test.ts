/**
 * The capability runner on a remote system of record (a vendor API that is not transactional with
 * us), with scripted vendor faults: the intent is recorded before the vendor is called, every write
 * carries the call's external key, and a retry after a failure or a lost answer resumes the call
 * without a duplicate. A tiny "ledger entry" system stands in for a vendor's object.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../../auth/principal.ts';
import type { RemoteAdapter } from '../../../systems/kernel/capability/adapter.ts';
import { externalKeyOf } from '../../../systems/kernel/capability/runRemoteCapability.ts';
import { runCapability, type CapabilityEffect } from '../../../systems/kernel/capability/runCapability.ts';
import { rejected } from '../../../systems/kernel/capability/rejection.ts';
import type { CapabilityTables } from '../../../systems/kernel/capability/tables.ts';
import type { CapabilityCall } from '../../../systems/kernel/capability/types.ts';
import { InMemoryVendor } from '../../../systems/kernel/adapters/memory/vendor.ts';
import { createOnce } from '../../../systems/kernel/adapters/memory/remoteWrites.ts';
import { openLedger } from '../../../systems/kernel/systemOfRecord.ts';

interface EntryPorts {
  addEntry(name: string, amount: number): Promise<{ id: string; name: string; amount: number }>;
}

const ALICE = principalFromClaims({ sub: 'alice', client_id: 'books-app', scope: 'demo:write', legal_entities: '*' });
const T0 = new Date('2026-12-01T10:00:00.000Z');

function adapterOn(vendor: InMemoryVendor): RemoteAdapter<EntryPorts> {
  return {
    kind: 'remote',
    bind: (call) => ({
      addEntry: async (name, amount) => {
        const record = await createOnce(vendor, 'demo', 'Entry', call.externalKey('entry'), { name, amount });
        return { id: record.id, name: record.fields.name, amount: record.fields.amount };
      },
    }),
  };
}

/** Adds an entry; amounts over 100 are refused before anything is written to the vendor. */
const addEntry =
  (input: { name: string; amount: number }): CapabilityEffect<EntryPorts, { id: string }> =>
  async (ports, emit) => {
    if (input.amount > 100) throw rejected('PRECONDITION_FAILED', 'At most 100.', 'amount');
    const entry = await ports.addEntry(input.name, input.amount);
    emit({ type: 'EntryAdded', aggregateType: 'Entry', aggregateId: entry.id, aggregateVersion: 1, payload: entry });
    return { ok: true, value: { id: entry.id } };
  };

describe('runCapability on a remote system', () => {
  let ledger: Kysely<CapabilityTables>;
  let vendor: InMemoryVendor;
  let clock: Date;

  const call = (input: { name: string; amount: number }, overrides: Partial<CapabilityCall> = {}): CapabilityCall => ({
    capability: 'demo.addEntry',
    version: 1,
    financial: true,
    idempotencyKey: 'key-1',
    principal: ALICE,
    requestId: 'req-1',
    input,
    now: () => clock,
    leaseMs: 30_000,
    ...overrides,
  });
  // Each call starts a second after the previous one, so audit rows (ordered by time) read in call order.
  const run = (input: { name: string; amount: number }, overrides: Partial<CapabilityCall> = {}) => {
    clock = new Date(clock.getTime() + 1_000);
    return runCapability(ledger, adapterOn(vendor), call(input, overrides), addEntry(input));
  };
  const rows = async () => ({
    records: await ledger.selectFrom('idempotency_records').select(['status', 'attempts', 'lease_until', 'response_json']).execute(),
    audit: (await ledger.selectFrom('audit_log').select(['outcome', 'error_code']).orderBy('id').execute()).map(
      (row) => `${row.outcome}:${row.error_code ?? ''}`,
    ),
    events: await ledger.selectFrom('outbox_events').select(['type', 'aggregate_id']).execute(),
  });
  const errorOf = async (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: { extensions?: { code?: string } }) => error.extensions?.code,
    );

  beforeEach(async () => {
    ledger = await openLedger('demo');
    vendor = new InMemoryVendor();
    clock = T0;
  });
  afterEach(async () => {
    await ledger.destroy();
  });

  it('records the call, writes the vendor record under the external key, and replays without calling the vendor', async () => {
    const first = await run({ name: 'fees', amount: 40 });
    expect(first).toEqual({ result: { ok: true, value: { id: 'Entry-000001' } }, replayed: false });
    const [record] = await vendor.query('Entry');
    expect(record).toEqual({
      id: 'Entry-000001',
      externalId: externalKeyOf(call({ name: 'fees', amount: 40 }))('entry'),
      version: 1,
      fields: { name: 'fees', amount: 40 },
    });
    expect(record!.externalId).toMatch(/^tessera:demo\.addEntry:[A-Za-z0-9_-]{22}:entry$/);
    const callsBefore = vendor.calls.length;

    const replay = await run({ name: 'fees', amount: 40 });
    expect(replay).toEqual({ result: { ok: true, value: { id: 'Entry-000001' } }, replayed: true });
    expect(vendor.calls.length).toBe(callsBefore);
    expect(await rows()).toEqual({
      records: [{ status: 'COMPLETED', attempts: 1, lease_until: null, response_json: JSON.stringify(first.result) }],
      audit: ['SUCCEEDED:', 'REPLAYED:'],
      events: [{ type: 'EntryAdded', aggregate_id: 'Entry-000001' }],
    });
  });

  it('a vendor failure is DOWNSTREAM_UNAVAILABLE, leaves the intent open, and the retry with the same key completes it once', async () => {
    vendor.failNext('create:Entry');
    expect(await errorOf(run({ name: 'fees', amount: 40 }))).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(vendor.count('Entry')).toBe(0);
    expect(await rows()).toEqual({
      records: [{ status: 'IN_PROGRESS', attempts: 1, lease_until: null, response_json: '' }],
      audit: ['FAILED:DOWNSTREAM_UNAVAILABLE'],
      events: [],
    });

    expect(await run({ name: 'fees', amount: 40 })).toEqual({ result: { ok: true, value: { id: 'Entry-000001' } }, replayed: false });
    expect(vendor.count('Entry')).toBe(1);
    expect((await rows()).records[0]).toMatchObject({ status: 'COMPLETED', attempts: 2 });
  });

  it('a time-out after the vendor committed: the retry finds the record by its external key, no duplicate', async () => {
    vendor.failNext('create:Entry', { kind: 'timeoutAfterCommit' });
    expect(await errorOf(run({ name: 'fees', amount: 40 }))).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(vendor.count('Entry')).toBe(1);

    const retry = await run({ name: 'fees', amount: 40 });
    expect(retry).toEqual({ result: { ok: true, value: { id: 'Entry-000001' } }, replayed: false });
    expect(vendor.count('Entry')).toBe(1);
    expect(vendor.calls.filter((name) => name === 'create:Entry')).toHaveLength(1);
    expect(await rows()).toMatchObject({
      audit: ['FAILED:DOWNSTREAM_UNAVAILABLE', 'SUCCEEDED:'],
      events: [{ type: 'EntryAdded', aggregate_id: 'Entry-000001' }],
    });
  });

  it('an answer that comes late: a retry inside the lease is IN_PROGRESS, after it the retry resumes; the late answer records nothing twice', async () => {
    const late = vendor.answerLate('create:Entry');
    const first = run({ name: 'fees', amount: 40 });
    // The vendor has committed; the first attempt still waits for its answer.
    await expect.poll(() => vendor.count('Entry')).toBe(1);
    expect(await errorOf(run({ name: 'fees', amount: 40 }))).toBe('IDEMPOTENCY_IN_PROGRESS');

    clock = new Date(T0.getTime() + 31_000); // the first attempt's lease (from T0 + 1 s, 30 s) is over at the next call
    const resumed = await run({ name: 'fees', amount: 40 });
    expect(resumed).toEqual({ result: { ok: true, value: { id: 'Entry-000001' } }, replayed: false });

    late.release();
    expect(await first).toEqual({ result: { ok: true, value: { id: 'Entry-000001' } }, replayed: true });
    expect(vendor.count('Entry')).toBe(1);
    expect(await rows()).toEqual({
      records: [{ status: 'COMPLETED', attempts: 2, lease_until: null, response_json: JSON.stringify(resumed.result) }],
      audit: ['REJECTED:IDEMPOTENCY_IN_PROGRESS', 'SUCCEEDED:'],
      events: [{ type: 'EntryAdded', aggregate_id: 'Entry-000001' }],
    });
  });

  it('a business rejection is checked before any vendor write, stored and replayed', async () => {
    const refused = await run({ name: 'fees', amount: 400 });
    expect(refused).toEqual({
      result: { ok: false, error: { code: 'PRECONDITION_FAILED', message: 'At most 100.', field: 'amount' } },
      replayed: false,
    });
    expect(vendor.calls).toEqual([]);
    expect(await run({ name: 'fees', amount: 400 })).toEqual({ ...refused, replayed: true });
    expect((await rows()).audit).toEqual(['REJECTED:PRECONDITION_FAILED', 'REPLAYED:PRECONDITION_FAILED']);
  });

  it('the same key for another request is IDEMPOTENCY_KEY_REUSED, even while the first is unresolved', async () => {
    vendor.failNext('create:Entry');
    await errorOf(run({ name: 'fees', amount: 40 }));
    expect(await errorOf(run({ name: 'fees', amount: 41 }))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(vendor.count('Entry')).toBe(0);
  });

  it('external keys differ per principal, client, capability and key, and never per attempt', () => {
    const key = (overrides: Partial<CapabilityCall>) => externalKeyOf(call({ name: 'x', amount: 1 }, overrides))('entry');
    const base = key({});
    expect(key({ requestId: 'req-2', now: () => new Date(0) })).toBe(base);
    expect(
      new Set([
        base,
        key({ idempotencyKey: 'key-2' }),
        key({ capability: 'demo.other' }),
        key({ principal: principalFromClaims({ sub: 'bob', client_id: 'books-app', scope: 'demo:write', legal_entities: '*' }) }),
        key({ principal: principalFromClaims({ sub: 'alice', scope: 'demo:write', legal_entities: '*' }) }),
      ]).size,
    ).toBe(5);
  });
});
