/**
 * With its loops running, the process engine imports the ERP's invoices into the cash read model
 * once at start, in the background; `cashImported` settles when that import has (what the
 * benchmarks wait for before measuring, bench/seededGateway.ts). Without loops there is no such
 * import, and `cashImported` settles at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';

const started: TestTessera[] = [];
afterAll(() => Promise.all(started.map((tessera) => tessera.stop())));

async function start(loops: boolean): Promise<TestTessera> {
  const tessera = await startTestTessera({ scale: 's', processEngine: loops ? { loops: { relayMs: 200, executorMs: 500 } } : {} });
  started.push(tessera);
  return tessera;
}

const cashRows = (tessera: TestTessera) =>
  tessera.tessera.systems.integration!.db.selectFrom('cash_invoices').select('invoice_id').orderBy('invoice_id').execute();
const erpInvoiceIds = async (tessera: TestTessera) =>
  (await tessera.tessera.systems.erp!.db.selectFrom('invoices').select('id').where('kind', '=', 'INVOICE').orderBy('id').execute()).map(
    (row) => row.id,
  );

describe('the start-up import of the cash read model', () => {
  it('has taken in every ERP invoice once cashImported settles, with the loops running', async () => {
    const tessera = await start(true);
    await tessera.tessera.engine!.cashImported;
    const invoices = await erpInvoiceIds(tessera);
    expect(invoices.length).toBeGreaterThan(10);
    expect((await cashRows(tessera)).map((row) => row.invoice_id)).toEqual(invoices);
  });

  it('does not run without loops: cashImported settles at once and the read model stays empty', async () => {
    const tessera = await start(false);
    await tessera.tessera.engine!.cashImported;
    expect(await cashRows(tessera)).toEqual([]);
  });
});
