/** What the run-mode root tests share: a key folder, a config over a temp store, a README query. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issueDevToken } from '../../auth/devToken.ts';
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import { FULL_ACCESS } from '../harness/startTestTessera.ts';
import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { readmeExamples } from '../harness/readmeQueries.ts';

/** The README's first example query (a project with its customer, contract, staff, time and invoices). */
export const README_QUERY = readmeExamples()[0]!;

export interface RootFixture {
  readonly config: TesseraConfig;
  /** A config with these variables on top (parsed as `loadConfig` would). */
  withEnv(env: Record<string, string>): TesseraConfig;
  remove(): Promise<void>;
}

/** A fresh temp SQLite store and key folder; the config listens on 127.0.0.1 and seeds nothing. */
export function rootFixture(): RootFixture {
  const temp = tempSqliteStore();
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-root-keys-'));
  const withEnv = (env: Record<string, string>): TesseraConfig => ({
    ...loadConfig({ TESSERA_DATA_DIR: keyDir, ...env }),
    host: '127.0.0.1',
    store: temp.store,
    seedScale: 'none',
  });
  return {
    config: withEnv({}),
    withEnv,
    async remove() {
      await temp.remove();
      fs.rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** POSTs `query` to a gateway with a full-access dev token; the status and parsed body. */
export async function askGateway(port: number, config: TesseraConfig, query: string): Promise<{ status: number; body: unknown }> {
  const token = await issueDevToken({ claims: FULL_ACCESS, ttlSeconds: 600 }, config.auth);
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}
