/**
 * Opens the SQL database of one reference system: a SQLite file in embedded mode, a PostgreSQL
 * schema when a URL is configured. The same Kysely code runs on both.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import pg from 'pg';
import type { StoreConfig } from '../../core/config/config.ts';

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

/**
 * A second, read-only SQLite connection to the same file, for everything that is not a
 * capability's transaction (resolvers, loaders, other systems' reads). SQLite in WAL mode lets
 * readers run beside the one writer, but Kysely runs one connection's statements one at a time:
 * on a single connection, every read would queue behind any open transaction. `null` for
 * PostgreSQL, whose pool already gives each query its own connection.
 */
export function openReadDatabase<DB>(options: DatabaseOptions): Kysely<DB> | null {
  if (options.store.kind !== 'sqlite') return null;
  const database = new SQLite(path.join(options.store.dataDir, `${options.name}.sqlite`), { readonly: true, fileMustExist: true });
  database.pragma('busy_timeout = 5000');
  const log = options.onQuery;
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), ...(log ? { log } : {}) });
}

const connectionsClosed = new WeakMap<object, () => Promise<void>>();

/** Destroys `db` and, on PostgreSQL, waits until every connection it opened has ended. */
export async function closeDatabase(db: Kysely<unknown>): Promise<void> {
  await db.destroy();
  await connectionsClosed.get(db)?.();
}

export async function openDatabase<DB>(options: DatabaseOptions): Promise<Kysely<DB>> {
  const log = options.onQuery;
  if (options.store.kind === 'sqlite') {
    const file = path.join(options.store.dataDir, `${options.name}.sqlite`);
    privateFiles(options.store.dataDir, [file]);
    const database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    // SQLite gives the -wal and -shm files the database file's mode; these may predate it.
    privateFiles(options.store.dataDir, [`${file}-wal`, `${file}-shm`]);
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    return new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), ...(log ? { log } : {}) });
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
  // An idle pooled connection the server closed (a restart, a failover, a dropped test database)
  // is reported here and already discarded by the pool; the next query opens a new one. Without a
  // listener, Node would treat the event as an uncaught error and stop the process.
  pool.on('error', () => {});
  // pg-pool's end() resolves once it has asked its connections to close, not once they have:
  // `closeDatabase` also waits for each to be gone (so a dropped database finds nobody connected).
  const connections: Promise<void>[] = [];
  pool.on('connect', (client) => connections.push(new Promise((resolve) => client.once('end', () => resolve()))));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) });
  connectionsClosed.set(db, async () => {
    await Promise.all(connections);
  });
  await sql`create schema if not exists ${sql.id(options.name)}`.execute(db);
  return db;
}

/**
 * The data folder 0700 and the given files 0600, created so or tightened when they exist: they hold
 * every system's records, which no other user of the machine may read (issue 11 found 0755 and 0644).
 */
function privateFiles(dataDir: string, files: readonly string[]): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dataDir, 0o700);
  for (const file of files) {
    // `a` creates a missing file with mode 0600 and never truncates an existing one.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
  }
}

/** Prepared statements kept per connection, by SQL text: the same few hundred statements run all day. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The database as Kysely's SQLite driver sees it, with `prepare` answered from a cache: preparing
 * (parsing and planning) a statement costs more than running most of ours. A better-sqlite3
 * statement can be reused as soon as its previous run returned, which is always the case here
 * (the driver runs each statement to completion synchronously; nothing here streams rows with
 * `iterate`, which would hold a statement open). Everything else is the database.
 */
function withStatementCache(database: SQLite.Database): SQLite.Database {
  const statements = new Map<string, SQLite.Statement>();
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (source: string) => {
        let statement = statements.get(source);
        if (statement) {
          statements.delete(source); // re-inserted below: most recently used last
        } else {
          statement = target.prepare(source);
        }
        statements.set(source, statement);
        if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        return statement;
      };
    },
  });
}
