/**
 * The composite CRM over two remote systems and the crosswalk's store (docs/crosswalk.md#reading-both-crms):
 * the demo records split into the parent's Salesforce and the acquired firm's HubSpot, and the
 * post-merger pair of fixture #12 merged in the integration store. The merged account answers once,
 * under the Salesforce id, with the survivorship of its merge and the deals and contacts of both
 * systems; the HubSpot id resolves to it; pages leave the duplicate out; a stage change of the HubSpot
 * deal is written to HubSpot; an unmerge gives the HubSpot company back its own answer.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmCapabilities } from '../../../systems/crm/capabilities/index.ts';
import { createCompositeCrmAdapter } from '../../../systems/crm/adapters/composite/compositeAdapter.ts';
import { createMemoryCrmAdapter } from '../../../systems/crm/adapters/memory/memoryAdapter.ts';
import type { StampedAccount } from '../../../systems/crm/adapters/composite/merged.ts';
import { createCrosswalkReads, createCrosswalkWrites } from '../../../systems/integration/crosswalk/store.ts';
import { CROSSWALK_SINCE, crosswalkTables, type CrosswalkTables } from '../../../systems/integration/crosswalk/tables.ts';
import { InMemoryVendor } from '../../../systems/kernel/adapters/memory/vendor.ts';
import { openLedger, type SystemOfRecord } from '../../../systems/kernel/systemOfRecord.ts';
import { createTablesMigration } from '../../../systems/kernel/tableSpec.ts';
import { portRunner } from '../../harness/portRunner.ts';
import { ALL_RECORDS } from '../../harness/recordPolicyProbe.ts';
import { crmData, loadIntoVendor } from '../../systems/crm/ports/crmData.ts';
import { splitBySystem } from '../../systems/crm/ports/splitCrmData.ts';
import { ALICE, T0 } from '../../systems/crm/ports/writeFixture.ts';
import type { CrmPorts } from '../../../systems/crm/ports/ports.ts';
import type { CrmReadPort } from '../../../systems/crm/ports/readPort.ts';
import { ACME_HS, ACME_MERGE, ACME_SF } from './acmeFixture.ts';
import { storeLookup } from './storeLookup.ts';

/** The HubSpot company as the acquired firm keeps it: another website, changed later, no segment in Salesforce. */
function acquiredFirmData() {
  const data = crmData();
  const accounts = data.accounts.map((account): StampedAccount => {
    if (account.id === ACME_HS)
      return { ...account, website: 'https://acme-gmbh.example', industry: 'Manufacturing', modifiedAt: '2026-02-01T00:00:00Z' };
    if (account.id === ACME_SF) return { ...account, segment: null, modifiedAt: '2026-01-01T00:00:00Z' };
    return account;
  });
  return { ...data, accounts };
}

describe('the composite CRM over Salesforce and HubSpot', () => {
  const data = acquiredFirmData();
  const [sfData, hsData] = splitBySystem(data, ['salesforce', 'hubspot']) as [typeof data, typeof data];
  let crosswalk: Kysely<CrosswalkTables>;
  let salesforce: SystemOfRecord<CrmReadPort, CrmPorts>;
  let hubspot: SystemOfRecord<CrmReadPort, CrmPorts>;
  let composite: SystemOfRecord<CrmReadPort, CrmPorts>;
  const read = () => composite.reads(ALL_RECORDS);
  const accountOf = (id: string) => data.accounts.find((account) => account.id === id)!;

  beforeAll(async () => {
    crosswalk = new Kysely<CrosswalkTables>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await createTablesMigration(crosswalkTables, CROSSWALK_SINCE).up(crosswalk as unknown as Kysely<unknown>);
    const ledger = await openLedger('crm');
    const [parent, acquired] = await Promise.all(
      [sfData, hsData].map(async (part) => {
        const vendor = new InMemoryVendor();
        await loadIntoVendor(vendor, part);
        return createMemoryCrmAdapter(vendor, ledger);
      }),
    );
    salesforce = parent!;
    hubspot = acquired!;
    composite = createCompositeCrmAdapter({ primary: salesforce, secondary: hubspot, crosswalk: storeLookup(crosswalk) });
    await createCrosswalkWrites(crosswalk).merge(ACME_MERGE, 1);
  });
  afterAll(async () => {
    await crosswalk?.destroy();
    await salesforce?.ledger.destroy();
  });

  it('answers the merged account once, under the Salesforce id, with the survivorship of its merge, for either id', async () => {
    const sf = accountOf(ACME_SF);
    const hs = accountOf(ACME_HS);
    const merged: StampedAccount = {
      ...sf,
      // Salesforce wins the name, industry, revenue and head count; its empty segment falls back to HubSpot's.
      segment: hs.segment,
      // The newest website: HubSpot's record changed last.
      website: 'https://acme-gmbh.example',
      modifiedAt: '2026-02-01T00:00:00Z',
      mergedIds: [ACME_HS],
    };
    expect(await read().accountsByIds([ACME_HS])).toEqual([merged]);
    expect(await read().accountsByIds([ACME_SF, ACME_HS])).toEqual([merged]);
  });

  it('lists the deals and contacts of both systems under the merged account, and leaves the duplicate out of pages', async () => {
    const deals = await read().opportunitiesByAccountIds([ACME_SF]);
    expect(deals.map((deal) => [deal.id, deal.accountId, deal.source.system, deal.stage])).toEqual(
      data.opportunities
        .filter((deal) => deal.accountId === ACME_SF || deal.accountId === ACME_HS)
        .sort((a, b) => (a.closeDate === b.closeDate ? (a.id < b.id ? -1 : 1) : a.closeDate < b.closeDate ? 1 : -1))
        .map((deal) => [deal.id, ACME_SF, deal.source.system, deal.stage]),
    );
    expect(deals.map((deal) => deal.source.system).sort()).toEqual(['hubspot', 'hubspot', 'salesforce', 'salesforce']);
    expect((await read().opportunitiesPage({ accountId: ACME_HS }, { first: 500, afterId: null })).total).toBe(4);

    const contacts = await read().contactsByAccountIds([ACME_SF]);
    expect(contacts.map((contact) => [contact.id, contact.accountId])).toEqual(
      data.contacts
        .filter((contact) => contact.accountId === ACME_SF || contact.accountId === ACME_HS)
        .map((contact) => [contact.id, ACME_SF])
        .sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );

    const page = await read().accountsPage({}, { first: 500, afterId: null });
    expect(page.total).toBe(data.accounts.length - 1);
    expect(page.rows.map((account) => account.id)).toEqual(
      data.accounts
        .map((account) => account.id)
        .filter((id) => id !== ACME_HS)
        .sort(),
    );
    expect(page.rows[0]).toMatchObject({ id: ACME_SF, mergedIds: [ACME_HS] });
    const acme = await read().accountsPage({ nameContains: 'acme' }, { first: 1, afterId: null });
    expect([acme.total, acme.rows.map((account) => account.id)]).toEqual([1, [ACME_SF]]);
  });

  it('writes a stage change of the HubSpot deal to HubSpot, and answers it under the merged account', async () => {
    const deal = data.opportunities.find((opportunity) => opportunity.accountId === ACME_HS && opportunity.stage === 'PROPOSAL')!;
    const runner = portRunner('crm', crmCapabilities, composite, T0);
    const result = await runner.run(
      'updateOpportunityStage',
      { opportunityId: deal.id, expectedVersion: deal.aggregateVersion, stage: 'NEGOTIATION' },
      { principal: ALICE, key: 'move-hubspot-deal' },
    );
    expect(result).toMatchObject({
      result: {
        ok: true,
        value: { opportunity: { id: deal.id, accountId: ACME_SF, stage: 'NEGOTIATION', aggregateVersion: deal.aggregateVersion + 1 } },
      },
      replayed: false,
    });
    expect((await hubspot.reads(ALL_RECORDS).opportunitiesByIds([deal.id])).map((o) => [o.accountId, o.stage])).toEqual([
      [ACME_HS, 'NEGOTIATION'],
    ]);
    expect(await salesforce.reads(ALL_RECORDS).opportunitiesByIds([deal.id])).toEqual([]);
  });

  it('gives the HubSpot company its own answer again once unmerged', async () => {
    const [merge] = await createCrosswalkReads(crosswalk, ALL_RECORDS).mergesByIds(['xwm_acme']);
    await createCrosswalkWrites(crosswalk).unmerge(merge!, 1, { by: 'sam.steward', at: '2026-03-02T00:00:00.000Z', reason: null });
    expect(await read().accountsByIds([ACME_HS])).toEqual([accountOf(ACME_HS)]);
    expect((await read().accountsPage({}, { first: 0, afterId: null })).total).toBe(data.accounts.length);
    expect((await read().opportunitiesByAccountIds([ACME_SF])).map((deal) => deal.source.system)).toEqual(['salesforce', 'salesforce']);
  });
});
