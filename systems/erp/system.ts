import type { Kysely } from 'kysely';
import { defineReferenceSystem } from '../kernel/referenceSystem.ts';
import { createTablesMigration } from '../kernel/tableSpec.ts';
import { erpCanonicalAnswers } from './adapters/sql/canonicalAnswers.ts';
import { sqlErpSystem } from './adapters/sql/sqlAdapter.ts';
import { erpTables, type ErpTables } from './adapters/sql/tables.ts';
import { createErpLoaders } from './loaders.ts';
import { erpResolvers } from './resolvers.ts';

export const erpSystem = defineReferenceSystem({
  name: 'erp',
  tables: erpTables,
  resolvers: erpResolvers,
  createAdapter: (db: Kysely<ErpTables>, reads: Kysely<ErpTables>) => sqlErpSystem(db, reads),
  createLoaders: createErpLoaders,
  upgrades: {
    '0004_erp_canonical_answers': erpCanonicalAnswers,
    // Billing profiles are versioned: credit holds are placed and released by capability.
    '0005_erp_billing_profile_versions': createTablesMigration(erpTables, 5),
    // Issue 12 (finance depth): every column and table declared `since: 6` in tables.ts.
    '0006_erp_finance_depth': createTablesMigration(erpTables, 6),
  },
});
