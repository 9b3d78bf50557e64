/**
 * The store contract: the same assertions against the SQL stores on any engine. Each engine's
 * test file supplies a fresh store; the suite migrates it, seeds `s`, and compares what the
 * stores answer with values computed from the generated dataset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type Dataset } from '../../seed/generate.ts';
import { seedSystems } from '../../seed/seedSystems.ts';
import { createSqlErpStore } from '../../systems/erp/sqlStore.ts';
import { createSqlPsaStore } from '../../systems/psa/sqlStore.ts';
import { openAllSystems, type AllSystems } from '../../systems/openAllSystems.ts';
import { byId, expectedBilled, expectedProjectTotals, expectedReceivables } from '../harness/expectations.ts';
import { asStored } from '../harness/stored.ts';
import { erpTables } from '../../systems/erp/tables.ts';
import { psaTables } from '../../systems/psa/tables.ts';
import type { TempStore } from '../harness/tempDatabase.ts';
import type { RecordScope } from '../../policies/recordScope.ts';

const EVERYTHING: RecordScope = { legalEntityIds: null, accountIds: null };

export function storeContract(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`reference-system stores on ${engine}`, () => {
    let temp: TempStore;
    let systems: AllSystems;
    let data: Dataset;

    beforeAll(async () => {
      temp = await makeStore();
      systems = await openAllSystems(temp.store);
      await seedSystems({ crm: systems.crm.db, psa: systems.psa.db, erp: systems.erp.db }, { scale: 's' });
      data = generateDataset({ scale: 's' });
    });

    afterAll(async () => {
      await systems?.close();
      await temp?.remove();
    });

    const psa = () => createSqlPsaStore(systems.psa.db);
    const erp = () => createSqlErpStore(systems.erp.db);

    it('holds exactly the seeded rows', async () => {
      expect(byId(await psa().projectsByIds(data.psa.projects.map((p) => p.id)))).toEqual(asStored(psaTables.projects, byId(data.psa.projects)));
      expect(byId(await erp().invoicesByIds(data.erp.invoices.map((i) => i.id)))).toEqual(asStored(erpTables.invoices, byId(data.erp.invoices)));
    });

    it('answers a batch lookup with only the rows that exist, and no keys with no rows', async () => {
      expect(await psa().projectStaffCounts([])).toEqual(new Map());
      expect(await psa().projectTimeTotals([])).toEqual(new Map());
    });

    it('filters by status in SQL and counts the filtered set', async () => {
      const active = data.psa.projects.filter((p) => p.status === 'ACTIVE');
      const page = await psa().projectsPage({ status: ['ACTIVE'] }, { first: 500, afterId: null }, EVERYTHING);
      expect(page.total).toBe(active.length);
      expect(page.rows.map((p) => p.id)).toEqual(byId(active).map((p) => p.id));
    });

    it('computes staff, approved hours and unbilled WIP per project in SQL', async () => {
      const ids = data.psa.projects.map((p) => p.id);
      const [staff, time] = await Promise.all([psa().projectStaffCounts(ids), psa().projectTimeTotals(ids)]);
      for (const id of ids) {
        const expected = expectedProjectTotals(data, id);
        expect(staff.get(id) ?? 0, id).toBe(expected.staffCount);
        expect(time.get(id) ?? { approvedHoursE2: 0, unbilledWipE4: 0 }, id).toEqual({ approvedHoursE2: expected.approvedHoursE2, unbilledWipE4: expected.unbilledWipE4 });
      }
      expect([...time.values()].some((t) => t.unbilledWipE4 > 0)).toBe(true);
    });

    it('sums billed-to-date per project and open receivables per account', async () => {
      const projectIds = data.psa.projects.map((p) => p.id);
      const billed = await erp().billedByProjectIds(projectIds);
      for (const id of projectIds) {
        const actual = new Map(billed.filter((row) => row.key === id).map((row) => [row.currency, row.amountE4]));
        expect(actual, id).toEqual(expectedBilled(data, id));
      }
      expect(billed.length).toBeGreaterThan(0);
      const accountIds = [...new Set(data.erp.invoices.map((i) => i.account_id))];
      const open = await erp().openReceivablesByAccountIds(accountIds, EVERYTHING);
      for (const id of accountIds) {
        const actual = new Map(open.filter((row) => row.key === id).map((row) => [row.currency, row.amountE4]));
        expect(actual, id).toEqual(expectedReceivables(data, id));
      }
    });

    it('returns the latest N timecards of each project, newest week first', async () => {
      const ids = data.psa.projects.map((p) => p.id);
      const rows = await psa().recentTimecardsByProjectIds(ids, ['APPROVED'], 3);
      for (const id of ids) {
        const expected = data.psa.timecards
          .filter((t) => t.project_id === id && t.status === 'APPROVED')
          .sort((a, b) => (a.week_start === b.week_start ? (a.id < b.id ? -1 : 1) : a.week_start < b.week_start ? 1 : -1))
          .slice(0, 3);
        expect(rows.filter((t) => t.project_id === id), id).toEqual(asStored(psaTables.timecards, expected));
      }
    });

    it('restricts pages and receivables to the record scope in SQL (counts included)', async () => {
      const le = data.erp.legal_entities[0]!.id;
      const mine = data.psa.projects.filter((p) => p.legal_entity_id === le);
      const page = await psa().projectsPage({}, { first: 500, afterId: null }, { legalEntityIds: [le], accountIds: null });
      expect(page.total).toBe(mine.length);
      expect(page.rows.map((p) => p.id)).toEqual(byId(mine).map((p) => p.id));
      const nothing = await psa().projectsPage({}, { first: 500, afterId: null }, { legalEntityIds: [], accountIds: null });
      expect(nothing).toEqual({ rows: [], total: 0 });
      const account = data.erp.invoices[0]!.account_id;
      const invoices = await erp().invoicesPage({}, { first: 500, afterId: null }, { legalEntityIds: null, accountIds: [account] });
      expect(invoices.rows.map((i) => i.id)).toEqual(byId(data.erp.invoices.filter((i) => i.account_id === account)).map((i) => i.id));
      const hidden = await erp().openReceivablesByAccountIds([account], { legalEntityIds: [], accountIds: null });
      expect(hidden).toEqual([]);
    });

    it('refuses a second claim of the same billable source (unique constraint)', async () => {
      const item = data.psa.billing_draft_items[0]!;
      await expect(
        systems.psa.db.insertInto('billing_draft_items').values({ ...item, id: 'bdi_duplicate' }).execute(),
      ).rejects.toThrow(/unique|UNIQUE/);
    });
  });
}
