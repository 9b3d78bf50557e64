import type { Kysely } from 'kysely';
import { defineReferenceSystem } from '../kernel/referenceSystem.ts';
import { createCrmLoaders } from './loaders.ts';
import { crmResolvers } from './resolvers.ts';
import { createSqlCrmStore } from './sqlStore.ts';
import { crmTables, type CrmTables } from './tables.ts';

export const crmSystem = defineReferenceSystem({
  name: 'crm',
  tables: crmTables,
  resolvers: crmResolvers,
  createStore: (db: Kysely<CrmTables>) => createSqlCrmStore(db),
  createLoaders: createCrmLoaders,
});
