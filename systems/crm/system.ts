import type { Kysely } from 'kysely';
import { capabilityTables } from '../kernel/capability/tables.ts';
import { changeCaptureTables } from '../kernel/connectors/changeCaptureTables.ts';
import { defineReferenceSystem } from '../kernel/referenceSystem.ts';
import { createTablesMigration } from '../kernel/tableSpec.ts';
import { crmCanonicalAnswers } from './adapters/sql/canonicalAnswers.ts';
import { crmContactSources } from './adapters/sql/contactSources.ts';
import { createCrmLoaders } from './loaders.ts';
import { crmResolvers } from './resolvers.ts';
import { createSqlCrmAdapter } from './adapters/sql/sqlAdapter.ts';
import { crmTables, type CrmTables } from './adapters/sql/tables.ts';

export const crmSystem = defineReferenceSystem({
  name: 'crm',
  tables: crmTables,
  resolvers: crmResolvers,
  createAdapter: (db: Kysely<CrmTables>, reads: Kysely<CrmTables>) => createSqlCrmAdapter(db, reads),
  createLoaders: createCrmLoaders,
  upgrades: {
    '0004_crm_canonical_answers': crmCanonicalAnswers,
    // Opportunity lines name the PSA role they need (role_id).
    '0005_crm_opportunity_line_roles': createTablesMigration(crmTables, 5),
    // Issue 12 (finance depth): every column and table declared `since: 6` in tables.ts.
    '0006_crm_finance_depth': createTablesMigration(crmTables, 6),
    // Issue 13 (connectors): where a vendor CRM's change capture keeps its high-water marks (docs/connectors.md#change-capture).
    '0007_crm_connector_change_capture': createTablesMigration(changeCaptureTables),
    // The leases and attempts of remote capability calls: the CRM's database is the ledger of a vendor CRM (docs/connectors.md#wiring).
    '0008_crm_remote_ledger': createTablesMigration(capabilityTables, 2),
    // Issue 13 (crosswalk): contacts name their source CRM and id, read as externalRefs (docs/crosswalk.md#canonical-ids-and-external-references).
    '0009_crm_contact_sources': crmContactSources,
    // Issue 13 (crosswalk): the account's tax id, a match rule of the candidates (docs/crosswalk.md#match-rules).
    '0010_crm_account_tax_ids': createTablesMigration(crmTables, 10),
  },
});
