/**
 * The Salesforce adapter's pages are read at the org (docs/connectors.md#paging-at-the-vendor): a
 * page of 10 asks the org for 11 records with keyset SOQL, never for the whole list, `SELECT COUNT()`
 * only when the page wants its total; records without an External ID tie on it and are paged by
 * `Id`, in the canonical id order the SQL adapter answers (`<prefix>sf_<Id>` among the others).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceCrmAdapter } from '../../../../systems/crm/adapters/salesforce/salesforceAdapter.ts';
import type { Account } from '../../../../systems/crm/ports/types.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import type { Kysely } from 'kysely';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { startTestOrg, type TestOrg } from '../../../harness/standIns/salesforce/salesforceOrgFixture.ts';
import { FIXTURE } from './writeFixture.ts';

const TEMPLATE = FIXTURE.accounts[0]!;

describe('pages read at the Salesforce org', () => {
  let test: TestOrg;
  let ledger: Kysely<CapabilityTables>;
  beforeAll(async () => {
    test = await startTestOrg();
    ledger = await openLedger('crm');
  });
  afterAll(async () => {
    await ledger.destroy();
    await test.standIn.stop();
  });
  beforeEach(() => {
    test.standIn.records.table('Account').clear();
  });
  const reads = () => createSalesforceCrmAdapter(test.org, ledger).reads(ALL_RECORDS);
  /** Accounts Tessera wrote (External ID `id`), or a person created in Salesforce (no External ID). */
  const put = (ids: readonly (string | null)[]): string[] =>
    ids.map((id, i) => {
      const body = test.org.maps.account.write({ ...TEMPLATE, id: id ?? 'unused', name: `Account ${i}` } as Account);
      const record = test.standIn.records.write('Account', { ...body, [test.org.idField]: id }, null);
      return id ?? `acc_sf_${String(record.Id)}`;
    });
  /** The queries the org answered since `from`, the SELECT list left out. */
  const queriesSince = (from: number) =>
    test.standIn.queries
      .slice(from)
      .map((q) => ({ soql: q.soql.replace(/^SELECT (?!COUNT\(\)).* FROM /, 'SELECT … FROM '), records: q.records }));
  const walk = async (first: number, countTotal = true) => {
    const seen: string[] = [];
    const totals = new Set<number | null>();
    let afterId: string | null = null;
    for (;;) {
      const page = await reads().accountsPage({}, { first, afterId, countTotal });
      totals.add(page.total);
      seen.push(...page.rows.slice(0, first).map((account) => account.id));
      if (page.rows.length <= first) return { seen, totals: [...totals] };
      afterId = page.rows[first - 1]!.id;
    }
  };

  it('asks the org for 11 records for a page of 10 of 5,000, and counts them only when asked', async () => {
    const ids = put(Array.from({ length: 5000 }, (_, i) => `acc_p${String(i).padStart(4, '0')}`));
    const from = test.standIn.queries.length;
    const page = await reads().accountsPage({}, { first: 10, afterId: null });
    expect(page.rows.map((account) => account.id)).toEqual(ids.slice(0, 11));
    expect(page.total).toBe(5000);
    expect(queriesSince(from)).toEqual([
      {
        soql: "SELECT … FROM Account WHERE (Tessera_Id__c != null) AND (Tessera_Id__c < 'acc_sf_') ORDER BY Tessera_Id__c, Id LIMIT 11",
        records: 11,
      },
      { soql: 'SELECT COUNT() FROM Account', records: 5000 },
    ]);

    // Deep in the list, no count wanted: the last 10 after the cursor, then the two runs after it (empty).
    const deep = test.standIn.queries.length;
    const last = await reads().accountsPage({}, { first: 10, afterId: 'acc_p4989', countTotal: false });
    expect(last).toEqual({ rows: expect.any(Array) as unknown, total: null });
    expect(last.rows.map((account) => account.id)).toEqual(ids.slice(4990));
    expect(queriesSince(deep)).toEqual([
      {
        soql: "SELECT … FROM Account WHERE (Tessera_Id__c != null) AND (Tessera_Id__c < 'acc_sf_') AND (Tessera_Id__c > 'acc_p4989') ORDER BY Tessera_Id__c, Id LIMIT 11",
        records: 10,
      },
      { soql: 'SELECT … FROM Account WHERE (Tessera_Id__c = null) ORDER BY Id LIMIT 1', records: 0 },
      { soql: "SELECT … FROM Account WHERE (Tessera_Id__c > 'acc_sf_') ORDER BY Tessera_Id__c, Id LIMIT 1", records: 0 },
    ]);
    expect(test.standIn.queries.slice(from).reduce((sum, q) => sum + (q.soql.startsWith('SELECT COUNT()') ? 0 : q.records), 0)).toBe(21);
  });

  it('pages across records that tie on the External ID (none: created in Salesforce) by Id, in canonical id order', async () => {
    const ids = put(['acc_t2', null, 'acc_a1', null, null, 'acc_b7', null, 'acc_z9', null, null, null, 'acc_m0', null]);
    const canonical = [...ids].sort();
    expect(canonical.slice(3, 11).every((id) => id.startsWith('acc_sf_'))).toBe(true);
    for (const first of [1, 2, 3, 4, 7, 13]) expect(await walk(first)).toEqual({ seen: canonical, totals: [ids.length] });
    // A record the page reads past its filter is not there: the type filter is SOQL's, the count too.
    const customers = await reads().accountsPage({ type: ['PROSPECT'] }, { first: 5, afterId: null });
    expect(customers).toEqual({ rows: [], total: 0 });
  });

  it('walks any mix of External IDs and records without one, at any page size, without gaps or repeats', async () => {
    const key = fc.oneof(
      fc.constant(null),
      fc.stringMatching(/^[0-9a-z]{1,6}$/).map((tail) => `acc_${tail}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(key, { maxLength: 30, selector: (id) => id ?? Symbol() }),
        fc.integer({ min: 1, max: 8 }),
        async (keys, first) => {
          test.standIn.records.table('Account').clear();
          const ids = put(keys);
          expect(await walk(first, false)).toEqual({ seen: [...ids].sort(), totals: [null] });
        },
      ),
      { numRuns: 40 },
    );
  });
});
