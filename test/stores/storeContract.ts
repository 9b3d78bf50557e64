/**
 * The store contract: the same assertions against the SQL stores on any engine. Each engine's
 * test file supplies a fresh store; the suite migrates it, seeds `s`, and compares what the
 * stores answer with values computed from the generated dataset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset, type Dataset } from '../../seed/generate.ts';
import { seedSystems } from '../../seed/seedSystems.ts';
import { createSqlErpStore } from '../../systems/erp/sqlStore.ts';
import { openAllSystems, type AllSystems } from '../../systems/openAllSystems.ts';
import { byId, expectedBilled, expectedReceivables } from '../harness/expectations.ts';
import { asStored } from '../harness/stored.ts';
import { erpTables } from '../../systems/erp/adapters/sql/tables.ts';
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

    const erp = () => createSqlErpStore(systems.erp.db);

    it('holds exactly the seeded rows', async () => {
      expect(byId(await erp().invoicesByIds(data.erp.invoices.map((i) => i.id)))).toEqual(asStored(erpTables.invoices, byId(data.erp.invoices)));
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

    it('restricts pages and receivables to the record scope in SQL (counts included)', async () => {
      const account = data.erp.invoices[0]!.account_id;
      const invoices = await erp().invoicesPage({}, { first: 500, afterId: null }, { legalEntityIds: null, accountIds: [account] });
      expect(invoices.rows.map((i) => i.id)).toEqual(byId(data.erp.invoices.filter((i) => i.account_id === account)).map((i) => i.id));
      const hidden = await erp().openReceivablesByAccountIds([account], { legalEntityIds: [], accountIds: null });
      expect(hidden).toEqual([]);
    });
  });
}
