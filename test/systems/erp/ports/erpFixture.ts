/**
 * The data every ERP port contract suite runs on, on every adapter: the seeded reference systems
 * (scale `s`) on SQLite or PostgreSQL, and the same ERP records loaded into an in-memory vendor
 * (what a NetSuite account would hold), read straight from the seeded tables.
 */
import type { Kysely } from 'kysely';
import { generateDataset, type Dataset } from '../../../../seed/generate.ts';
import { seedSystems } from '../../../../seed/seedSystems.ts';
import { openAllSystems, type AllSystems } from '../../../../systems/openAllSystems.ts';
import { stored } from '../../../../systems/kernel/adapters/memory/callHistory.ts';
import { InMemoryVendor } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import { loadIntoVendorAs } from '../../../harness/portData.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import type { SystemOfRecord } from '../../../../systems/kernel/systemOfRecord.ts';
import { memoryErpSystem } from '../../../../systems/erp/adapters/memory/memoryAdapter.ts';
import { ERP_OBJECTS } from '../../../../systems/erp/adapters/memory/objects.ts';
import * as rows from '../../../../systems/erp/adapters/sql/rows.ts';
import { sqlErpSystem } from '../../../../systems/erp/adapters/sql/sqlAdapter.ts';
import type { ErpTables } from '../../../../systems/erp/adapters/sql/tables.ts';
import type { ErpPorts } from '../../../../systems/erp/ports/ports.ts';
import type { ErpReadPort } from '../../../../systems/erp/ports/readPort.ts';
import type { TempStore } from '../../../harness/tempDatabase.ts';

export type ErpSystem = SystemOfRecord<ErpReadPort, ErpPorts>;

/** An ERP adapter on the seeded data, and how to close it. */
export interface ErpUnderTest {
  readonly system: ErpSystem;
  readonly data: Dataset;
  /** The vendor behind a remote adapter (fault injection); null for SQL. */
  readonly vendor: InMemoryVendor | null;
  close(): Promise<void>;
}

export type MakeErp = () => Promise<ErpUnderTest>;

async function seeded(temp: TempStore): Promise<{ systems: AllSystems; data: Dataset }> {
  const systems = await openAllSystems(temp.store);
  await seedSystems({ crm: systems.crm.db, psa: systems.psa.db, erp: systems.erp.db }, { scale: 's' });
  return { systems, data: generateDataset({ scale: 's' }) };
}

/** The SQL adapter over a freshly seeded store (SQLite folder or PostgreSQL database). */
export function sqlErp(makeStore: () => Promise<TempStore>): MakeErp {
  return async () => {
    const temp = await makeStore();
    const { systems, data } = await seeded(temp);
    const db = systems.erp.db as unknown as Kysely<ErpTables>;
    return {
      system: sqlErpSystem(db),
      data,
      vendor: null,
      async close() {
        await systems.close();
        await temp.remove();
      },
    };
  };
}

/** The in-memory remote adapter holding the records a seeded SQLite ERP holds; its ledger a local SQLite. */
export function memoryErp(makeStore: () => Promise<TempStore>): MakeErp {
  return async () => {
    const temp = await makeStore();
    const { systems, data } = await seeded(temp);
    const vendor = new InMemoryVendor();
    try {
      await loadVendor(vendor, systems.erp.db as unknown as Kysely<ErpTables>);
    } finally {
      await systems.close();
      await temp.remove();
    }
    const ledger = await openLedger('erp');
    return { system: memoryErpSystem(vendor, ledger), data, vendor, close: () => ledger.destroy() };
  };
}

/** Every ERP record of `db`, as the vendor's records (no external ids, no call history: they were not written by Tessera). */
async function loadVendor(vendor: InMemoryVendor, db: Kysely<ErpTables>): Promise<void> {
  const load = async <R, C extends object>(type: string, table: keyof ErpTables & string, toCanonical: (row: R) => C) => {
    const all = (await db.selectFrom(table).selectAll().execute()) as unknown as R[];
    await loadIntoVendorAs(vendor, type, all.map(toCanonical));
  };
  await load(ERP_OBJECTS.legalEntity, 'legal_entities', rows.legalEntityOf);
  await load(ERP_OBJECTS.period, 'accounting_periods', rows.periodOf);
  await load(ERP_OBJECTS.taxProfile, 'tax_profiles', rows.taxProfileOf);
  await load(ERP_OBJECTS.rateCard, 'rate_cards', rows.rateCardOf);
  await load(ERP_OBJECTS.rateCardLine, 'rate_card_lines', rows.rateCardLineOf);
  await load(ERP_OBJECTS.billingProfile, 'billing_profiles', rows.billingProfileOf);
  await load(ERP_OBJECTS.contractTerms, 'contract_terms', rows.contractTermsOf);
  await load(ERP_OBJECTS.erpProject, 'erp_projects', rows.erpProjectOf);
  await load(ERP_OBJECTS.invoice, 'invoices', rows.invoiceOf);
  await load(ERP_OBJECTS.invoiceLine, 'invoice_lines', rows.invoiceLineOf);
  await load(ERP_OBJECTS.payment, 'payments', rows.paymentOf);
  await load(ERP_OBJECTS.application, 'payment_applications', rows.applicationOf);
  await load(ERP_OBJECTS.schedule, 'revenue_schedules', rows.revenueScheduleOf);
  await load(ERP_OBJECTS.scheduleLine, 'revenue_schedule_lines', rows.revenueLineOf);
  for (const sequence of await db.selectFrom('document_sequences').selectAll().execute()) {
    await vendor.create(ERP_OBJECTS.sequence, stored({ id: sequence.id, lastNumber: sequence.last_number }), sequence.id);
  }
}
