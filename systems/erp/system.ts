import type { Kysely } from 'kysely';
import { defineReferenceSystem } from '../kernel/referenceSystem.ts';
import { createErpLoaders } from './loaders.ts';
import { erpResolvers } from './resolvers.ts';
import { createSqlErpStore } from './sqlStore.ts';
import { erpTables, type ErpTables } from './tables.ts';

export const erpSystem = defineReferenceSystem({
  name: 'erp',
  tables: erpTables,
  resolvers: erpResolvers,
  createStore: (db: Kysely<ErpTables>) => createSqlErpStore(db),
  createLoaders: createErpLoaders,
});
