/**
 * The CRM read port on SQL (SQLite or PostgreSQL through Kysely), bound to a record scope: the
 * scope is a WHERE clause of every statement (docs/model.md#record-policies), so batches, pages and
 * counts never see a hidden row. `db` is the read connection, or the capability's transaction.
 */
import type { Kysely } from 'kysely';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import type { Page } from '../../../kernel/pagination.ts';
import { containsIgnoreCase, inScope, keysetPage, noKeys } from '../../../kernel/sqlPage.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import { accountOf, contactOf, contractOf, opportunityLineOf, opportunityOf } from './rows.ts';
import type { CrmTables } from './tables.ts';
import { amendmentsByContractIds } from './amendments.ts';
import { createSqlCrmMetricReads } from './metricReads.ts';

const DEAL = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;

export function createSqlCrmReads(db: Kysely<CrmTables>, scope: RecordScope): CrmReadPort {
  const accounts = () => inScope(db.selectFrom('accounts'), scope, { account: 'id' });
  const contacts = () => inScope(db.selectFrom('contacts'), scope, { account: 'account_id' });
  const opportunities = () => inScope(db.selectFrom('opportunities'), scope, DEAL);
  const contracts = () => inScope(db.selectFrom('contracts'), scope, DEAL);
  return {
    ...createSqlCrmMetricReads(db, scope),
    accountsByIds: async (ids) => (noKeys(ids) ? [] : (await accounts().selectAll().where('id', 'in', ids).execute()).map(accountOf)),
    accountsPage: async (filter, page) => {
      let query = accounts();
      if (filter.type?.length) query = query.where('type', 'in', filter.type);
      if (filter.nameContains) query = query.where(containsIgnoreCase('name', filter.nameContains));
      return mapPage(await keysetPage(query, page), accountOf);
    },
    contactsByIds: async (ids) => (noKeys(ids) ? [] : (await contacts().selectAll().where('id', 'in', ids).execute()).map(contactOf)),
    contactsByAccountIds: async (ids) =>
      noKeys(ids) ? [] : (await contacts().selectAll().where('account_id', 'in', ids).orderBy('id').execute()).map(contactOf),
    opportunitiesByIds: async (ids) =>
      noKeys(ids) ? [] : (await opportunities().selectAll().where('id', 'in', ids).execute()).map(opportunityOf),
    opportunitiesByAccountIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await opportunities().selectAll().where('account_id', 'in', ids).orderBy('close_date', 'desc').orderBy('id').execute()).map(
            opportunityOf,
          ),
    opportunitiesPage: async (filter, page) => {
      let query = opportunities();
      if (filter.stage?.length) query = query.where('stage', 'in', filter.stage);
      if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
      return mapPage(await keysetPage(query, page), opportunityOf);
    },
    // A line is visible with its opportunity.
    opportunityLinesByOpportunityIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await inScope(
              db.selectFrom('opportunity_lines').innerJoin('opportunities', 'opportunities.id', 'opportunity_lines.opportunity_id'),
              scope,
              { legalEntity: 'opportunities.legal_entity_id', account: 'opportunities.account_id' },
            )
              .selectAll('opportunity_lines')
              .where('opportunity_lines.opportunity_id', 'in', ids)
              .orderBy('opportunity_lines.id')
              .execute()
          ).map(opportunityLineOf),
    contractsByIds: async (ids) => (noKeys(ids) ? [] : (await contracts().selectAll().where('id', 'in', ids).execute()).map(contractOf)),
    contractsByAccountIds: async (ids) =>
      noKeys(ids)
        ? []
        : (await contracts().selectAll().where('account_id', 'in', ids).orderBy('start_date', 'desc').orderBy('id').execute()).map(
            contractOf,
          ),
    contractsByOpportunityIds: async (ids) =>
      noKeys(ids) ? [] : (await contracts().selectAll().where('opportunity_id', 'in', ids).orderBy('id').execute()).map(contractOf),
    contractsPage: async (filter, page) => {
      let query = contracts();
      if (filter.status?.length) query = query.where('status', 'in', filter.status);
      if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
      return mapPage(await keysetPage(query, page), contractOf);
    },
    contractAmendmentsByContractIds: (ids) => amendmentsByContractIds(db, scope, ids),
  };
}

function mapPage<R, T>(page: Page<R>, map: (row: R) => T): Page<T> {
  return { rows: page.rows.map(map), total: page.total };
}
