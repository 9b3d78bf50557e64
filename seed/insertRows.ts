/**
 * Bulk insertion of generated rows: multi-row INSERT statements compiled directly to SQL text,
 * because building a Kysely query tree for a hundred thousand rows costs more than inserting
 * them. Table and column names come from the table specs (trusted, lowercase identifiers);
 * every value is a bound parameter.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { TableSpec } from '../systems/kernel/tableSpec.ts';

/**
 * Bound parameters per statement. SQLite's default limit is 32,766 and PostgreSQL's 65,535;
 * staying below the smaller keeps one code path for both engines.
 */
export const MAX_PARAMETERS_PER_STATEMENT = 32_000;

type Placeholders = (count: number, offset: number) => string;

/** `?` for SQLite (and MySQL), `$n` for PostgreSQL: read off the dialect's own compiler. */
export function placeholderStyle(db: Kysely<unknown>): Placeholders {
  const probe = sql`select ${1}`.compile(db).sql;
  if (probe.includes('$1')) return (count, offset) => Array.from({ length: count }, (_, i) => `$${offset + i + 1}`).join(', ');
  return (count) => Array.from({ length: count }, () => '?').join(', ');
}

/**
 * Inserts `rows` into `table` in batches; columns in the spec's order. A column a later migration
 * added is left to its default unless a row carries it, so rows of the first shape go into a store
 * that has not run that migration yet. Returns the row count.
 */
export async function insertRows(
  db: Kysely<unknown>,
  placeholders: Placeholders,
  table: string,
  spec: TableSpec,
  rows: readonly object[],
): Promise<number> {
  const columns = Object.entries(spec.columns)
    .filter(([column, definition]) => definition.since === undefined || rows.some((row) => column in row))
    .map(([column]) => column);
  const batchSize = Math.max(1, Math.floor(MAX_PARAMETERS_PER_STATEMENT / columns.length));
  const head = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values `;
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const row of batch) {
      const record = row as Readonly<Record<string, unknown>>;
      tuples.push(`(${placeholders(columns.length, values.length)})`);
      for (const column of columns) values.push(record[column] ?? spec.columns[column]?.default ?? null);
    }
    await db.executeQuery(CompiledQuery.raw(head + tuples.join(', '), values));
  }
  return rows.length;
}
