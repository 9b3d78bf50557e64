/**
 * A subgraph served alone (`TESSERA_SUBGRAPH_ERP_URL`), called over real sockets
 * (docs/resilience.md#connection-pools, #foreign-subgraph-errors): sequential calls reuse one
 * keep-alive connection; concurrent ones open no more than TESSERA_SUBGRAPH_CONNECTIONS; the pool's
 * sockets are closed when the gateway stops. And a foreign subgraph's errors reach the client as
 * SUBGRAPH_ERROR naming it, with its message (`pass`) or a masked one (`mask`).
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import { Secret } from '../../core/config/secret.ts';
import { createLogger } from '../../core/logger.ts';
import { startSystemService, type SystemService } from '../../runtime/systemService.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { outageConfig } from '../harness/subgraphOutage.ts';
import { tempSqliteStore, type TempStore } from '../harness/tempDatabase.ts';

const INTERNAL_SECRET = { kind: 'value', secret: new Secret('c2b7f0e9a41d8e3b6f5a9c0d7e2b4f8a1c6d3e9b') } as const;

/** What the server at the ERP URL does: the real ERP subgraph, or a foreign subgraph's answer. */
let mode: 'erp' | 'foreign' = 'erp';
let foreignBody: unknown = null;
const sockets = new Set<net.Socket>();
let connections = 0;

let temp: TempStore;
let keyDir: string;
let erp: SystemService;
let server: http.Server;
let erpUrl: string;

beforeAll(async () => {
  temp = tempSqliteStore();
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pool-keys-'));
  const config: TesseraConfig = {
    ...loadConfig({ TESSERA_DATA_DIR: keyDir }),
    host: '127.0.0.1',
    store: temp.store,
    internalSecret: INTERNAL_SECRET,
  };
  erp = await startSystemService('erp', { config, logger: createLogger('silent') });
  server = http.createServer((request, response) => {
    if (mode === 'erp') return erp.listener(request, response);
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(foreignBody));
    });
  });
  server.on('connection', (socket: net.Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  erpUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await erp?.stop();
  await temp?.remove();
  fs.rmSync(keyDir, { recursive: true, force: true });
});

/** A gateway whose ERP subgraph is the server above; cost reports off, so envelopes are whole. */
function gatewayWith(env: Record<string, string>): Promise<TestTessera> {
  return startTestTessera({
    scale: 'none',
    config: { ...outageConfig(env), subgraphUrls: { erp: erpUrl }, internalSecret: INTERNAL_SECRET },
  });
}

const QUERY = '{ legalEntities { code } }';

describe('the keep-alive pool', () => {
  let tessera: TestTessera;
  beforeAll(async () => {
    tessera = await gatewayWith({ TESSERA_SUBGRAPH_CONNECTIONS: '2' });
  });
  afterAll(() => tessera?.stop());

  it('sends 20 sequential requests over one connection', async () => {
    mode = 'erp';
    const before = connections;
    for (let i = 0; i < 20; i++) {
      const answer = await tessera.request({ query: QUERY });
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 200, body: { data: { legalEntities: [] } } });
    }
    expect(connections - before).toBeLessThanOrEqual(1);
    expect(sockets.size).toBe(1);
  });

  it('opens at most TESSERA_SUBGRAPH_CONNECTIONS connections for 16 concurrent requests', async () => {
    mode = 'erp';
    const before = connections;
    const answers = await Promise.all(Array.from({ length: 16 }, () => tessera.request({ query: QUERY })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(16).fill(200));
    expect(answers.every((answer) => JSON.stringify(answer.body) === '{"data":{"legalEntities":[]}}')).toBe(true);
    expect(sockets.size).toBeLessThanOrEqual(2);
    expect(connections - before).toBeLessThanOrEqual(2);
  });
});

describe('shutdown', () => {
  it('closes the pool: no connection of the gateway stays open once it stopped', async () => {
    mode = 'erp';
    const tessera = await gatewayWith({});
    expect((await tessera.request({ query: QUERY })).status).toBe(200);
    expect(sockets.size).toBeGreaterThan(0);
    await tessera.stop();
    await vi.waitFor(() => expect(sockets.size).toBe(0), { timeout: 5000 });
  });
});

describe('errors of a foreign subgraph', () => {
  let passing: TestTessera;
  let masking: TestTessera;
  beforeAll(async () => {
    [passing, masking] = await Promise.all([gatewayWith({}), gatewayWith({ TESSERA_SUBGRAPH_ERRORS: 'mask' })]);
  });
  afterAll(async () => {
    await Promise.all([passing?.stop(), masking?.stop()]);
  });

  const FOREIGN = {
    data: { legalEntities: null },
    errors: [
      {
        message: 'ledger exploded at row 42',
        path: ['legalEntities'],
        locations: [{ line: 1, column: 2 }],
        extensions: { code: 'LEDGER_DOWN', stacktrace: ['Error: ledger exploded', '    at post (/srv/ledger.js:42:7)'] },
      },
      { message: 'Cannot read properties of undefined', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      { message: 'no code at all' },
    ],
  };

  it('passes the message on in development, with code SUBGRAPH_ERROR and the subgraph named', async () => {
    mode = 'foreign';
    foreignBody = FOREIGN;
    const answer = await passing.request({ query: QUERY });
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: {
        data: { legalEntities: null },
        errors: [
          {
            message: 'ledger exploded at row 42',
            path: ['legalEntities'],
            extensions: { code: 'SUBGRAPH_ERROR', subgraph: 'erp', serviceName: 'erp' },
          },
          { message: 'Cannot read properties of undefined', extensions: { code: 'SUBGRAPH_ERROR', subgraph: 'erp', serviceName: 'erp' } },
          { message: 'no code at all', extensions: { code: 'SUBGRAPH_ERROR', subgraph: 'erp', serviceName: 'erp' } },
        ],
      },
    });
  });

  it('masks the message with TESSERA_SUBGRAPH_ERRORS=mask (the production default)', async () => {
    mode = 'foreign';
    foreignBody = FOREIGN;
    const masked = { code: 'SUBGRAPH_ERROR', subgraph: 'erp', serviceName: 'erp' };
    const answer = await masking.request({ query: QUERY });
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: {
        data: { legalEntities: null },
        errors: [
          { message: 'The erp subgraph answered with an error.', path: ['legalEntities'], extensions: masked },
          { message: 'The erp subgraph answered with an error.', extensions: masked },
          { message: 'The erp subgraph answered with an error.', extensions: masked },
        ],
      },
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/ledger|row 42|undefined|stacktrace/);
  });

  it('leaves errors with a catalog code as they are, but for a stack trace', async () => {
    mode = 'foreign';
    foreignBody = {
      data: { legalEntities: null },
      errors: [
        {
          message: 'Missing scope erp:read.',
          path: ['legalEntities'],
          extensions: { code: 'FORBIDDEN', stacktrace: ['ForbiddenError: Missing scope', '    at guard (/srv/erp.js:9:3)'] },
        },
      ],
    };
    const answer = await masking.request({ query: QUERY });
    expect(answer.body).toEqual({
      data: { legalEntities: null },
      errors: [{ message: 'Missing scope erp:read.', path: ['legalEntities'], extensions: { code: 'FORBIDDEN', serviceName: 'erp' } }],
    });
  });
});
