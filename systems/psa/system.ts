import type { Kysely } from 'kysely';
import { defineReferenceSystem } from '../kernel/referenceSystem.ts';
import { createTablesMigration } from '../kernel/tableSpec.ts';
import { psaCanonicalAnswers } from './adapters/sql/canonicalAnswers.ts';
import { createPsaLoaders } from './loaders.ts';
import { psaResolvers } from './resolvers.ts';
import { sqlPsaSystem } from './adapters/sql/sqlSystem.ts';
import { psaTables, type PsaTables } from './adapters/sql/tables.ts';

export const psaSystem = defineReferenceSystem({
  name: 'psa',
  tables: psaTables,
  resolvers: psaResolvers,
  createAdapter: (db: Kysely<PsaTables>, reads: Kysely<PsaTables>) => sqlPsaSystem(db, reads),
  createLoaders: createPsaLoaders,
  upgrades: {
    '0004_psa_canonical_answers': psaCanonicalAnswers,
    // Issue 12 (finance depth): every column and table declared `since: 4` in tables.ts.
    '0005_psa_finance_depth': createTablesMigration(psaTables, 4),
  },
});
