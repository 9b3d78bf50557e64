/**
 * Serves the benchmark's four subgraphs on `node:http`, each on its own free port, with no framework
 * between the socket and graphql-js: a POST body is parsed, its document parsed and validated once
 * (cached by its text), executed, and the result written. Each server counts the requests it
 * received, so the harness can say how many subgraph requests one query costs.
 */
import http from 'node:http';
import type net from 'node:net';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { subgraphSchema } from './subgraphSchemas.ts';
import { SUBGRAPH_NAMES, type SubgraphName } from './workload.ts';

export interface BenchmarkSubgraphs {
  /** Each subgraph's `/graphql` URL. */
  readonly urls: Readonly<Record<SubgraphName, string>>;
  /** The requests each subgraph has received so far. */
  requests(): Record<SubgraphName, number>;
  close(): Promise<void>;
}

interface GraphQLBody {
  readonly query?: unknown;
  readonly variables?: unknown;
  readonly operationName?: unknown;
}

/** A document parsed and validated once, or the errors of that. */
type Prepared = { readonly document: DocumentNode } | { readonly errors: readonly { message: string }[] };

function handler(schema: GraphQLSchema, counter: { requests: number }): http.RequestListener {
  const prepared = new Map<string, Prepared>();
  const prepare = (query: string): Prepared => {
    let entry = prepared.get(query);
    if (!entry) {
      try {
        const document = parse(query);
        const errors = validate(schema, document);
        entry = errors.length > 0 ? { errors: errors.map((error) => ({ message: error.message })) } : { document };
      } catch (error) {
        entry = { errors: [{ message: error instanceof Error ? error.message : String(error) }] };
      }
      // The gateways send a handful of distinct documents; a bound keeps a stray client from growing it.
      if (prepared.size < 1000) prepared.set(query, entry);
    }
    return entry;
  };
  return (request, response) => {
    counter.requests += 1;
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status: number, result: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(result));
      let body: GraphQLBody;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLBody;
      } catch {
        return send(400, { errors: [{ message: 'the body is not JSON' }] });
      }
      if (typeof body.query !== 'string') return send(400, { errors: [{ message: 'no query' }] });
      const entry = prepare(body.query);
      if ('errors' in entry) return send(400, { errors: entry.errors });
      Promise.resolve(
        execute({
          schema,
          document: entry.document,
          variableValues: (body.variables ?? undefined) as Record<string, unknown> | undefined,
          operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
        }),
      ).then(
        (result) => send(200, result),
        (error: unknown) => send(500, { errors: [{ message: String(error) }] }),
      );
    });
  };
}

/** Starts the four subgraphs on free ports of 127.0.0.1. */
export async function startBenchmarkSubgraphs(): Promise<BenchmarkSubgraphs> {
  const served = await Promise.all(
    SUBGRAPH_NAMES.map(async (name) => {
      const counter = { requests: 0 };
      // Idle connections are kept longer than a gateway waits between its rounds (the others' rounds:
      // 80 s with five gateways of 20 s), so that no gateway's pool reuses a socket the subgraph is
      // closing at that moment ("socket hang up" in plain @apollo/gateway at the start of a round).
      const server = http.createServer({ keepAliveTimeout: 15 * 60_000 }, handler(subgraphSchema(name), counter));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      return { name, server, counter, url: `http://127.0.0.1:${port}/graphql` };
    }),
  );
  const byName = <T>(value: (entry: (typeof served)[number]) => T) =>
    Object.fromEntries(served.map((entry) => [entry.name, value(entry)])) as Record<SubgraphName, T>;
  return {
    urls: byName((entry) => entry.url),
    requests: () => byName((entry) => entry.counter.requests),
    close: async () => {
      await Promise.all(
        served.map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
