/**
 * The cash read model takes in the invoices the ERP held before the cash consumer ran (seeded, or
 * released before the engine started): `importCash` reads them all, and each customer's exposure
 * is then exactly the open amount of its invoices in the ERP, per currency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money, parseScaled } from '../../../systems/kernel/decimal.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';

interface ErpInvoice {
  kind: string;
  customer: { id: string };
  amountDue: { amount: string; currency: string };
}

let tessera: TestTessera;
let token: string;
beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  token = await tessera.token({ sub: 'olga.ops@tessera.example', scope: 'crm:read erp:read ops:read', legal_entities: '*' });
});
afterAll(() => tessera?.stop());

async function erpInvoices(): Promise<ErpInvoice[]> {
  const nodes: ErpInvoice[] = [];
  let after: string | null = null;
  for (;;) {
    const body = await tessera.query(
      `query ($after: String) { invoices(first: 500, after: $after) { nodes { kind customer { id } amountDue { amount currency } }
        pageInfo { hasNextPage endCursor } } }`,
      { after },
      token,
    );
    expect(body.errors).toBeUndefined();
    const page = (body.data as { invoices: { nodes: ErpInvoice[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }).invoices;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

describe('the cash read model imports the ERP invoices it has had no event for', () => {
  it('knows no seeded invoice before the import; after it, every customer owes exactly what the ERP says; a second import changes nothing', async () => {
    const invoices = (await erpInvoices()).filter((invoice) => invoice.kind === 'INVOICE');
    const expected = new Map<string, Map<string, number>>();
    for (const invoice of invoices) {
      const perCurrency = expected.get(invoice.customer.id) ?? new Map<string, number>();
      const { currency } = invoice.amountDue;
      perCurrency.set(currency, (perCurrency.get(currency) ?? 0) + parseScaled(invoice.amountDue.amount));
      expected.set(invoice.customer.id, perCurrency);
    }
    const customers = [...expected.keys()].sort();
    expect(invoices.length).toBeGreaterThan(10);

    const rows = () => tessera.tessera.systems.integration!.db.selectFrom('cash_invoices').select('invoice_id').execute();
    expect(await rows()).toEqual([]);
    expect(await tessera.tessera.engine!.importCash()).toBe(invoices.length);
    expect(await rows()).toHaveLength(invoices.length);

    const answer = await tessera.query(`{ accounts(first: 500) { nodes { id exposure { amount currency } } } }`, {}, token);
    expect(answer.errors).toBeUndefined();
    const shown = new Map(
      (answer.data as { accounts: { nodes: { id: string; exposure: { amount: string; currency: string }[] }[] } }).accounts.nodes.map(
        (account) => [account.id, account.exposure],
      ),
    );
    for (const customer of customers) {
      const owed = [...expected.get(customer)!.entries()]
        .filter(([, amount]) => amount !== 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, amount]) => money(amount, currency));
      expect([customer, shown.get(customer)]).toEqual([customer, owed]);
    }

    expect(await tessera.tessera.engine!.importCash()).toBe(0);
  });
});
