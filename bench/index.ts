/**
 * `npm run bench [-- <name> [options]]`: with no name, every bench of the default list one after
 * another, stopping at the first that fails (what `npm run bench` always ran); with a name, that
 * bench alone with the options after it (`npm run bench -- federation --rounds 3 --seconds 10`).
 */
import { spawnSync } from 'node:child_process';

/** Each bench by name; `npm run bench:<name>` runs the same file. */
const BENCHES: Readonly<Record<string, string>> = {
  queries: 'run.ts',
  metrics: 'metrics.ts',
  billing: 'billingRun.ts',
  'billing-saga': 'billingRunSaga.ts',
  events: 'events.ts',
  sagas: 'sagas.ts',
  registry: 'registry.ts',
  hardening: 'hardening.ts',
  federation: 'federation/run.ts',
  portfolio: 'portfolio.ts',
};

/** What `npm run bench` runs without a name: the federation benchmark installs peers and takes minutes, so it is asked for by name. */
const DEFAULT_LIST = ['queries', 'metrics', 'billing', 'billing-saga', 'events', 'sagas', 'registry', 'hardening'];

function run(name: string, args: readonly string[]): number {
  const script = new URL(BENCHES[name]!, import.meta.url).pathname;
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  return result.status ?? 1;
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined) {
  for (const entry of DEFAULT_LIST) {
    const status = run(entry, []);
    if (status !== 0) process.exit(status);
  }
} else if (BENCHES[name] === undefined) {
  console.error(`unknown bench ${JSON.stringify(name)}: one of ${Object.keys(BENCHES).join(', ')} (options go after the name)`);
  process.exit(2);
} else {
  process.exit(run(name, args));
}
