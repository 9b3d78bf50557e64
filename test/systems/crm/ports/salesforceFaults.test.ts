/**
 * What a Salesforce org does to us and what the adapter, the connector kernel and the remote runner
 * make of it (docs/connectors.md#retries, docs/connectors.md#versions-and-exactly-once-writes): an
 * expired session is one token refresh, also in the middle of a paged query; 503, 429 with
 * Retry-After and REQUEST_LIMIT_EXCEEDED are retried with backoff; a write that commits and then
 * times out or loses its answer is retried (by the connector, or by the client with the same key)
 * without a duplicate; the org's limits stop Tessera with DOWNSTREAM_UNAVAILABLE.
 */
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createSalesforceCrmAdapter } from '../../../../systems/crm/adapters/salesforce/salesforceAdapter.ts';
import { crmCapabilities } from '../../../../systems/crm/capabilities/index.ts';
import type { Opportunity } from '../../../../systems/crm/ports/types.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { codeOf, portRunner } from '../../../harness/portRunner.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { loadIntoSalesforce, startTestOrg, type TestOrg } from '../../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import { crmData } from './crmData.ts';
import { ACTIVE_LEGAL_ENTITY, ALICE, expectedOpportunity, FIXTURE, NEW_OPPORTUNITY, SALESFORCE_SOURCE, T0 } from './writeFixture.ts';

describe('CRM capabilities on a Salesforce org that fails', () => {
  let test: TestOrg;
  let ledger: Kysely<CapabilityTables>;
  afterEach(async () => {
    await ledger?.destroy();
    await test?.standIn.stop();
  });

  /** The org holding `data`, the adapter over it, and the capability runner; `retries`: the connector's own. */
  const open = async (options: { retries?: number; env?: Record<string, string>; apiLimit?: number } = {}) => {
    test = await startTestOrg({
      pageSize: 40,
      ...(options.apiLimit ? { apiLimit: options.apiLimit } : {}),
      env: { TESSERA_SALESFORCE_TIMEOUT_MS: '300', ...options.env },
      seams: { retry: { retries: options.retries ?? 3, baseDelayMs: 200, maxDelayMs: 10_000 } },
    });
    loadIntoSalesforce(test, FIXTURE);
    ledger = await openLedger('crm');
    const system = createSalesforceCrmAdapter(test.org, ledger);
    return { system, runner: portRunner('crm', crmCapabilities, system, T0) };
  };
  const openOpportunity = (runner: Awaited<ReturnType<typeof open>>['runner'], key = 'open-1') =>
    runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key, facts: ACTIVE_LEGAL_ENTITY });
  const created = (result: Awaited<ReturnType<typeof openOpportunity>>) =>
    (result.result as unknown as { value: { opportunity: Opportunity } }).value.opportunity;
  const ledgerRows = async () => ({
    records: await ledger.selectFrom('idempotency_records').select(['capability', 'status', 'attempts']).orderBy('created_at').execute(),
    events: (await ledger.selectFrom('outbox_events').select('type').execute()).map((event) => event.type),
  });
  const calls = (operation: string) => test.standIn.calls.filter((name) => name === operation).length;

  it('an expired session is refreshed once, and the call goes on', async () => {
    const { runner } = await open();
    const first = created(await openOpportunity(runner));
    expect(test.standIn.tokensIssued).toBe(1);
    test.standIn.expireTokens();
    const moved = await runner.run(
      'updateOpportunityStage',
      { opportunityId: first.id, expectedVersion: 1, stage: 'QUALIFIED' },
      { principal: ALICE, key: 'qualify-1' },
    );
    expect(moved.result).toMatchObject({ ok: true, value: { opportunity: { stage: 'QUALIFIED', aggregateVersion: 2 } } });
    expect([test.standIn.tokensIssued, test.org.tokens.fetches]).toEqual([2, 2]);
    expect(test.delays).toEqual([]);
  });

  it('a session that expires in the middle of a paged query: one refresh, and every page read once', async () => {
    test = await startTestOrg({ pageSize: 15 });
    const data = crmData();
    loadIntoSalesforce(test, data);
    ledger = await openLedger('crm');
    const reads = createSalesforceCrmAdapter(test.org, ledger).reads(ALL_RECORDS);
    await reads.accountsByIds([data.accounts[0]!.id]);
    test.standIn.failNext('queryMore', { kind: 'expireToken' });
    const page = await reads.opportunitiesPage({}, { first: 1000, afterId: null });
    expect(page.total).toBe(data.opportunities.length);
    expect(page.rows.map((o) => o.id)).toEqual(data.opportunities.map((o) => o.id).sort());
    expect(test.standIn.tokensIssued).toBe(2);
    const pages = Math.ceil(data.opportunities.length / 15);
    // The lookup, then the page (docs/connectors.md#paging-at-the-vendor): its three keyset runs (the
    // first with its queryMores, and the one queryMore refused for the expired session) and its COUNT().
    expect([calls('query'), calls('queryMore')]).toEqual([1 + 3 + 1, pages - 1 + 1]);
  });

  it('503, then 429 with Retry-After, then REQUEST_LIMIT_EXCEEDED: each retried after its backoff, one record', async () => {
    const { runner } = await open();
    test.standIn.failNext('upsert Opportunity', { kind: 'status', status: 503 });
    test.standIn.failNext('upsert Opportunity', { kind: 'status', status: 429, retryAfter: '2' });
    test.standIn.failNext('upsert Opportunity', { kind: 'status', status: 403, errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    const result = await openOpportunity(runner);
    expect(created(result)).toEqual(expectedOpportunity(created(result).id, SALESFORCE_SOURCE));
    // Full jitter at 0.5: half of 200 ms, then Retry-After's 2 s, then half of 800 ms.
    expect(test.delays).toEqual([100, 2000, 400]);
    expect([test.standIn.count('Opportunity'), test.standIn.count('OpportunityLineItem')]).toEqual([1, 2]);
    expect((await ledgerRows()).records).toEqual([{ capability: 'crm.createOpportunity', status: 'COMPLETED', attempts: 1 }]);
  });

  it('503 on every attempt: DOWNSTREAM_UNAVAILABLE after the retries, nothing written, the ledger keeps the intent', async () => {
    const { runner } = await open();
    for (let i = 0; i < 4; i += 1) test.standIn.failNext('upsert Opportunity', { kind: 'status', status: 503 });
    expect(await codeOf(openOpportunity(runner))).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(test.delays).toEqual([100, 200, 400]);
    expect(test.standIn.count('Opportunity')).toBe(0);
    expect(await ledgerRows()).toEqual({
      records: [{ capability: 'crm.createOpportunity', status: 'IN_PROGRESS', attempts: 1 }],
      events: [],
    });
  });

  it('an upsert that committed and then timed out is sent again by the connector: the same record, no duplicate', async () => {
    const { runner } = await open();
    test.standIn.failNext('upsert OpportunityLineItem', { kind: 'hang' });
    const result = await openOpportunity(runner);
    expect(created(result)).toEqual(expectedOpportunity(created(result).id, SALESFORCE_SOURCE));
    expect(calls('upsert OpportunityLineItem')).toBe(3);
    expect([test.standIn.count('Opportunity'), test.standIn.count('OpportunityLineItem')]).toEqual([1, 2]);
  });

  it('a create that timed out after Salesforce committed, with no retry left: the client retry finds it by its call key', async () => {
    const { runner, system } = await open({ retries: 0 });
    test.standIn.failNext('upsert OpportunityLineItem', { kind: 'hang' });
    expect(await codeOf(openOpportunity(runner))).toBe('DOWNSTREAM_UNAVAILABLE');
    expect([test.standIn.count('Opportunity'), test.standIn.count('OpportunityLineItem')]).toEqual([1, 1]);
    const retry = await openOpportunity(runner);
    const opportunity = created(retry);
    expect(opportunity).toEqual(expectedOpportunity(opportunity.id, SALESFORCE_SOURCE));
    expect((await system.reads(ALL_RECORDS).opportunitiesByIds([opportunity.id])).map((read) => read.source)).toEqual([opportunity.source]);
    expect([test.standIn.count('Opportunity'), test.standIn.count('OpportunityLineItem')]).toEqual([1, 2]);
    expect((await system.reads(ALL_RECORDS).opportunityLinesByOpportunityIds([opportunity.id])).map((line) => line.id)).toEqual([
      `ol_${opportunity.id.slice(4)}_000`,
      `ol_${opportunity.id.slice(4)}_001`,
    ]);
    expect(await ledgerRows()).toEqual({
      records: [{ capability: 'crm.createOpportunity', status: 'COMPLETED', attempts: 2 }],
      events: ['OpportunityCreated'],
    });
  });

  it('a create whose answer was lost: the retry answers the record the first attempt made (its id), once', async () => {
    const { runner } = await open({ retries: 0 });
    test.standIn.failNext('upsert Opportunity', { kind: 'lostAnswer' });
    expect(await codeOf(openOpportunity(runner))).toBe('DOWNSTREAM_UNAVAILABLE');
    const [stored] = [...test.standIn.records.table('Opportunity').values()];
    const retry = created(await openOpportunity(runner));
    expect(retry.id).toBe(stored!.Tessera_Id__c);
    // Its source is the record Salesforce holds, as the first attempt's upsert made it.
    expect(retry.source).toEqual({ system: 'salesforce', id: stored!.Id });
    expect([test.standIn.count('Opportunity'), test.standIn.count('OpportunityLineItem')]).toEqual([1, 2]);
  });

  it('a change whose answer was lost: the retry answers it once (no VERSION_CONFLICT, no second update)', async () => {
    const { runner } = await open({ retries: 0 });
    const first = created(await openOpportunity(runner));
    const qualify = () =>
      runner.run(
        'updateOpportunityStage',
        { opportunityId: first.id, expectedVersion: 1, stage: 'QUALIFIED' },
        { principal: ALICE, key: 'q' },
      );
    test.standIn.failNext('update Opportunity', { kind: 'lostAnswer' });
    expect(await codeOf(qualify())).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(calls('update Opportunity')).toBe(1);
    expect(await qualify()).toEqual({
      result: {
        ok: true,
        value: { opportunity: { ...first, stage: 'QUALIFIED', sourceStage: 'Qualification', probability: 25, aggregateVersion: 2 } },
      },
      replayed: false,
    });
    expect(calls('update Opportunity')).toBe(1);
    expect((await ledgerRows()).events).toEqual(['OpportunityCreated', 'OpportunityStageChanged']);
  });

  it('the org near its API limit, or Tessera past its own budget: DOWNSTREAM_UNAVAILABLE before calling', async () => {
    const { runner } = await open({ apiLimit: 10 });
    // Sforce-Limit-Info reports 9/10 after the first answers: 90 % of the org's limit is reached.
    test.standIn.apiUsage = 8;
    await test.org.soql.all('SELECT Id FROM Account');
    expect(test.org.budget.remaining()).toBe(14_999);
    const before = test.standIn.calls.length;
    expect(await codeOf(openOpportunity(runner))).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(test.standIn.calls.length).toBe(before);

    await test.standIn.stop();
    await ledger.destroy();
    const small = await open({ env: { TESSERA_SALESFORCE_API_BUDGET: '2' } });
    await test.org.soql.all('SELECT Id FROM Account');
    await test.org.soql.all('SELECT Id FROM Account');
    await expect(test.org.soql.all('SELECT Id FROM Account')).rejects.toMatchObject({ name: 'ConnectorFailure', kind: 'budget' });
    expect(await codeOf(openOpportunity(small.runner))).toBe('DOWNSTREAM_UNAVAILABLE');
  });
});
