/**
 * What HubSpot can do to a capability call, on the stand-in over HTTP, and what the client, the
 * adapter and the remote runner make of it: a 503 retried, a create whose answer was lost or came
 * too late found by its external key in the same attempt, a batch that created some line items
 * (207) finished by the retry, a stage change whose answer was lost sent again, a revoked token
 * (DOWNSTREAM_UNAVAILABLE, nothing written) and a token that expires in the middle of a paged read,
 * 429s of both policies. Never a duplicate, never a lost update.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crmCapabilities } from '../../../../../systems/crm/capabilities/index.ts';
import type { Account, Opportunity } from '../../../../../systems/crm/ports/types.ts';
import type { CapabilityTables } from '../../../../../systems/kernel/capability/tables.ts';
import { openLedger } from '../../../../../systems/kernel/systemOfRecord.ts';
import { codeOf, portRunner, type PortRunner } from '../../../../harness/portRunner.ts';
import { ALL_RECORDS } from '../../../../harness/recordPolicyProbe.ts';
import { hubspotCrmOn, loadIntoHubSpot } from '../../../../harness/standIns/hubspot/hubspotCrm.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../../../harness/standIns/hubspot/server.ts';
import { ACTIVE_LEGAL_ENTITY, ALICE, expectedOpportunity, FIXTURE, HUBSPOT_SOURCE, NEW_OPPORTUNITY, T0 } from '../../ports/writeFixture.ts';

describe('CRM capabilities on HubSpot that fails', () => {
  let standIn: HubSpotStandIn;
  let ledger: Kysely<CapabilityTables>;
  let crm: ReturnType<typeof hubspotCrmOn>;
  let runner: PortRunner<typeof crmCapabilities>;
  let token: string;

  beforeEach(async () => {
    standIn = await startHubSpotStandIn();
    loadIntoHubSpot(standIn, FIXTURE);
    ledger = await openLedger('crm');
    token = 'pat-na1-stand-in';
    crm = hubspotCrmOn(standIn, ledger, { timeoutMs: 400, token: () => token });
    runner = portRunner('crm', crmCapabilities, crm.adapter, T0);
  });
  afterEach(async () => {
    await ledger.destroy();
    await standIn.close();
  });

  const open = (key = 'open-1') => runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key, facts: ACTIVE_LEGAL_ENTITY });
  const qualify = (id: string, key = 'qualify-1') =>
    runner.run('updateOpportunityStage', { opportunityId: id, expectedVersion: 1, stage: 'QUALIFIED' }, { principal: ALICE, key });
  const opportunityOf = (result: Awaited<ReturnType<typeof open>>) =>
    (result.result as unknown as { value: { opportunity: Opportunity } }).value.opportunity;
  const counts = () => [standIn.portal.all('deals').length, standIn.portal.all('line_items').length];
  const ledgerRows = async () => ({
    records: await ledger.selectFrom('idempotency_records').select(['status', 'attempts']).execute(),
    events: (await ledger.selectFrom('outbox_events').select('type').execute()).map((event) => event.type),
  });
  const lineIds = async (id: string) =>
    (await crm.adapter.reads(ALL_RECORDS).opportunityLinesByOpportunityIds([id])).map((line) => line.id);

  it('a 503 is retried after a backoff: one deal, one answer', async () => {
    standIn.faults.next('POST /crm/v3/objects/deals', { kind: 'unavailable' });
    const created = opportunityOf(await open());
    expect(created).toEqual(expectedOpportunity(created.id, HUBSPOT_SOURCE));
    expect(counts()).toEqual([1, 2]);
    expect(crm.delays).toHaveLength(1);
    expect(standIn.requests.filter((r) => r === 'POST /crm/v3/objects/deals')).toHaveLength(2);
  });

  it('a create whose answer was lost is found by its external key in the same attempt: no duplicate', async () => {
    standIn.faults.next('POST /crm/v3/objects/deals', { kind: 'lostAnswer' });
    const created = opportunityOf(await open());
    expect(created).toEqual(expectedOpportunity(created.id, HUBSPOT_SOURCE));
    // Its source is the one deal HubSpot holds, the lost create's.
    expect(created.source).toEqual({ system: 'hubspot', id: standIn.portal.all('deals')[0]!.id });
    expect(counts()).toEqual([1, 2]);
    expect(standIn.portal.writes.filter((w) => w === 'create:deals')).toHaveLength(1);
    expect(await ledgerRows()).toEqual({ records: [{ status: 'COMPLETED', attempts: 1 }], events: ['OpportunityCreated'] });
  });

  it('a create that answered after the client timed out (the write committed) is found by its key: no duplicate', async () => {
    const late = standIn.faults.late('POST /crm/v3/objects/deals');
    const created = opportunityOf(await open());
    late.release();
    expect(created).toEqual(expectedOpportunity(created.id, HUBSPOT_SOURCE));
    expect(counts()).toEqual([1, 2]);
  });

  it('a batch that created one line item of two (207) fails the attempt; the retry with the same key creates only the other', async () => {
    standIn.faults.next('POST /crm/v3/objects/line_items/batch/create', { kind: 'partial', failingInputs: [1] });
    expect(await codeOf(open())).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(counts()).toEqual([1, 1]);
    expect(await ledgerRows()).toEqual({ records: [{ status: 'IN_PROGRESS', attempts: 1 }], events: [] });

    const created = opportunityOf(await open());
    expect(created).toEqual(expectedOpportunity(created.id, HUBSPOT_SOURCE));
    expect(created.source).toEqual({ system: 'hubspot', id: standIn.portal.all('deals')[0]!.id });
    expect(counts()).toEqual([1, 2]);
    expect(await lineIds(created.id)).toEqual([`ol_${created.id.slice(4)}_000`, `ol_${created.id.slice(4)}_001`]);
    expect(standIn.portal.associated('deals', standIn.portal.all('deals')[0]!.id, 'line_items')).toHaveLength(2);
    expect(await ledgerRows()).toEqual({ records: [{ status: 'COMPLETED', attempts: 2 }], events: ['OpportunityCreated'] });
  });

  it('a stage change whose answer was lost is sent again (the same values): moved once, one event', async () => {
    const created = opportunityOf(await open());
    standIn.faults.next('PATCH /crm/v3/objects/deals/' + standIn.portal.all('deals')[0]!.id, { kind: 'lostAnswer' });
    const moved = await qualify(created.id);
    expect(moved).toEqual({
      result: {
        ok: true,
        value: {
          opportunity: {
            ...created,
            stage: 'QUALIFIED',
            sourceStage: HUBSPOT_SOURCE.stages.QUALIFIED,
            probability: 25,
            aggregateVersion: 2,
          },
        },
      },
      replayed: false,
    });
    expect((await ledgerRows()).events).toEqual(['OpportunityCreated', 'OpportunityStageChanged']);
    expect(await codeOf(qualify(created.id, 'qualify-2'))).toBe(null);
  });

  it('a revoked token is DOWNSTREAM_UNAVAILABLE with nothing written; with the rotated token the retry succeeds once', async () => {
    const loaded = standIn.portal.writes.length;
    standIn.tokens.clear();
    expect(await codeOf(open())).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(standIn.portal.writes.slice(loaded)).toEqual([]);
    standIn.tokens.add('pat-na1-rotated');
    token = 'pat-na1-rotated';
    const created = opportunityOf(await open());
    expect(created).toEqual(expectedOpportunity(created.id, HUBSPOT_SOURCE));
    expect(counts()).toEqual([1, 2]);
  });

  it('a token that expires in the middle of a paged read is read again once, and the read goes on from its page', async () => {
    const accounts: Account[] = Array.from({ length: 450 }, (_, i) => ({
      ...FIXTURE.accounts[0]!,
      id: `acc_p${String(i).padStart(4, '0')}`,
      name: `Partner ${i}`,
    }));
    loadIntoHubSpot(standIn, { ...FIXTURE, accounts });
    standIn.tokens.add('pat-na1-rotated');
    await crm.adapter.reads(ALL_RECORDS).accountsByIds(['acc_c1']);
    token = 'pat-na1-rotated';
    const before = standIn.requests.length;
    standIn.faults.next('POST /crm/v3/objects/companies/search', { kind: 'expireToken' });
    standIn.faults.next('POST /crm/v3/objects/companies/search', {
      kind: 'rateLimited',
      policyName: 'TEN_SECONDLY_ROLLING',
      retryAfterMs: 1000,
    });
    const page = await crm.adapter.reads(ALL_RECORDS).accountsPage({}, { first: 500, afterId: null });
    expect(page.total).toBe(451);
    expect(page.rows.map((a) => a.id)).toEqual(['acc_c1', ...accounts.map((a) => a.id)].sort());
    // 3 pages of 200, the first sent three times: 401 (the token read again at once), 429 (its Retry-After waited), answered.
    expect(standIn.requests.slice(before)).toEqual(Array(5).fill('POST /crm/v3/objects/companies/search'));
    expect(crm.delays).toEqual([1000]);
  });

  it('a 429 of the DAILY policy is not retried: DOWNSTREAM_UNAVAILABLE at once', async () => {
    standIn.faults.next('POST /crm/v3/objects/companies/search', { kind: 'rateLimited', policyName: 'DAILY' });
    await expect(crm.adapter.reads(ALL_RECORDS).accountsPage({}, { first: 5, afterId: null })).rejects.toMatchObject({
      extensions: { code: 'DOWNSTREAM_UNAVAILABLE' },
      message: expect.stringMatching(
        /^The CRM system \(HubSpot\) refused POST \/crm\/v3\/objects\/companies\/search \(429 RATE_LIMITS, correlation 0{8}-0{4}-4000-8000-\d{12}\)/,
      ),
    });
    expect(crm.delays).toEqual([]);
  });
});
