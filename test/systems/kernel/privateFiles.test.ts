/**
 * The SQLite stores are private to the user running Tessera (issue 11): the data folder is 0700
 * and every database file (with its -wal and -shm) 0600, whether openDatabase creates them or
 * finds them from an earlier, looser release. The dev key files already are (auth/keys/devKeyFile.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../systems/kernel/database.ts';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

function tempRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-private-'));
  roots.push(root);
  return root;
}

/** The permission bits of each path, by its name. */
function modes(dataDir: string, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, (fs.statSync(path.join(dataDir, name)).mode & 0o777).toString(8)]));
}

async function openAndWrite(dataDir: string): Promise<void> {
  const db = await openDatabase({ store: { kind: 'sqlite', dataDir }, name: 'crm' });
  try {
    await sql`create table if not exists t (id integer primary key)`.execute(db);
    await sql`insert into t default values`.execute(db);
    expect(modes(dataDir, ['.', 'crm.sqlite', 'crm.sqlite-wal', 'crm.sqlite-shm'])).toEqual({
      '.': '700',
      'crm.sqlite': '600',
      'crm.sqlite-wal': '600',
      'crm.sqlite-shm': '600',
    });
  } finally {
    await closeDatabase(db);
  }
}

describe.skipIf(process.platform === 'win32')('SQLite files', () => {
  it('creates the data folder 0700 and the database files 0600, under a umask that would allow more', async () => {
    const previous = process.umask(0o022);
    try {
      await openAndWrite(path.join(tempRoot(), 'nested', 'data'));
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a folder and a database file left world-readable by an earlier release, keeping their content', async () => {
    const dataDir = path.join(tempRoot(), 'data');
    fs.mkdirSync(dataDir, { mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const first = await openDatabase({ store: { kind: 'sqlite', dataDir }, name: 'crm' });
    await sql`create table t (id integer primary key)`.execute(first);
    await closeDatabase(first);
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, 'crm.sqlite'), 0o644);
    await openAndWrite(dataDir);
    const again = await openDatabase({ store: { kind: 'sqlite', dataDir }, name: 'crm' });
    try {
      const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(again);
      expect(rows).toEqual([{ n: 1 }]);
    } finally {
      await closeDatabase(again);
    }
  });
});
