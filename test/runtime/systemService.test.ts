/**
 * The system service root (`tessera serve <name>`): one system's subgraph alone on its port,
 * answering only calls that carry the gateway's signed principal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../../auth/internalPrincipal.ts';
import { loadInternalSecret } from '../../auth/loadInternalSecret.ts';
import { principalFromClaims } from '../../auth/principal.ts';
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import { createLogger } from '../../core/logger.ts';
import { startSystemService, type SystemService } from '../../runtime/systemService.ts';
import { tempSqliteStore, type TempStore } from '../harness/tempDatabase.ts';

let temp: TempStore;
let keyDir: string;
let config: TesseraConfig;
let service: SystemService;
let url: string;

beforeAll(async () => {
  temp = tempSqliteStore();
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-service-keys-'));
  config = { ...loadConfig({ TESSERA_DATA_DIR: keyDir }), host: '127.0.0.1', store: temp.store };
  service = await startSystemService('crm', { config, logger: createLogger('silent') });
  url = `http://127.0.0.1:${await service.listen(0)}`;
});
afterAll(async () => {
  await service?.stop();
  await temp?.remove();
  fs.rmSync(keyDir, { recursive: true, force: true });
});

const QUERY = JSON.stringify({ query: '{ accounts { totalCount } }' });
const ADMIN = principalFromClaims({ sub: 'alice', scope: 'crm:read', legal_entities: '*' });

async function call(headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: QUERY,
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('a system service', () => {
  it('answers a call that carries the gateway-signed principal', async () => {
    const principal = signInternalPrincipal(ADMIN, await loadInternalSecret(config.internalSecret), { requestId: 'req-1' });
    expect(await call({ [INTERNAL_PRINCIPAL_HEADER]: principal })).toEqual({
      status: 200,
      body: { data: { accounts: { totalCount: 0 } } },
    });
  });

  it('refuses a call without it (401), before any resolver', async () => {
    expect(await call()).toEqual({
      status: 401,
      body: { errors: [{ message: 'Subgraphs answer only the gateway (missing).', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });

  it('refuses a principal signed with another secret (401)', async () => {
    const forged = signInternalPrincipal(ADMIN, 'f'.repeat(40), { requestId: 'req-2' });
    expect(await call({ [INTERNAL_PRINCIPAL_HEADER]: forged })).toEqual({
      status: 401,
      body: { errors: [{ message: 'Subgraphs answer only the gateway (bad-signature).', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });

  it('is live', async () => {
    const response = await fetch(`${url}/health/live`);
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 200, body: { status: 'live' } });
  });

  it('refuses to start over a variable that names no system', async () => {
    const typo = { ...config, subgraphUrls: { crn: 'http://crn/graphql' } };
    await expect(startSystemService('crm', { config: typo, logger: createLogger('silent') })).rejects.toThrow(
      new TypeError('TESSERA_SUBGRAPH_CRN_URL names no system; the systems are crm, psa, erp, integration'),
    );
  });
});
