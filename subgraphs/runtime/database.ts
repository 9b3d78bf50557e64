/**
 * Opens the SQL database of one reference system: a SQLite file in embedded mode, a PostgreSQL
 * schema when a URL is configured. The same Kysely code runs on both.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { StoreConfig } from '../../gateway/config.ts';

export interface DatabaseOptions {
  readonly store: StoreConfig;
  /** SQLite file stem, or PostgreSQL schema name. */
  readonly name: string;
  /** Called once per executed SQL statement (statement counting, slow-query logs). */
  readonly onQuery?: (event: LogEvent) => void;
}

// PostgreSQL returns int8 and numeric as strings to protect precision. Every such column here
// holds an integer well inside Number.MAX_SAFE_INTEGER (amounts are e4-scaled, see decimal.ts),
// and dates are kept as ISO strings on both engines.
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_DATE = 1082;
const pgTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === PG_INT8 || oid === PG_NUMERIC) return (value: string) => Number(value);
    if (oid === PG_DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openDatabase<DB>(options: DatabaseOptions): Promise<Kysely<DB>> {
  const log = options.onQuery;
  if (options.store.kind === 'sqlite') {
    fs.mkdirSync(options.store.dataDir, { recursive: true });
    const file = path.join(options.store.dataDir, `${options.name}.sqlite`);
    const database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    return new Kysely<DB>({ dialect: new SqliteDialect({ database }), ...(log ? { log } : {}) });
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(options.name)) {
    throw new TypeError(`invalid PostgreSQL schema name: ${options.name}`);
  }
  const pool = new pg.Pool({
    connectionString: options.store.url,
    max: 10,
    types: pgTypes,
    options: `-c search_path=${options.name}`,
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
  await sql`create schema if not exists ${sql.id(options.name)}`.execute(db);
  return db;
}
