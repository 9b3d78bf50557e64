import type { Fetcher } from '@apollo/utils.fetcher';
import type { LogEvent } from 'kysely';
import { loadConfig, type SeedScale, type SubgraphName, type TesseraConfig } from '../../gateway/config.ts';
import { startEmbedded, type Embedded } from '../../gateway/embedded/startEmbedded.ts';
import { createLogger } from '../../gateway/logger.ts';
import { logSink } from './logSink.ts';
import { tempSqliteStore, type TempStore } from './tempDatabase.ts';

export interface TestTesseraOptions {
  /** Demo data to seed (default `s`). */
  readonly scale?: SeedScale | 'none';
  /** Where the reference systems live (default: a fresh temp SQLite folder). */
  readonly store?: TempStore;
  readonly onQuery?: (system: SubgraphName, event: LogEvent) => void;
  readonly wrapFetcher?: (fetcher: Fetcher) => Fetcher;
  readonly config?: Partial<TesseraConfig>;
}

export interface GraphQLBody {
  data?: unknown;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestTessera {
  readonly url: string;
  readonly tessera: Embedded;
  readonly logs: ReturnType<typeof logSink>;
  /** POSTs a GraphQL request; returns the HTTP status, headers and parsed body. */
  request(body: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: GraphQLBody }>;
  /** A query that must answer with HTTP 200; returns the parsed body. */
  query(query: string, variables?: Record<string, unknown>): Promise<GraphQLBody>;
  stop(): Promise<void>;
}

/** The whole embedded Tessera on port 0 with a fresh store, seeded; `stop` removes everything. */
export async function startTestTessera(options: TestTesseraOptions = {}): Promise<TestTessera> {
  const temp = options.store ?? tempSqliteStore();
  const logs = logSink();
  const config: TesseraConfig = { ...loadConfig({}), host: '127.0.0.1', seedScale: options.scale ?? 's', store: temp.store, logLevel: 'debug', ...options.config };
  const tessera = await startEmbedded({
    config,
    logger: createLogger(config.logLevel, logs.stream),
    ...(options.onQuery ? { onQuery: options.onQuery } : {}),
    ...(options.wrapFetcher ? { wrapFetcher: options.wrapFetcher } : {}),
  });
  const port = await tessera.listen(0);
  const url = `http://127.0.0.1:${port}/graphql`;
  const request = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody };
  };
  return {
    url,
    tessera,
    logs,
    request,
    async query(query, variables) {
      const response = await request({ query, variables });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async stop() {
      await tessera.stop();
      if (!options.store) await temp.remove();
    },
  };
}
