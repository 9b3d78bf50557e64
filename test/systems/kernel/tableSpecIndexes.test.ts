/**
 * An index declared `{ columns, since }` is created by migration `since` on a table an earlier
 * migration made (an upgraded database), and with the table when the table itself is that recent.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { column as c, createTablesMigration, type TableSpec } from '../../../systems/kernel/tableSpec.ts';

const spec = {
  entries: {
    columns: { id: c.id, day: c.text, hours_e2: c.big, note: c.later(2, c.optionalText) },
    indexes: [['day'], { columns: ['note', 'hours_e2'], since: 2 }],
  },
  later_table: {
    since: 2,
    columns: { id: c.id, day: c.text },
    indexes: [{ columns: ['day'], since: 2 }],
  },
} satisfies Record<string, TableSpec>;

async function indexesAfter(steps: readonly number[]): Promise<string[]> {
  const database = new SQLite(':memory:');
  const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
  for (const step of steps) await createTablesMigration(spec, step).up(db);
  const names = database
    .prepare(`select name from sqlite_master where type = 'index' and name like '%_idx' order by name`)
    .all()
    .map((row) => (row as { name: string }).name);
  await db.destroy();
  return names;
}

describe('tableSpec indexes', () => {
  it('creates a first-migration index with its table and a later one only at its migration', async () => {
    expect(await indexesAfter([1])).toEqual(['entries_day_idx']);
    expect(await indexesAfter([1, 2])).toEqual(['entries_day_idx', 'entries_note_hours_e2_idx', 'later_table_day_idx']);
  });
});
