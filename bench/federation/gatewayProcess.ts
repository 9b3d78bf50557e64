/**
 * One gateway of the federation benchmark in a process of its own (its CPU and memory are read
 * from /proc by the harness): `tessera` (Tessera's gateway mode over the benchmark's subgraphs,
 * configured by its environment like `tessera serve gateway`, governance on or off as
 * `BENCH_GOVERNANCE` says) or `apollo` (plain `@apollo/gateway` in `@apollo/server`'s standalone
 * server, defaults untouched). Listens on a free port, sends `{ port }` to the harness over IPC, and
 * stops on SIGTERM (exiting normally, so `--cpu-prof` writes its profile).
 *
 * Arguments: the kind; environment: `BENCH_SUBGRAPHS` (JSON `{ name: url }`) and, for `apollo`,
 * `BENCH_SUPERGRAPH_FILE`.
 */
import fs from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { loadConfig } from '../../core/config/config.ts';
import { applyHeapGrowth } from '../../core/heapGrowth.ts';
import { createLogger } from '../../core/logger.ts';
import { startGatewayMode } from '../../runtime/gateway.ts';
import { SUBGRAPH_NAMES, subgraphSdl, type SubgraphName } from './workload.ts';

type Stop = () => Promise<void>;

async function startTessera(): Promise<{ port: number; stop: Stop }> {
  const urls = JSON.parse(process.env.BENCH_SUBGRAPHS ?? '{}') as Record<SubgraphName, string>;
  const config = loadConfig(process.env);
  // As `tessera serve` sets it for every server process (bin/cli/runUntilSignal.ts).
  applyHeapGrowth(config.heapGrowthPercent);
  const tessera = await startGatewayMode({
    config,
    logger: createLogger(config.logLevel),
    subgraphs: SUBGRAPH_NAMES.map((name) => ({ name, url: urls[name], sdl: subgraphSdl(name) })),
    enforcePolicies: process.env.BENCH_GOVERNANCE !== 'off',
  });
  return { port: await tessera.listen(0), stop: () => tessera.stop() };
}

async function startApollo(): Promise<{ port: number; stop: Stop }> {
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
