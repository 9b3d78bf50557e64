import type { Kysely } from 'kysely';
import { defineReferenceSystem } from '../kernel/referenceSystem.ts';
import { createPsaLoaders } from './loaders.ts';
import { psaResolvers } from './resolvers.ts';
import { createSqlPsaStore } from './sqlStore.ts';
import { psaTables, type PsaTables } from './tables.ts';

export const psaSystem = defineReferenceSystem({
  name: 'psa',
  tables: psaTables,
  resolvers: psaResolvers,
  createStore: (db: Kysely<PsaTables>) => createSqlPsaStore(db),
  createLoaders: createPsaLoaders,
});
