/**
 * The gateways the federation benchmark compares, each started as a process of its own over the
 * same supergraph and subgraphs, one process (no workers) each. The peers (Hive Gateway) are
 * dependencies of the benchmark only, in `bench/federation/gateways/` with their own lockfile,
 * installed here on first use (`npm ci`), never by the main install or CI.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startChild, type Child } from './childProcess.ts';
import { tesseraVariant, type Governance } from './tesseraGovernance.ts';
import type { SubgraphName } from './workload.ts';

export const GATEWAY_NAMES = ['tessera-on', 'tessera-off', 'apollo', 'hive-rust', 'hive'] as const;
export type GatewayName = (typeof GATEWAY_NAMES)[number];

export const GATEWAY_LABELS: Record<GatewayName, string> = {
  'tessera-on': 'Tessera, governance on',
  'tessera-off': 'Tessera, governance off',
  apollo: 'plain `@apollo/gateway` + `@apollo/server`',
  'hive-rust': '`@graphql-hive/gateway` + Rust query planner',
  hive: '`@graphql-hive/gateway` (JS planner)',
};

export interface GatewayContext {
  readonly subgraphUrls: Readonly<Record<SubgraphName, string>>;
  readonly supergraphFile: string;
  /** A fresh folder of the run: key files, logs, profiles. */
  readonly workDir: string;
  readonly connections: number;
  /**
   * Where this gateway writes a CPU profile of the window between two SIGUSR2 (`bench/profileOnSignal.ts`).
   * @default not profiled
   */
  readonly profile?: string | undefined;
  /** V8 flags Tessera's gateway processes start with (`--tessera-node-flags`, e.g. a heap cap). @default none */
  readonly tesseraNodeFlags?: readonly string[] | undefined;
}

export interface RunningGateway {
  readonly name: GatewayName;
  readonly child: Child<{ port: number }>;
  readonly url: string;
  /** What each benchmark request to it carries (a bearer token for governance on). */
  readonly headers: Record<string, string>;
}

const PEERS = new URL('./gateways/', import.meta.url);
const PROFILE_ON_SIGNAL = new URL('../profileOnSignal.ts', import.meta.url).href;

/** The Node flags and environment that profile a gateway (tsx's loader first for a JavaScript one: the profiler module is TypeScript). */
function profiling(context: GatewayContext, javascript: boolean): { nodeFlags: string[]; env: Record<string, string> } {
  if (!context.profile) return { nodeFlags: [], env: {} };
  const loader = javascript ? ['--import', import.meta.resolve('tsx')] : [];
  return { nodeFlags: [...loader, '--import', PROFILE_ON_SIGNAL], env: { BENCH_CPU_PROFILE: context.profile } };
}

/**
 * Installs the peer gateways from their lockfile when `node_modules` is missing; resolves with why
 * they cannot run, or null when they can.
 */
export function installPeers(): string | null {
  if (fs.existsSync(new URL('node_modules/@graphql-hive/router-runtime/package.json', PEERS))) return null;
  console.log('installing the peer gateways (npm ci --prefix bench/federation/gateways) ...');
  const installed = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefix', PEERS.pathname], { stdio: 'inherit' });
  return installed.status === 0 ? null : `npm ci --prefix bench/federation/gateways failed (exit ${installed.status ?? installed.signal})`;
}

export async function startGateway(name: GatewayName, context: GatewayContext): Promise<RunningGateway> {
  const javascript = name === 'hive' || name === 'hive-rust';
  const profile = profiling(context, javascript);
  const common = {
    BENCH_SUPERGRAPH_FILE: context.supergraphFile,
    BENCH_SUBGRAPHS: JSON.stringify(context.subgraphUrls),
    ...profile.env,
  };
  let headers: Record<string, string> = {};
  let child: Child<{ port: number }>;
  if (name === 'tessera-on' || name === 'tessera-off') {
    const governance: Governance = name === 'tessera-on' ? 'on' : 'off';
    const dataDir = fs.mkdtempSync(path.join(context.workDir, `${name}-`));
    const variant = tesseraVariant(governance, dataDir, context.connections);
    headers = variant.headers;
    // The access log goes to a file, as production's stdout goes to a collector.
    const log = fs.openSync(path.join(context.workDir, `${name}.log`), 'a');
    child = await startChild({
      script: new URL('./gatewayProcess.ts', import.meta.url),
      args: ['tessera'],
      env: { ...common, ...variant.env, BENCH_GOVERNANCE: governance },
      nodeFlags: [...profile.nodeFlags, ...(context.tesseraNodeFlags ?? [])],
      stdout: log,
    });
    fs.closeSync(log);
  } else if (name === 'apollo') {
    child = await startChild({
      script: new URL('./gatewayProcess.ts', import.meta.url),
      args: ['apollo'],
      env: common,
      nodeFlags: profile.nodeFlags,
    });
  } else {
    child = await startChild({
      script: new URL('hive.mjs', PEERS),
      args: name === 'hive-rust' ? ['rust'] : [],
      env: common,
      nodeFlags: profile.nodeFlags,
      cwd: PEERS,
    });
  }
  return { name, child, url: `http://127.0.0.1:${child.ready.port}/graphql`, headers };
}
