import type { Kysely } from 'kysely';
import { containsIgnoreCase, inScope, keysetPage, noKeys } from '../kernel/sqlPage.ts';
import type { CrmStore } from './store.ts';
import type { CrmTables } from './tables.ts';

/** The CRM store on SQL (SQLite or PostgreSQL through Kysely). */
export function createSqlCrmStore(db: Kysely<CrmTables>): CrmStore {
  return {
    accountsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('accounts').selectAll().where('id', 'in', ids).execute()),
    accountsPage: (filter, page, scope) => {
      let query = inScope(db.selectFrom('accounts'), scope, { account: 'id' });
      if (filter.type?.length) query = query.where('type', 'in', filter.type);
      if (filter.nameContains) query = query.where(containsIgnoreCase('name', filter.nameContains));
      return keysetPage(query, page);
    },
    contactsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('contacts').selectAll().where('id', 'in', ids).execute()),
    contactsByAccountIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('contacts').selectAll().where('account_id', 'in', ids).orderBy('id').execute(),
    opportunitiesByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('opportunities').selectAll().where('id', 'in', ids).execute()),
    opportunitiesByAccountIds: async (ids) =>
      noKeys(ids)
        ? []
        : db.selectFrom('opportunities').selectAll().where('account_id', 'in', ids).orderBy('close_date', 'desc').orderBy('id').execute(),
    opportunitiesPage: (filter, page, scope) => {
      let query = inScope(db.selectFrom('opportunities'), scope, { legalEntity: 'legal_entity_id', account: 'account_id' });
      if (filter.stage?.length) query = query.where('stage', 'in', filter.stage);
      if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
      return keysetPage(query, page);
    },
    opportunityLinesByOpportunityIds: async (ids) =>
      noKeys(ids) ? [] : db.selectFrom('opportunity_lines').selectAll().where('opportunity_id', 'in', ids).orderBy('id').execute(),
    contractsByIds: async (ids) => (noKeys(ids) ? [] : db.selectFrom('contracts').selectAll().where('id', 'in', ids).execute()),
    contractsByAccountIds: async (ids) =>
      noKeys(ids)
        ? []
        : db.selectFrom('contracts').selectAll().where('account_id', 'in', ids).orderBy('start_date', 'desc').orderBy('id').execute(),
    contractsPage: (filter, page, scope) => {
      let query = inScope(db.selectFrom('contracts'), scope, { legalEntity: 'legal_entity_id', account: 'account_id' });
      if (filter.status?.length) query = query.where('status', 'in', filter.status);
      if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
      return keysetPage(query, page);
    },
  };
}
