/**
 * One gateway of the federation benchmark in a process of its own (its CPU and memory are read
 * from /proc by the harness): `tessera` (Tessera's gateway mode over the benchmark's subgraphs,
 * configured by its environment like `tessera serve gateway`, governance on or off as
 * `BENCH_GOVERNANCE` says) or `apollo` (plain `@apollo/gateway` in `@apollo/server`'s standalone
 * server, defaults untouched). Listens on a free port, sends `{ port }` to the harness over IPC, and
 * stops on SIGTERM (exiting normally, so `--cpu-prof` writes its profile).
 *
 * Arguments: the kind; environment: `BENCH_SUBGRAPHS` (JSON `[{ name, url, sdl }]`, for `tessera`) and
 * `BENCH_SUPERGRAPH_FILE` (for `apollo`). It reads nothing else, so that it runs compiled
 * (`bin/build.ts`) as well as through tsx.
 */
import fs from 'node:fs';
import { loadConfig } from '../../core/config/config.ts';
import { applyHeapGrowth } from '../../core/heapGrowth.ts';

type Stop = () => Promise<void>;

/**
 * As `tessera serve gateway` starts (bin/commands/serve.ts, bin/cli/runUntilSignal.ts): the
 * configuration, the heap growth, and only then the gateway's modules, so that no full collection
 * while they load sets the heap's next limit with V8's own growth.
 */
async function startTessera(): Promise<{ port: number; stop: Stop }> {
  const subgraphs = JSON.parse(process.env.BENCH_SUBGRAPHS ?? '[]') as { name: string; url: string; sdl: string }[];
  const config = loadConfig(process.env);
  applyHeapGrowth(config.heapGrowthPercent);
  const { createLogger } = await import('../../core/logger.ts');
  const { startGatewayMode } = await import('../../runtime/gateway.ts');
  const tessera = await startGatewayMode({
    config,
    logger: createLogger(config.logLevel),
    subgraphs,
    enforcePolicies: process.env.BENCH_GOVERNANCE !== 'off',
  });
  return { port: await tessera.listen(0), stop: () => tessera.stop() };
}

async function startApollo(): Promise<{ port: number; stop: Stop }> {
  const { ApolloGateway } = await import('@apollo/gateway');
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const supergraphSdl = fs.readFileSync(process.env.BENCH_SUPERGRAPH_FILE!, 'utf8');
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { port: Number(new URL(url).port), stop: () => server.stop() };
}

const kind = process.argv[2];
const started = kind === 'tessera' ? await startTessera() : kind === 'apollo' ? await startApollo() : null;
if (!started) throw new TypeError(`unknown gateway kind ${JSON.stringify(kind)}: tessera or apollo`);
process.once('SIGTERM', () => {
  void started.stop().finally(() => process.exit(0));
});
process.send?.({ port: started.port });
