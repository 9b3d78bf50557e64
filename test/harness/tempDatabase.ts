import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { StoreConfig } from '../../core/config/config.ts';

/** A store that exists only for one test file: a temp SQLite folder, or a fresh PostgreSQL database. */
export interface TempStore {
  readonly store: StoreConfig;
  remove(): Promise<void>;
}

export function tempSqliteStore(): TempStore {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  return { store: { kind: 'sqlite', dataDir }, remove: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

/** Creates `tessera_test_<random>` on the server at `serverUrl`; `remove` drops it. */
export async function tempPostgresStore(serverUrl: string): Promise<TempStore> {
  const name = `tessera_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    store: { kind: 'postgres', url: url.toString() },
    async remove() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
