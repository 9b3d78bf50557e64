/**
 * The CRM records the port contract suites start from: the generated demo dataset (scale `s`) as
 * canonical records, and a way to load them into each adapter's system of record.
 */
import type { Kysely } from 'kysely';
import { generateDataset } from '../../../../seed/generate.ts';
import { accountOf, contactOf, contractOf, opportunityLineOf, opportunityOf } from '../../../../systems/crm/adapters/sql/rows.ts';
import { accountRow, contactRow, contractRow, opportunityLineRow, opportunityRow } from '../../../../systems/crm/adapters/sql/rows.ts';
import { crmTables, type ContractRow, type CrmTables, type OpportunityRow } from '../../../../systems/crm/adapters/sql/tables.ts';
import type { Account, Contact, Contract, Opportunity, OpportunityLine } from '../../../../systems/crm/ports/types.ts';
import { insertInBatches, loadIntoVendorAs } from '../../../harness/portData.ts';
import { asStored } from '../../../harness/stored.ts';
import type { InMemoryVendor } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import { OBJECT } from '../../../../systems/crm/adapters/memory/objects.ts';

export interface CrmData {
  readonly accounts: readonly Account[];
  readonly contacts: readonly Contact[];
  readonly opportunities: readonly Opportunity[];
  readonly lines: readonly OpportunityLine[];
  readonly contracts: readonly Contract[];
}

let cached: CrmData | null = null;

export function crmData(): CrmData {
  if (cached) return cached;
  const { crm } = generateDataset({ scale: 's' });
  cached = {
    accounts: asStored(crmTables.accounts, crm.accounts).map(accountOf),
    contacts: asStored(crmTables.contacts, crm.contacts).map(contactOf),
    opportunities: (asStored(crmTables.opportunities, crm.opportunities) as OpportunityRow[]).map(opportunityOf),
    lines: asStored(crmTables.opportunity_lines, crm.opportunity_lines).map(opportunityLineOf),
    contracts: (asStored(crmTables.contracts, crm.contracts) as ContractRow[]).map(contractOf),
  };
  return cached;
}

/** Loads `data` into a migrated CRM database, parents first. */
export async function loadIntoSql(db: Kysely<CrmTables>, data: CrmData): Promise<void> {
  const insert = <T extends keyof CrmTables & string>(table: T, rows: readonly CrmTables[T][]) => insertInBatches(db, table, rows);
  await insert('accounts', data.accounts.map(accountRow));
  await insert('contacts', data.contacts.map(contactRow));
  await insert('opportunities', data.opportunities.map(opportunityRow));
  await insert('opportunity_lines', data.lines.map(opportunityLineRow));
  await insert('contracts', data.contracts.map(contractRow));
}

/** Loads `data` into the vendor stand-in, as records nobody's call created. */
export async function loadIntoVendor(vendor: InMemoryVendor, data: CrmData): Promise<void> {
  const load = <T>(type: string, records: readonly T[]) => loadIntoVendorAs(vendor, type, records);
  await load(OBJECT.account, data.accounts);
  await load(OBJECT.contact, data.contacts);
  await load(OBJECT.opportunity, data.opportunities);
  await load(OBJECT.line, data.lines);
  await load(OBJECT.contract, data.contracts);
}
