/**
 * The CRM read port over a Salesforce org (docs/connectors.md#reads): SOQL with the caller's record
 * scope pushed into the WHERE clause (`Tessera_Legal_Entity__c IN (...)`, the account's id IN (...)),
 * and checked again on every canonical record with the same rule the SQL adapter applies
 * (`isVisible`), so a hidden record reads exactly like a missing one. Lookups by many ids are
 * `IN` lists sized to the URL limit; lists are read whole (every page of `queryMore`), then ordered
 * as the SQL adapter orders them (recordOrder.ts); pages are read at the org (keysetPages.ts).
 */
import { restricts, type RecordScope } from '../../../../policies/recordScope.ts';
import { connectorCall } from '../../../kernel/connectors/connectorFailure.ts';
import { isVisible } from '../../../kernel/visibleRows.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import type { Contract, Opportunity } from '../../ports/types.ts';
import { createMemoryCrmMetricReads } from '../memory/memoryMetrics.ts';
import { byContractVersion, byId, latestFirst } from '../recordOrder.ts';
import { currentView, type CallView } from './callView.ts';
import { nativeIdOf, picklist, type SfRecord } from './fieldCodecs.ts';
import { pageAtOrg, whereClause } from './keysetPages.ts';
import type { ObjectMap } from './objectMaps.ts';
import type { SalesforceOrg } from './salesforceOrg.ts';
import { containsPattern, literal } from './soql.ts';

const TYPE = picklist('Type');

const DEAL = {
  legalEntity: (deal: Opportunity | Contract) => deal.legalEntityId,
  account: (deal: Opportunity | Contract) => deal.accountId,
};

export function createSalesforceCrmReads(org: SalesforceOrg, scope: RecordScope, view: CallView = currentView): CrmReadPort {
  const { maps, soql, idField } = org;
  const read = <T>(run: () => Promise<T>) => connectorCall('crm', run);

  /** The scope as SOQL conditions; null when the scope sees none of the object's records. */
  const scopeWhere = (map: ObjectMap<{ id: string }>): string[] | null => {
    const conditions: string[] = [];
    if (map.scoped.legalEntity && restricts(scope, 'legalEntity')) {
      const codes = (scope.legalEntity ?? []).map((id) => id.replace(/^le_/, ''));
      if (codes.length === 0) return null;
      conditions.push(`${map.scoped.legalEntity} IN (${codes.map(literal).join(',')})`);
    }
    if (map.scoped.account && restricts(scope, 'account')) {
      const ids = scope.account ?? [];
      if (ids.length === 0) return null;
      conditions.push(idCondition(map.scoped.account.external, map.scoped.account.native, 'acc_', ids));
    }
    return conditions;
  };

  /**
   * What the caller reads of `map` under `filters`: the SOQL conditions, the scope's ANDed in (null
   * when it sees none of the records), and each query record as `view` shows it and the scope sees it.
   */
  const query = <T extends { id: string }>(map: ObjectMap<T>, filters: readonly string[], visible: (record: T) => boolean) => {
    const scoped = scopeWhere(map as unknown as ObjectMap<{ id: string }>);
    return {
      map,
      where: scoped === null ? null : [...scoped, ...filters],
      accept: (record: SfRecord): T | null => {
        const seen = view(record, map.read(record));
        return seen !== null && visible(seen) ? seen : null;
      },
    };
  };

  /** The canonical records of `map` matching `filters`, as the caller reads them (query). */
  const select = async <T extends { id: string }>(
    map: ObjectMap<T>,
    filters: readonly string[],
    visible: (record: T) => boolean,
  ): Promise<T[]> => {
    const { where, accept } = query(map, filters, visible);
    if (where === null) return [];
    const records = await read(() => soql.all(`SELECT ${map.select.join(', ')} FROM ${map.object}${whereClause(where)}`));
    return records.flatMap((record) => accept(record) ?? []);
  };

  /** The records of `map` whose reference at (`external`, `native`) is one of `ids` (canonical ids with `prefix`), in IN lists sized to the URL. */
  const selectIn = async <T extends { id: string }>(
    map: ObjectMap<T>,
    field: { readonly external: string; readonly native: string; readonly prefix: string },
    ids: readonly string[],
    visible: (record: T) => boolean,
  ): Promise<T[]> => {
    if (ids.length === 0) return [];
    const native = ids.flatMap((id) => nativeIdOf(field.prefix, id) ?? []);
    const external = ids.filter((id) => nativeIdOf(field.prefix, id) === null);
    const scoped = scopeWhere(map as unknown as ObjectMap<{ id: string }>);
    if (scoped === null) return [];
    const base = `SELECT ${map.select.join(', ')} FROM ${map.object} WHERE `;
    const and = scoped.map((c) => ` AND (${c})`).join('');
    const records = await read(async () => [
      ...(await soql.allIn(external, (list) => `${base}${field.external} IN (${list})${and}`)),
      ...(await soql.allIn(native, (list) => `${base}${field.native} IN (${list})${and}`)),
    ]);
    const { accept } = query(map, [], visible);
    const unique = new Map<string, T>();
    for (const record of records) {
      const seen = accept(record);
      if (seen !== null) unique.set(seen.id, seen);
    }
    return [...unique.values()];
  };
  const byOwnId = { external: idField, native: 'Id' };
  const byAccount = { external: `Account.${idField}`, native: 'AccountId', prefix: 'acc_' };
  const visibleAccount = isVisible(scope, { account: (account: { id: string }) => account.id });
  const visibleContact = isVisible(scope, { account: (contact: { accountId: string }) => contact.accountId });
  const visibleDeal = isVisible(scope, DEAL);
  const opportunities = (where: readonly string[] = []) => select(maps.opportunity, where, visibleDeal);
  const opportunitiesByIds = (ids: readonly string[]) => selectIn(maps.opportunity, { ...byOwnId, prefix: 'opp_' }, ids, visibleDeal);
  const contractsByIds = (ids: readonly string[]) => selectIn(maps.contract, { ...byOwnId, prefix: 'ctr_' }, ids, visibleDeal);

  return {
    ...createMemoryCrmMetricReads(() => opportunities(['IsClosed = false'])),
    accountsByIds: async (ids) => byId(await selectIn(maps.account, { ...byOwnId, prefix: 'acc_' }, ids, visibleAccount)),
    accountsPage: (filter, request) => {
      const where = [
        ...(filter.type?.length ? [`Type IN (${filter.type.map((type) => literal(TYPE.write(type).Type as string)).join(',')})`] : []),
        ...(filter.nameContains ? [`Name LIKE ${containsPattern(filter.nameContains)}`] : []),
      ];
      return read(() => pageAtOrg(org, query(maps.account, where, visibleAccount), request));
    },
    contactsByIds: async (ids) => byId(await selectIn(maps.contact, { ...byOwnId, prefix: 'con_' }, ids, visibleContact)),
    contactsByAccountIds: async (ids) => byId(await selectIn(maps.contact, byAccount, ids, visibleContact)),
    opportunitiesByIds: async (ids) => byId(await opportunitiesByIds(ids)),
    opportunitiesByAccountIds: async (ids) =>
      latestFirst(await selectIn(maps.opportunity, byAccount, ids, visibleDeal), (o) => o.closeDate),
    opportunitiesPage: (filter, request) => {
      const where = [
        ...(filter.accountId ? [idCondition(byAccount.external, byAccount.native, 'acc_', [filter.accountId])] : []),
        ...(filter.stage?.length ? [org.stages.whereStage(filter.stage)] : []),
      ];
      return read(() => pageAtOrg(org, query(maps.opportunity, where, visibleDeal), request));
    },
    opportunityLinesByOpportunityIds: async (ids) => {
      // A line is visible with its opportunity.
      const visible = (await opportunitiesByIds(ids)).map((o) => o.id);
      const lines = await selectIn(
        maps.line,
        { external: `Opportunity.${idField}`, native: 'OpportunityId', prefix: 'opp_' },
        visible,
        () => true,
      );
      return byId(lines);
    },
    contractsByIds: async (ids) => byId(await contractsByIds(ids)),
    contractsByAccountIds: async (ids) => latestFirst(await selectIn(maps.contract, byAccount, ids, visibleDeal), (c) => c.startDate),
    contractsByOpportunityIds: async (ids) =>
      byId(
        await selectIn(
          maps.contract,
          { external: 'Tessera_Opportunity_Id__c', native: 'Tessera_Opportunity_Id__c', prefix: '\u0000' },
          ids,
          visibleDeal,
        ),
      ),
    contractsPage: (filter, request) => {
      const where = [
        ...(filter.status?.length ? [`Tessera_Status__c IN (${filter.status.map(literal).join(',')})`] : []),
        ...(filter.accountId ? [idCondition(byAccount.external, byAccount.native, 'acc_', [filter.accountId])] : []),
      ];
      return read(() => pageAtOrg(org, query(maps.contract, where, visibleDeal), request));
    },
    contractAmendmentsByContractIds: async (ids) => {
      const visible = (await contractsByIds(ids)).map((c) => c.id);
      return byContractVersion(
        await selectIn(maps.amendment, { external: `Contract__r.${idField}`, native: 'Contract__c', prefix: 'ctr_' }, visible, () => true),
      );
    },
  };
}

/** `ids` (canonical, `prefix`) as a condition on the external-id path or the Salesforce id, whichever each id is made of. */
function idCondition(external: string, native: string, prefix: string, ids: readonly string[]): string {
  const sfIds = ids.flatMap((id) => nativeIdOf(prefix, id) ?? []);
  const ours = ids.filter((id) => nativeIdOf(prefix, id) === null);
  const parts = [
    ...(ours.length ? [`${external} IN (${ours.map(literal).join(',')})`] : []),
    ...(sfIds.length ? [`${native} IN (${sfIds.map(literal).join(',')})`] : []),
  ];
  return parts.join(' OR ');
}
