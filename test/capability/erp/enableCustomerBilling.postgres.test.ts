/**
 * enableCustomerBilling on PostgreSQL (when TESSERA_TEST_POSTGRES_URL is set): the path that
 * differs by engine. Concurrent enables wait on the legal entity's numbering lock, so one customer
 * enabled by 20 racing calls under different keys gets one profile (19 answer ALREADY_IN_STATE),
 * and customers enabled at once get distinct, consecutive numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../harness/onPostgres.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { call, erpDb, newKey, seededCustomers, type UserError } from './erpKit.ts';

const ENABLE = `mutation Enable($input: EnableCustomerBillingInput!) {
  enableCustomerBilling(input: $input) { billingProfile { id customerNumber } userErrors { code } warnings { code } replayed }
}`;

interface Payload {
  billingProfile: { id: string; customerNumber: string } | null;
  userErrors: UserError[];
  warnings: UserError[];
}

onPostgres('enableCustomerBilling', (makeStore) => {
  let store: TempStore;
  let tessera: TestTessera;
  let prospects: string[];

  beforeAll(async () => {
    store = await makeStore();
    tessera = await startTestTessera({ scale: 's', store });
    const customers = await seededCustomers(tessera);
    const body = await tessera.query('{ accounts(filter: { type: [PROSPECT] }, first: 100) { nodes { id } } }');
    prospects = (body.data as { accounts: { nodes: { id: string }[] } }).accounts.nodes
      .map((node) => node.id)
      .filter((id) => !customers.some((customer) => customer.accountId === id));
  });
  afterAll(async () => {
    await tessera?.stop();
    await store?.remove();
  });

  const enable = (accountId: string) =>
    call<Payload>(tessera, ENABLE, { idempotencyKey: newKey(), accountId, legalEntityId: 'le_UK01', currency: 'GBP' });

  describe('enableCustomerBilling on PostgreSQL', () => {
    it('20 racing calls under different keys enable one customer once', async () => {
      const accountId = prospects[0]!;
      const answers = await Promise.all(Array.from({ length: 20 }, () => enable(accountId)));
      const rows = await erpDb(tessera).selectFrom('billing_profiles').select('id').where('account_id', '=', accountId).execute();
      expect(rows).toHaveLength(1);
      expect(answers.map((answer) => answer.payload?.billingProfile?.id)).toEqual(Array(20).fill(rows[0]!.id));
      expect(answers.map((answer) => answer.payload?.warnings.map((w) => w.code).join() ?? 'none').sort()).toEqual([
        '',
        ...Array(19).fill('ALREADY_IN_STATE'),
      ]);
      const events = await erpDb(tessera).selectFrom('outbox_events').select('type').where('aggregate_id', '=', rows[0]!.id).execute();
      expect(events).toEqual([{ type: 'CustomerBillingEnabled' }]);
    });

    it('customers enabled at once get consecutive numbers', async () => {
      const numbers = await erpDb(tessera)
        .selectFrom('billing_profiles')
        .select('customer_number')
        .where('legal_entity_id', '=', 'le_UK01')
        .execute();
      const highest = Math.max(...numbers.map((row) => Number(/^UK01-C(\d+)$/.exec(row.customer_number)?.[1] ?? 0)));
      const accounts = prospects.slice(1, 6);
      const answers = await Promise.all(accounts.map((accountId) => enable(accountId)));
      expect(answers.map((answer) => answer.payload?.billingProfile?.customerNumber).sort()).toEqual(
        [1, 2, 3, 4, 5].map((n) => `UK01-C${String(highest + n).padStart(5, '0')}`),
      );
    });
  });
});
