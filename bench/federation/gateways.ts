/**
 * The gateways the federation benchmark compares, each started as a process of its own over the
 * same supergraph and subgraphs, one process (no workers) each, all as plain JavaScript: Tessera's
 * and plain `@apollo/gateway`'s process (gatewayProcess.ts) is compiled for the run by the
 * production build (bin/build.ts), as the image runs Tessera, never through tsx's loader. The peers (Hive Gateway) are
 * dependencies of the benchmark only, in `bench/federation/gateways/` with their own lockfile,
 * installed here on first use (`npm ci`), never by the main install or CI.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDist, REPO_ROOT } from '../../bin/build.ts';
import { startChild, type Child } from './childProcess.ts';
import { tesseraVariant, type Governance } from './tesseraGovernance.ts';
import { SUBGRAPH_NAMES, subgraphSdl, type SubgraphName } from './workload.ts';

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
  /** gatewayProcess.ts compiled (`compileGatewayProcess`). */
  readonly gatewayProcess: URL;
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

/**
 * The Node flags and environment that profile a gateway: tsx's loader first, since the profiler
 * module is TypeScript (so a profiled gateway carries the loader's cost; its memory figure is not the one to quote).
 */
function profiling(context: GatewayContext): { nodeFlags: string[]; env: Record<string, string> } {
  if (!context.profile) return { nodeFlags: [], env: {} };
  return {
    nodeFlags: ['--import', import.meta.resolve('tsx'), '--import', PROFILE_ON_SIGNAL],
    env: { BENCH_CPU_PROFILE: context.profile },
  };
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

/**
 * Compiles gatewayProcess.ts and what it imports with the production build into `workDir/app/dist`,
 * `node_modules` beside it as in the image (README "Packaging"); returns the compiled script.
 */
export function compileGatewayProcess(workDir: string): URL {
  const app = path.join(workDir, 'app');
  const { outDir } = buildDist({ outDir: path.join(app, 'dist'), entries: ['bench/federation/gatewayProcess.ts'] });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
  return pathToFileURL(path.join(outDir, 'bench/federation/gatewayProcess.js'));
}

export async function startGateway(name: GatewayName, context: GatewayContext): Promise<RunningGateway> {
  const profile = profiling(context);
  const common = {
    BENCH_SUPERGRAPH_FILE: context.supergraphFile,
    BENCH_SUBGRAPHS: JSON.stringify(SUBGRAPH_NAMES.map((name) => ({ name, url: context.subgraphUrls[name], sdl: subgraphSdl(name) }))),
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
      script: context.gatewayProcess,
      args: ['tessera'],
      env: { ...common, ...variant.env, BENCH_GOVERNANCE: governance },
      nodeFlags: [...profile.nodeFlags, ...(context.tesseraNodeFlags ?? [])],
      stdout: log,
    });
    fs.closeSync(log);
  } else if (name === 'apollo') {
    child = await startChild({
      script: context.gatewayProcess,
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
