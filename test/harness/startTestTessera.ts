import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { LogEvent } from 'kysely';
import { loadConfig, type SeedScale, type TesseraConfig } from '../../core/config/config.ts';
import { startEmbedded, type Embedded, type EmbeddedOptions } from '../../runtime/embedded.ts';
import type { SystemName } from '../../systems/systems.ts';
import { createLogger } from '../../core/logger.ts';
import { issueDevToken } from '../../auth/devToken.ts';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { logSink } from './logSink.ts';
import { tempSqliteStore, type TempStore } from './tempDatabase.ts';

export interface TestTesseraOptions {
  /** Demo data to seed (default `s`). */
  readonly scale?: SeedScale | 'none';
  /** Where the reference systems live (default: a fresh temp SQLite folder). */
  readonly store?: TempStore;
  readonly onQuery?: (system: SystemName, event: LogEvent) => void;
  readonly wrapFetcher?: (fetcher: Fetcher) => Fetcher;
  readonly config?: Partial<TesseraConfig>;
  readonly jwksFetch?: typeof fetch;
  readonly enforcePolicies?: boolean;
  /** The clock of the gateway (capability sunsets) and of the capabilities (what they record). */
  readonly now?: () => Date;
  /** The process engine's seams; its loops are off unless given (a test moves events and sagas with `tessera.drain()`). */
  readonly processEngine?: EmbeddedOptions['processEngine'];
  /** Usage recording at the gateway, into the given sink (docs/registry.md#usage). */
  readonly usage?: EmbeddedOptions['usage'];
}

/** Claims of a token for `token()`; the default reads everything. */
export const FULL_ACCESS: PrincipalClaims = {
  sub: 'test-admin',
  scope: 'crm:read psa:read erp:read psa:cost crm:write psa:write psa:approve erp:write audit:read',
  legal_entities: '*',
};

export interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestTessera {
  readonly url: string;
  /** This instance's data folder (its dev signing key: `tessera token` with TESSERA_DATA_DIR set to it signs for it). */
  readonly dataDir: string;
  readonly tessera: Embedded;
  readonly logs: ReturnType<typeof logSink>;
  /**
   * POSTs a GraphQL request with a full-access token; returns the HTTP status, headers and parsed
   * body. Pass `authorization` in `headers` to use another token, or `null` for none.
   */
  request(body: unknown, headers?: Record<string, string | null>): Promise<{ status: number; headers: Headers; body: GraphQLBody }>;
  /** A query that must answer with HTTP 200 (full-access token unless `token` is given); returns the parsed body. */
  query(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLBody>;
  /** A dev token for these claims, signed with this instance's dev key. */
  token(claims?: PrincipalClaims, ttlSeconds?: number): Promise<string>;
  stop(): Promise<void>;
}

/** The whole embedded Tessera on port 0 with a fresh store, seeded; `stop` removes everything. */
export async function startTestTessera(options: TestTesseraOptions = {}): Promise<TestTessera> {
  const temp = options.store ?? tempSqliteStore();
  // Key files (dev signing key, internal secret) go to a folder of this instance only.
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-keys-'));
  const logs = logSink();
  const config: TesseraConfig = {
    ...loadConfig({ TESSERA_DATA_DIR: keyDir }),
    host: '127.0.0.1',
    seedScale: options.scale ?? 's',
    store: temp.store,
    logLevel: 'debug',
    // The suites book time in 2027 and later on the wall clock: no future-time window unless a test
    // sets one (test/capability/psa/timeControls.test.ts does, with its clock; docs/invariants.md#time-controls).
    timeControls: { weeklyMaxHours: 80, futureDays: null },
    ...options.config,
  };
  const tessera = await startEmbedded({
    config,
    logger: createLogger(config.logLevel, logs.stream),
    ...(options.onQuery ? { onQuery: options.onQuery } : {}),
    ...(options.wrapFetcher ? { wrapFetcher: options.wrapFetcher } : {}),
    ...(options.jwksFetch ? { jwksFetch: options.jwksFetch } : {}),
    ...(options.enforcePolicies === false ? { enforcePolicies: false } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.usage ? { usage: options.usage } : {}),
    processEngine: { loops: false, ...options.processEngine },
  });
  const token = (claims: PrincipalClaims = FULL_ACCESS, ttlSeconds = 600) => issueDevToken({ claims, ttlSeconds }, config.auth);
  const fullAccess = config.auth.source.kind === 'dev' ? await token() : null;
  const port = await tessera.listen(0);
  const url = `http://127.0.0.1:${port}/graphql`;
  const request = async (body: unknown, headers: Record<string, string | null> = {}) => {
    const all: Record<string, string | null> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: fullAccess ? `Bearer ${fullAccess}` : null,
      ...headers,
    };
    const response = await fetch(url, {
      method: 'POST',
      headers: Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== null)),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody };
  };
  return {
    url,
    dataDir: keyDir,
    tessera,
    logs,
    request,
    token,
    async query(query, variables, bearer) {
      const response = await request(
        { query, variables },
        bearer === undefined ? {} : { authorization: bearer === null ? null : `Bearer ${bearer}` },
      );
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async stop() {
      await tessera.stop();
      if (!options.store) await temp.remove();
      fs.rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
