/**
 * The CRM records the port contract suites start from: the generated demo dataset (scale `s`) as
 * canonical records, and a way to load them into each adapter's system of record.
 */
import type { Kysely } from 'kysely';
import { generateDataset } from '../../../../seed/generate.ts';
import { accountOf, contactOf, contractOf, opportunityLineOf, opportunityOf } from '../../../../systems/crm/adapters/sql/rows.ts';
import { accountRow, contactRow, contractRow, opportunityLineRow, opportunityRow } from '../../../../systems/crm/adapters/sql/rows.ts';
import {
  crmTables,
  type AccountRow,
  type ContactRow,
  type ContractRow,
  type CrmTables,
  type OpportunityRow,
} from '../../../../systems/crm/adapters/sql/tables.ts';
import type { Account, Contact, Contract, ContractAmendment, Opportunity, OpportunityLine } from '../../../../systems/crm/ports/types.ts';
import { amendmentRow } from '../../../../systems/crm/adapters/sql/amendments.ts';
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
  /** The seed holds none: one approved amendment of the first contract, so the amendment reads have a record to find. */
  readonly amendments: readonly ContractAmendment[];
}

let cached: CrmData | null = null;

export function crmData(): CrmData {
  if (cached) return cached;
  const { crm } = generateDataset({ scale: 's' });
  const contracts = (asStored(crmTables.contracts, crm.contracts) as ContractRow[]).map(contractOf);
  const amended = contracts[0]!;
  cached = {
    accounts: (asStored(crmTables.accounts, crm.accounts) as AccountRow[]).map(accountOf),
    contacts: (asStored(crmTables.contacts, crm.contacts) as ContactRow[]).map(contactOf),
    opportunities: (asStored(crmTables.opportunities, crm.opportunities) as OpportunityRow[]).map(opportunityOf),
    lines: asStored(crmTables.opportunity_lines, crm.opportunity_lines).map(opportunityLineOf),
    contracts,
    amendments: [
      {
        id: `ctra_${amended.id.slice(4)}_2`,
        contractId: amended.id,
        kind: 'CHANGE_ORDER',
        status: 'APPROVED',
        fromVersion: amended.version - 1,
        toVersion: amended.version,
        reason: 'Scope added in the seed fixture',
        requestedBy: 'alice',
        requestedAt: '2026-01-05T09:00:00.000Z',
        approvedBy: 'bob',
        approvedAt: '2026-01-06T09:00:00.000Z',
        closedBy: null,
        closedAt: null,
        closeReason: null,
        previousValue: amended.totalContractValue,
        newValue: amended.totalContractValue,
        previousEndDate: amended.endDate,
        newEndDate: amended.endDate,
        lineChanges: [],
      },
    ],
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
  await insert('contract_amendments', data.amendments.map(amendmentRow));
}

/** Loads `data` into the vendor stand-in, as records nobody's call created. */
export async function loadIntoVendor(vendor: InMemoryVendor, data: CrmData): Promise<void> {
  const load = <T>(type: string, records: readonly T[]) => loadIntoVendorAs(vendor, type, records);
  await load(OBJECT.account, data.accounts);
  await load(OBJECT.contact, data.contacts);
  await load(OBJECT.opportunity, data.opportunities);
  await load(OBJECT.line, data.lines);
  await load(OBJECT.contract, data.contracts);
  await load(OBJECT.amendment, data.amendments);
}
