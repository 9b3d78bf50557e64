import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Removes every table of one reference system's store (`tessera seed --reseed`, development only;
 * docs/production.md#seeding): the caller opens the store again, which migrates it from nothing.
 * Tables are dropped rather than emptied because the audit log is append-only (its triggers refuse
 * a delete, as they must for every other path), and dropping a table drops its triggers with it.
 * SQLite: every table of the file, foreign keys off meanwhile. PostgreSQL: the system's schema.
 */
export async function wipeStore(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema;
    // current_schema() is the system's own (search_path); never `public` or nothing, which other things may share.
    if (!schema || schema === 'public') throw new Error(`refusing to wipe the PostgreSQL schema ${JSON.stringify(schema)}`);
    await sql`drop schema ${sql.id(schema)} cascade`.execute(db);
    await sql`create schema ${sql.id(schema)}`.execute(db);
    return;
  }
  const { rows } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    for (const { name } of rows) await sql`drop table if exists ${sql.table(name)}`.execute(db);
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
