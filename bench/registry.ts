/**
 * `npm run bench:registry`: how long the schema registry takes to compose and check the full
 * canonical schema (docs/registry.md#checks), target under 2 s. Not a test: it prints a table.
 *
 * A fresh registry on a temp SQLite store, with Tessera's four subgraphs (`schema/`) published
 * together (untimed) and the `partner` contract. Timed, `--rounds` times each (default 7), medians:
 * - compose: `composeSupergraph` of the four SDLs (ownership rule + Apollo composition), the floor;
 * - check, safe change: `registry.check` of psa with one added field, all six checks
 *   (composition, API-schema diff, usage lookup, governance lint, sunset, the partner contract);
 * - check, breaking change in use: psa without `Project.code`, after usage of it was recorded;
 * - publish: a new psa version (checks, then the version, the supergraph and the contract's, stored).
 * Options (argv): --rounds N (7), --json FILE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core/logger.ts';
import { openRegistryStore } from '../registry/store/openRegistryStore.ts';
import { createRegistry } from '../registry/service/createRegistry.ts';
import { composeSupergraph } from '../schema/compose.ts';
import { readSubgraphSdl } from '../schema/subgraphSdl.ts';
import { SYSTEM_LIST } from '../systems/systems.ts';
import { percentile } from './stats.ts';
import { option } from './options.ts';

const TARGET_MS = 2000;
const rounds = Number(option('rounds', '7'));
const jsonFile = option('json', '');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-registry-'));
const logger = createLogger('silent');
const store = await openRegistryStore({ kind: 'sqlite', dataDir });
const declarations = SYSTEM_LIST.map(({ name, systemOfRecord }) => ({
  name,
  system: systemOfRecord,
  url: `http://127.0.0.1:${4000 + SYSTEM_LIST.findIndex((entry) => entry.name === name) + 1}/graphql`,
}));
let now = new Date('2026-12-01T12:00:00Z');
const registry = createRegistry({
  db: store.db,
  declarations,
  clock: () => now,
  usageWindowDays: 30,
  maxSdlBytes: 2 * 1024 * 1024,
  logger,
});

const sources = declarations.map((declaration) => ({ ...declaration, sdl: readSubgraphSdl(declaration.name), system: declaration.system }));
await registry.publishAll(
  sources.map(({ name, url, sdl }) => ({ subgraph: name, url, sdl, author: 'bench' })),
  'bench',
);
await registry.createContract({ name: 'partner', includeTags: ['partner'], excludeTags: [], createdBy: 'bench' });

const psa = sources.find((source) => source.name === 'psa')!.sdl;
const withField = psa.replace(
  /(type Project @key\(fields: "id"\)[^{]*\{\n\s*id: ID![^\n]*\n)/,
  '$1  "Bench: one added field."\n  benchNote: String\n',
);
if (withField === psa) throw new Error('bench: could not add a field to Project in schema/psa.graphql');
const withoutCode = psa.replace(/(type Project @key\(fields: "id"\)[^{]*\{\n\s*id: ID![^\n]*\n)\s*code: String![^\n]*\n/, '$1');
if (withoutCode === psa) throw new Error('bench: could not remove Project.code in schema/psa.graphql');
await registry.recordUsage({ entries: [{ clientId: 'bench-app', coordinate: 'Project.code', count: 3, lastUsedAt: now.toISOString() }] });

async function timed(label: string, run: (round: number) => Promise<unknown>): Promise<{ label: string; p50: number; max: number }> {
  await run(-1); // warm-up: module caches, prepared statements
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await run(round);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { label, p50: Math.round(percentile(samples, 50)), max: Math.round(samples.at(-1)!) };
}

const results = [
  await timed('compose (4 subgraphs)', async () => composeSupergraph(sources)),
  await timed('check: safe change (6 checks)', async () => {
    const report = await registry.check({ subgraph: 'psa', sdl: withField }, 'bench');
    if (!report.passed) throw new Error(`bench: the safe change failed its check: ${JSON.stringify(report.sections)}`);
  }),
  await timed('check: breaking change in use', async () => {
    const report = await registry.check({ subgraph: 'psa', sdl: withoutCode }, 'bench');
    if (report.passed) throw new Error('bench: removing Project.code while in use passed its check');
  }),
  await timed('publish (checks + store)', async (round) => {
    now = new Date(now.getTime() + 60_000);
    const sdl = withField.replace('benchNote: String', `benchNote${round + 2}: String`);
    await registry.publish({ subgraph: 'psa', sdl, author: 'bench' });
  }),
];
await store.close();
fs.rmSync(dataDir, { recursive: true, force: true });

console.log(`\nSchema registry: compose and check the canonical schema (${rounds} rounds, medians; target < ${TARGET_MS} ms)\n`);
console.log('| step | p50 ms | max ms | target |');
console.log('|---|---|---|---|');
for (const result of results) {
  const target = result.label.startsWith('compose') ? '' : result.p50 < TARGET_MS ? 'met' : `MISSED by ${result.p50 - TARGET_MS} ms`;
  console.log(`| ${result.label} | ${result.p50} | ${result.max} | ${target} |`);
}
if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(results, null, 2));
