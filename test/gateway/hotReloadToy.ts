/**
 * A toy catalog subgraph answered in process, and the gateway service over it on port 0, for the
 * hot-reload and contract tests: the subgraph already resolves `Product.rating` (its data has the
 * property), and the supergraphs offered to the gateway add it, hide it or break.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { Fetcher } from '@apollo/utils.fetcher';
import { graphql, parse } from 'graphql';
import { loadConfig } from '../../core/config/config.ts';
import { createLogger } from '../../core/logger.ts';
import { createGatewayMetrics } from '../../core/metrics.ts';
import type { ContractSources, SupergraphSource } from '../../gateway/supergraph/source.ts';
import { supergraphIdOf } from '../../gateway/supergraph/source.ts';
import { startGatewayService } from '../../runtime/gatewayService.ts';
import { serveHttp } from '../../runtime/httpService.ts';
import { createShutdown } from '../../runtime/shutdown.ts';
import { composeSupergraph } from '../../schema/compose.ts';
import { logSink } from '../harness/logSink.ts';

/** Tessera's governance directives, linked and composed as `schema/governance.graphql` has them. */
const LINK = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@composeDirective", "@inaccessible"])
  @link(url: "https://tessera.dev/governance/v1.1", import: ["@requiresScopes", "@policy"])
  @composeDirective(name: "@requiresScopes") @composeDirective(name: "@policy")
directive @requiresScopes(scopes: [[String!]!]!) on OBJECT | FIELD_DEFINITION
directive @policy(policies: [[String!]!]!) on OBJECT | FIELD_DEFINITION`;
/** The authorization plugin refuses a supergraph whose policies and policies/ disagree: the toy uses each one. */
const POLICED =
  'type Ledger { entry: String @policy(policies: [["legalEntityScoped"], ["partnerAccountScoped"], ["segregationOfDuties"], ["internalOnly"]]) }';

/** The catalog subgraph's SDL; `productFields` are added to `Product`. */
export function catalogSdl(productFields = '', policed = POLICED): string {
  return `${LINK}
type Query { products: [Product!]! ledger: Ledger }
type Product @key(fields: "id") { id: ID! name: String! ${productFields} }
${policed}`;
}

/** The answer to `{ products { rating } }` from a supergraph without `Product.rating` (or with it @inaccessible). */
export const RATING_REFUSED = {
  status: 400,
  body: {
    errors: [
      {
        message: 'Cannot query field "rating" on type "Product".',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        locations: [{ line: 1, column: 14 }],
      },
    ],
  },
};

export const PRODUCTS = [
  { id: 'p1', name: 'Anvil', rating: 4, secret: 'forged' },
  { id: 'p2', name: 'Bellows', rating: 5, secret: 'leather' },
];

/** A supergraph of the catalog with `productFields`, and its id. */
export function catalogSupergraph(productFields = '', policed = POLICED) {
  const sdl = composeSupergraph([{ name: 'catalog', url: 'http://catalog.test/graphql', sdl: catalogSdl(productFields, policed) }]);
  return { id: supergraphIdOf(sdl), sdl };
}

// The subgraph as deployed: it already knows every field a supergraph may add.
const subgraphSchema = buildSubgraphSchema({
  typeDefs: parse(catalogSdl('rating: Int secret: String @requiresScopes(scopes: [["catalog:secret"]])')),
  resolvers: { Query: { products: () => PRODUCTS, ledger: () => null } },
});

export const catalogSubgraph: Fetcher = async (_url, init) => {
  const { query, variables } = JSON.parse(String(init?.body)) as { query: string; variables?: Record<string, unknown> };
  const result = await graphql({ schema: subgraphSchema, source: query, variableValues: variables ?? null });
  return new Response(JSON.stringify(result), { headers: { 'content-type': 'application/json' } });
};

export interface ToyGateway {
  readonly origin: string;
  readonly logs: ReturnType<typeof logSink>;
  /** POSTs an anonymous query to `path` (default /graphql). */
  post(query: string, path?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  get(path: string): Promise<{ status: number; body: unknown; text: string }>;
  stop(): Promise<void>;
}

/** The gateway service (as embedded and gateway modes run it) over the toy subgraph, on port 0. */
export async function startToyGateway(supergraph: SupergraphSource, contracts?: ContractSources): Promise<ToyGateway> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hot-reload-'));
  const logs = logSink();
  const logger = createLogger('info', logs.stream);
  const config = { ...loadConfig({ TESSERA_DATA_DIR: dataDir }), host: '127.0.0.1' };
  const shutdown = createShutdown(logger);
  const listener = await startGatewayService(
    {
      config,
      logger,
      urls: { all: [], urlOf: (name) => `http://${name}.test/graphql` },
      fetcher: catalogSubgraph,
      internalSecret: 'hot-reload-test-internal-secret-0123456789',
      stores: new Map(),
      metrics: createGatewayMetrics(),
      supergraph,
      contracts,
    },
    shutdown,
  );
  const port = await serveHttp(listener, 0, '127.0.0.1', shutdown);
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    logs,
    async post(query, at = '/graphql') {
      const response = await fetch(`${origin}${at}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async get(at) {
      const response = await fetch(`${origin}${at}`);
      const text = await response.text();
      return { status: response.status, text, body: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
    },
    async stop() {
      await shutdown.run();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
