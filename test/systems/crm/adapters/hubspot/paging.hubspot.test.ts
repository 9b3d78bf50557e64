/**
 * The HubSpot adapter's pages are read at the portal (docs/connectors.md#paging-at-the-vendor): a
 * search sorted by `tessera_id` with the cursor as a `GT` filter and `limit` the records wanted, so
 * a page of 10 asks for 11 and a page past the 10,000 results one search can reach is as cheap as
 * the first, without `after`; a name match HubSpot cannot evaluate reads on until the page is full.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { companyProperties } from '../../../../../systems/crm/adapters/hubspot/accountMapping.ts';
import type { CrmReadPort } from '../../../../../systems/crm/ports/readPort.ts';
import type { CapabilityTables } from '../../../../../systems/kernel/capability/tables.ts';
import { openLedger } from '../../../../../systems/kernel/systemOfRecord.ts';
import { ALL_RECORDS } from '../../../../harness/recordPolicyProbe.ts';
import { hubspotCrmOn } from '../../../../harness/standIns/hubspot/hubspotCrm.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../../../harness/standIns/hubspot/server.ts';
import { FIXTURE } from '../../ports/writeFixture.ts';

const TEMPLATE = FIXTURE.accounts[0]!;
const HAS_ID = { propertyName: 'tessera_id', operator: 'HAS_PROPERTY' };
const BY_ID = [{ propertyName: 'tessera_id', direction: 'ASCENDING' }];

describe('pages read at the HubSpot portal', () => {
  let standIn: HubSpotStandIn;
  let ledger: Kysely<CapabilityTables>;
  let reads: CrmReadPort;
  beforeAll(async () => {
    standIn = await startHubSpotStandIn();
    ledger = await openLedger('crm');
    reads = hubspotCrmOn(standIn, ledger).adapter.reads(ALL_RECORDS);
  });
  afterAll(async () => {
    await ledger.destroy();
    await standIn.close();
  });
  beforeEach(() => {
    for (const company of standIn.portal.all('companies')) standIn.portal.remove('companies', company.id);
  });
  const put = (ids: readonly string[], name: (i: number) => string = (i) => `Account ${i}`) => {
    ids.forEach((id, i) =>
      standIn.portal.create('companies', companyProperties({ ...TEMPLATE, id, name: name(i), source: { system: 'x', id } })),
    );
    return ids;
  };
  /** The searches since `from`: what each asked for and how many results it answered. */
  const searchesSince = (from: number) =>
    standIn.portal.searches.slice(from).map(({ request, results }) => {
      const { filterGroups, sorts, limit, after } = request as Record<string, unknown>;
      return { filterGroups, sorts, limit, after, results };
    });

  it('asks for 11 companies for a page of 10 of 5,000, its total in the same answer', async () => {
    const ids = put(Array.from({ length: 5000 }, (_, i) => `acc_p${String(i).padStart(4, '0')}`));
    const from = standIn.portal.searches.length;
    const page = await reads.accountsPage({}, { first: 10, afterId: null });
    expect(page.rows.map((account) => account.id)).toEqual(ids.slice(0, 11));
    expect(page.total).toBe(5000);
    expect(searchesSince(from)).toEqual([
      { filterGroups: [{ filters: [HAS_ID] }], sorts: BY_ID, limit: 11, after: undefined, results: 11 },
    ]);
  });

  it('reads a page past the 10,000 results of one search by the cursor filter, never `after`', async () => {
    const ids = put(Array.from({ length: 10_050 }, (_, i) => `acc_q${String(i).padStart(5, '0')}`));
    const from = standIn.portal.searches.length;
    const page = await reads.accountsPage({}, { first: 10, afterId: ids[10_019]! });
    expect(page).toEqual({ rows: expect.any(Array) as unknown, total: 10_050 });
    expect(page.rows.map((account) => account.id)).toEqual(ids.slice(10_020, 10_031));
    const cursor = { propertyName: 'tessera_id', operator: 'GT', value: ids[10_019] };
    expect(searchesSince(from)).toEqual([
      { filterGroups: [{ filters: [HAS_ID, cursor] }], sorts: BY_ID, limit: 11, after: undefined, results: 11 },
      // The total, which the cursor's search does not answer: one result of the same search without it.
      { filterGroups: [{ filters: [HAS_ID] }], sorts: BY_ID, limit: 1, after: undefined, results: 1 },
    ]);
    const unCounted = standIn.portal.searches.length;
    expect(await reads.accountsPage({}, { first: 10, afterId: ids[10_044]!, countTotal: false })).toEqual({
      rows: expect.any(Array) as unknown,
      total: null,
    });
    expect(searchesSince(unCounted).map((search) => [search.limit, search.results])).toEqual([[11, 5]]);
  });

  it('a name HubSpot cannot match reads on from the last record until the page is full, at any page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[0-9a-z]{1,5}$/), { maxLength: 25 }),
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        fc.integer({ min: 1, max: 6 }),
        async (tails, named, first) => {
          for (const company of standIn.portal.all('companies')) standIn.portal.remove('companies', company.id);
          const ids = put(
            tails.map((tail) => `acc_${tail}`),
            (i) => (named[i] ? `Big Contoso ${i}` : `Fabrikam ${i}`),
          );
          const wanted = ids.filter((_, i) => named[i]).sort();
          const seen: string[] = [];
          let afterId: string | null = null;
          for (;;) {
            const page = await reads.accountsPage({ nameContains: 'g CONT' }, { first, afterId, countTotal: false });
            seen.push(...page.rows.slice(0, first).map((account) => account.id));
            if (page.rows.length <= first) break;
            afterId = page.rows[first - 1]!.id;
          }
          expect(seen).toEqual(wanted);
        },
      ),
      { numRuns: 30 },
    );
  });
});
