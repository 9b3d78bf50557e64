/**
 * The CRM write port on the in-memory remote adapter: the shared contract, then what only a remote
 * system of record can do to us (fail, commit then lose its answer, answer late) and what the
 * adapter and the runner make of it: DOWNSTREAM_UNAVAILABLE with nothing completed, and a retry with
 * the same key that gives the same answer with exactly one vendor record.
 */
import { codeOf, portRunner, type PortRunner } from '../../../harness/portRunner.ts';
import { crmCapabilities } from '../../../../systems/crm/capabilities/index.ts';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryCrmAdapter } from '../../../../systems/crm/adapters/memory/memoryAdapter.ts';
import type { Opportunity } from '../../../../systems/crm/ports/types.ts';
import { InMemoryVendor } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { loadIntoVendor } from './crmData.ts';
import { crmWritePortContract, openRemoteCrm } from './writePort.contract.ts';
import { ACTIVE_LEGAL_ENTITY, ALICE, expectedOpportunity, FIXTURE, NEW_OPPORTUNITY, T0, TESSERA_SOURCE } from './writeFixture.ts';

crmWritePortContract(
  'the in-memory remote adapter',
  async (data) => {
    const vendor = new InMemoryVendor();
    await loadIntoVendor(vendor, data);
    const ledger = await openLedger('crm');
    const system = createMemoryCrmAdapter(vendor, ledger);
    return openRemoteCrm(system, () => ledger.destroy());
  },
  TESSERA_SOURCE,
);

describe('CRM capabilities on a remote system of record that fails', () => {
  let vendor: InMemoryVendor;
  let ledger: Kysely<CapabilityTables>;
  let runner: PortRunner<typeof crmCapabilities>;

  beforeEach(async () => {
    vendor = new InMemoryVendor();
    await loadIntoVendor(vendor, FIXTURE);
    ledger = await openLedger('crm');
    runner = portRunner('crm', crmCapabilities, createMemoryCrmAdapter(vendor, ledger), T0);
  });
  afterEach(async () => {
    await ledger.destroy();
  });

  const open = (key = 'open-1') => runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key, facts: ACTIVE_LEGAL_ENTITY });
  const qualify = (id: string, key = 'qualify-1') =>
    runner.run('updateOpportunityStage', { opportunityId: id, expectedVersion: 1, stage: 'QUALIFIED' }, { principal: ALICE, key });
  const ledgerRows = async () => ({
    records: await ledger.selectFrom('idempotency_records').select(['capability', 'status', 'attempts']).orderBy('created_at').execute(),
    events: (await ledger.selectFrom('outbox_events').select('type').execute()).map((event) => event.type),
  });
  const opportunityOf = (result: Awaited<ReturnType<typeof open>>) =>
    (result.result as unknown as { value: { opportunity: Opportunity } }).value.opportunity;

  it('a vendor failure is DOWNSTREAM_UNAVAILABLE with nothing completed; the retry with the same key succeeds once', async () => {
    vendor.failNext('create:Opportunity');
    expect(await codeOf(open())).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(vendor.count('Opportunity')).toBe(0);
    expect(await ledgerRows()).toEqual({
      records: [{ capability: 'crm.createOpportunity', status: 'IN_PROGRESS', attempts: 1 }],
      events: [],
    });

    const retry = await open();
    expect(retry.replayed).toBe(false);
    expect(opportunityOf(retry)).toEqual(expectedOpportunity(opportunityOf(retry).id));
    expect([vendor.count('Opportunity'), vendor.count('OpportunityLineItem')]).toEqual([1, 2]);
    expect(await ledgerRows()).toEqual({
      records: [{ capability: 'crm.createOpportunity', status: 'COMPLETED', attempts: 2 }],
      events: ['OpportunityCreated'],
    });
  });

  it('a create that timed out after the vendor committed: the retry finds it by its external key, no duplicate, same answer', async () => {
    vendor.failNext('create:OpportunityLineItem', { kind: 'timeoutAfterCommit' });
    expect(await codeOf(open())).toBe('DOWNSTREAM_UNAVAILABLE');
    expect([vendor.count('Opportunity'), vendor.count('OpportunityLineItem')]).toEqual([1, 1]);

    const retry = await open();
    const created = opportunityOf(retry);
    expect(created).toEqual(expectedOpportunity(created.id));
    expect([vendor.count('Opportunity'), vendor.count('OpportunityLineItem')]).toEqual([1, 2]);
    const lines = await createMemoryCrmAdapter(vendor, ledger).reads(ALL_RECORDS).opportunityLinesByOpportunityIds([created.id]);
    expect(lines.map((line) => line.id)).toEqual([`ol_${created.id.slice(4)}_000`, `ol_${created.id.slice(4)}_001`]);
    expect((await ledgerRows()).events).toEqual(['OpportunityCreated']);
  });

  it('a change that timed out after the vendor committed: the retry answers the change once (no VERSION_CONFLICT, no ALREADY_IN_STATE)', async () => {
    const created = opportunityOf(await open());
    vendor.failNext('update:Opportunity', { kind: 'timeoutAfterCommit' });
    expect(await codeOf(qualify(created.id))).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(vendor.calls.filter((name) => name === 'update:Opportunity')).toHaveLength(1);

    const retry = await qualify(created.id);
    expect(retry).toEqual({
      result: {
        ok: true,
        value: {
          opportunity: { ...created, stage: 'QUALIFIED', sourceStage: 'Qualification', probability: 25, aggregateVersion: 2 },
        },
      },
      replayed: false,
    });
    expect(vendor.calls.filter((name) => name === 'update:Opportunity')).toHaveLength(1);
    expect((await ledgerRows()).events).toEqual(['OpportunityCreated', 'OpportunityStageChanged']);
  });

  it('an answer that comes late: the retry after the lease resumes with the same answer; the late attempt records nothing twice', async () => {
    const created = opportunityOf(await open());
    const late = vendor.answerLate('update:Opportunity');
    const first = qualify(created.id);
    await expect.poll(() => vendor.calls.filter((name) => name === 'update:Opportunity').length).toBe(1);
    expect(await codeOf(qualify(created.id))).toBe('IDEMPOTENCY_IN_PROGRESS');

    runner.advance(31_000);
    const resumed = await qualify(created.id);
    expect(resumed.replayed).toBe(false);
    expect(resumed.result).toMatchObject({ ok: true, value: { opportunity: { stage: 'QUALIFIED', aggregateVersion: 2 } } });
    late.release();
    expect(await first).toEqual({ result: resumed.result, replayed: true });
    expect(vendor.calls.filter((name) => name === 'update:Opportunity')).toHaveLength(1);
    expect((await ledgerRows()).events).toEqual(['OpportunityCreated', 'OpportunityStageChanged']);
  });

  it('a replay after success makes no vendor call', async () => {
    const first = await open();
    const calls = vendor.calls.length;
    expect(await open()).toEqual({ result: first.result, replayed: true });
    expect(vendor.calls.length).toBe(calls);
  });
});
