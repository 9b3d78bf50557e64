/**
 * Adopting deals a person created in HubSpot (docs/connectors.md#adopting-vendor-records): one poll
 * gives the deal its canonical id (derived from its HubSpot id) and its company's account, writes
 * them back, records the mapping and writes `OpportunityCreated` once; a second poll, a racing
 * poller and a retried write-back (503, 429) adopt nothing twice; an account typed on the deal counts
 * only when it is a company of the portal; a deal missing what the canonical
 * model requires waits until a change completes it; one archived (deleted or merged) while it is
 * adopted is left alone without failing the poll.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptedDealId } from '../../../../../systems/crm/adapters/hubspot/dealAdoption.ts';
import { dealChanges } from '../../../../../systems/crm/adapters/hubspot/dealChanges.ts';
import type { CapabilityTables } from '../../../../../systems/kernel/capability/tables.ts';
import { adoptionsOf } from '../../../../../systems/kernel/connectors/adoption.ts';
import { pollOnce, type Change, type ChangeLedger, type ChangeStream } from '../../../../../systems/kernel/connectors/changeCapture.ts';
import type { ChangeCaptureTables } from '../../../../../systems/kernel/connectors/changeCaptureTables.ts';
import { openLedger } from '../../../../../systems/kernel/systemOfRecord.ts';
import { ALL_RECORDS } from '../../../../harness/recordPolicyProbe.ts';
import { ledgerEvents } from '../../../../harness/ledgerEvents.ts';
import { dealMadeInHubSpot } from '../../../../harness/standIns/hubspot/dealMadeInHubSpot.ts';
import { hubspotCrmOn, loadIntoHubSpot } from '../../../../harness/standIns/hubspot/hubspotCrm.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../../../harness/standIns/hubspot/server.ts';
import { FIXTURE } from '../../ports/writeFixture.ts';

describe('adopting deals created in HubSpot', () => {
  let clock: number;
  let standIn: HubSpotStandIn;
  let ledger: Kysely<CapabilityTables>;
  let crm: ReturnType<typeof hubspotCrmOn>;
  beforeEach(async () => {
    clock = Date.parse('2026-03-02T09:00:00.000Z');
    standIn = await startHubSpotStandIn({ now: () => new Date(clock) });
    loadIntoHubSpot(standIn, FIXTURE);
    ledger = await openLedger('crm');
    crm = hubspotCrmOn(standIn, ledger);
    expect(await poll()).toMatchObject({ changes: 0, events: 0 }); // the baseline
  });
  afterEach(async () => {
    await ledger.destroy();
    await standIn.close();
  });
  const poll = (stream: ChangeStream<Change> = dealChanges(crm.portal) as ChangeStream<Change>) =>
    pollOnce(ledger as unknown as ChangeLedger, stream, { now: () => new Date(clock) });
  const events = () => ledgerEvents(ledger);
  const adoptions = () => adoptionsOf(ledger as unknown as Kysely<ChangeCaptureTables>, 'hubspot:deal');
  /** A person creating a deal on the company in HubSpot's UI: no `tessera_id`. */
  const createInHubSpot = (properties: Record<string, string> = {}) => {
    clock += 1_000;
    const id = dealMadeInHubSpot(standIn.portal, properties);
    clock += 1_000;
    return id;
  };
  const createdEvent = (id: string, stage = 'PROSPECTING') => ({
    type: 'OpportunityCreated',
    id,
    version: 1,
    payload: { opportunityId: id, stage, accountId: 'acc_c1', amount: { amount: '25000.00', currency: 'EUR' } },
  });

  it('one poll gives the deal its canonical id and account, in HubSpot and in the reads, with one OpportunityCreated and one mapping', async () => {
    const hubspotId = createInHubSpot();
    const id = adoptedDealId(hubspotId);
    expect(await poll()).toMatchObject({ changes: 1, events: 1 });
    expect(standIn.portal.find('deals', 'hs_object_id', hubspotId)!.properties).toMatchObject({
      tessera_id: id,
      tessera_version: '1',
      tessera_stage: 'PROSPECTING',
      tessera_account_id: 'acc_c1',
      tessera_opportunity_type: 'NEW_BUSINESS',
    });
    const reads = crm.adapter.reads(ALL_RECORDS);
    expect(await reads.opportunitiesByIds([id])).toMatchObject([{ id, name: 'Renewal', stage: 'PROSPECTING', aggregateVersion: 1 }]);
    expect((await reads.opportunitiesPage({ accountId: 'acc_c1' }, { first: 5, afterId: null })).rows.map((o) => o.id)).toEqual([id]);
    expect(await events()).toEqual([createdEvent(id)]);
    expect(await adoptions()).toEqual(new Map([[hubspotId, id]]));

    clock += 1_000;
    expect(await poll()).toMatchObject({ changes: 1, events: 0 });
    expect(await events()).toHaveLength(1);
    expect(await adoptions()).toEqual(new Map([[hubspotId, id]]));
  });

  it('a deal created and won between two polls is created and won, once', async () => {
    const hubspotId = createInHubSpot({ dealstage: 'closedwon' });
    const id = adoptedDealId(hubspotId);
    expect(await poll()).toMatchObject({ events: 2 });
    const payload = { opportunityId: id, stage: 'CLOSED_WON', accountId: 'acc_c1', amount: { amount: '25000.00', currency: 'EUR' } };
    expect(await events()).toEqual([createdEvent(id, 'CLOSED_WON'), { type: 'OpportunityWon', id, version: 2, payload }]);
  });

  it('two pollers racing on one ledger assign the same id and announce it once', async () => {
    const hubspotId = createInHubSpot();
    const results = await Promise.all([poll(), poll()]);
    expect(results.map((result) => result.events).sort()).toEqual([0, 1]);
    expect(await events()).toEqual([createdEvent(adoptedDealId(hubspotId))]);
    expect(await adoptions()).toEqual(new Map([[hubspotId, adoptedDealId(hubspotId)]]));
  });

  it('a write-back refused with 503, then with 429, is retried: one mapping, one event each', async () => {
    const first = createInHubSpot();
    standIn.faults.next(`PATCH /crm/v3/objects/deals/${first}`, { kind: 'unavailable' });
    expect(await poll()).toMatchObject({ events: 1 });
    const second = createInHubSpot({ dealname: 'Second' });
    standIn.faults.next(`PATCH /crm/v3/objects/deals/${second}`, {
      kind: 'rateLimited',
      policyName: 'TEN_SECONDLY_ROLLING',
      retryAfterMs: 1000,
    });
    expect(await poll()).toMatchObject({ events: 1 });
    expect(standIn.requests.filter((request) => request.startsWith('PATCH /crm/v3/objects/deals/'))).toHaveLength(4);
    expect(crm.delays).toContain(1000);
    expect((await events()).map((event) => [event.type, event.id])).toEqual([
      ['OpportunityCreated', adoptedDealId(first)],
      ['OpportunityCreated', adoptedDealId(second)],
    ]);
    expect(await adoptions()).toEqual(
      new Map([
        [first, adoptedDealId(first)],
        [second, adoptedDealId(second)],
      ]),
    );
  });

  it('a deal adopts the account typed on it only when that names a company of this portal, else its associated company', async () => {
    const elsewhere = createInHubSpot({ tessera_account_id: 'acc_of_another_crm' });
    const typed = createInHubSpot({ tessera_account_id: 'acc_c1', dealname: 'Typed' });
    expect(await poll()).toMatchObject({ changes: 2, events: 2 });
    for (const hubspotId of [elsewhere, typed]) {
      expect(standIn.portal.find('deals', 'hs_object_id', hubspotId)!.properties.tessera_account_id).toBe('acc_c1');
    }
    expect(await events()).toEqual([createdEvent(adoptedDealId(elsewhere)), createdEvent(adoptedDealId(typed))]);
  });

  it('a deal without its legal entity waits; the change that completes it adopts it', async () => {
    const hubspotId = createInHubSpot({ tessera_legal_entity_id: '' });
    expect(await poll()).toMatchObject({ changes: 1, events: 0 });
    expect(await adoptions()).toEqual(new Map());
    clock += 1_000;
    standIn.portal.update('deals', standIn.portal.find('deals', 'hs_object_id', hubspotId)!, { tessera_legal_entity_id: 'le_UK01' });
    clock += 1_000;
    expect(await poll()).toMatchObject({ events: 1 });
    expect(await events()).toEqual([createdEvent(adoptedDealId(hubspotId))]);
  });

  it('a deal archived (deleted, or merged into another) while it is adopted is left alone and the poll goes on', async () => {
    const kept = createInHubSpot({ dealname: 'Kept' });
    const merged = createInHubSpot({ dealname: 'Merged away' });
    const stream = dealChanges(crm.portal);
    const racing: ChangeStream<Change> = {
      ...(stream as ChangeStream<Change>),
      async changesSince(since, signal) {
        const changes = await stream.changesSince(since);
        // HubSpot archives the deal merged into another (and a deleted one) between the poll's search and its adoption.
        standIn.portal.remove('deals', merged);
        void signal;
        return changes;
      },
    };
    expect(await poll(racing)).toMatchObject({ changes: 2, events: 1 });
    expect(await events()).toEqual([
      { ...createdEvent(adoptedDealId(kept)), payload: expect.objectContaining({ stage: 'PROSPECTING' }) as unknown },
    ]);
    expect(await adoptions()).toEqual(new Map([[kept, adoptedDealId(kept)]]));
  });
});
