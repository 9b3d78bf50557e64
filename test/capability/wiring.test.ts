/** Every reference system gets the capability tables as its second migration. */
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openReferenceSystem } from '../../subgraphs/runtime/openReferenceSystem.ts';
import { SYSTEMS } from '../../subgraphs/systems.ts';
import { tempSqliteStore } from '../harness/tempDatabase.ts';

const temp = tempSqliteStore();
afterAll(() => temp.remove());

describe('capability tables in every reference system', () => {
  it.each(Object.values(SYSTEMS).map((system) => [system.name, system] as const))('%s has 0001 core then 0002 capabilities', (name, system) => {
    expect(Object.keys(system.migrations)).toEqual([`0001_${name}_core`, `0002_${name}_capabilities`]);
  });

  it('creates the tables when a system is opened', async () => {
    const crm = await openReferenceSystem(SYSTEMS.crm, temp.store);
    try {
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(crm.db as Kysely<unknown>);
      expect(tables.rows.map((row) => row.name)).toEqual(expect.arrayContaining(['audit_log', 'idempotency_records', 'outbox_events']));
    } finally {
      await crm.close();
    }
  });
});
