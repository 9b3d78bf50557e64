// Hive Gateway in a process of its own for the federation benchmark (bench/federation/run.ts):
// `@graphql-hive/gateway`'s runtime on node:http over the supergraph in BENCH_SUPERGRAPH_FILE, with
// its JavaScript query planner, or with the Rust one (`@graphql-hive/router-runtime`) when the
// argument is `rust`. Defaults otherwise: inbound deduplication and response caching are off unless
// configured; the deduplication of identical in-flight subgraph requests, on by default, is turned
// off (the benchmark's rule: no gateway deduplicates). Sends `{ port }` over IPC; exits normally on
// SIGTERM (so --cpu-prof writes).
import fs from 'node:fs';
import http from 'node:http';
import process from 'node:process';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const rust = process.argv[2] === 'rust';
const supergraph = fs.readFileSync(process.env.BENCH_SUPERGRAPH_FILE, 'utf8');
const runtime = createGatewayRuntime({
  supergraph,
  logging: 'warn',
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
  ...(rust ? { unifiedGraphHandler: (await import('@graphql-hive/router-runtime')).unifiedGraphHandler } : {}),
});
const server = http.createServer(runtime);
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void Promise.resolve(runtime[Symbol.asyncDispose]?.()).finally(() => process.exit(0)));
});
process.send?.({ port: server.address().port });
