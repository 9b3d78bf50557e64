import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { recordRulesContract, type RecordsDb } from './recordRules.contract.ts';

recordRulesContract(
  'SQLite',
  async () => {
    const db = new Kysely<RecordsDb>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    return { db, close: () => db.destroy() };
  },
  300,
);
