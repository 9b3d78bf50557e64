// Lint enforces the architecture: no import cycles, type-only imports marked, no default exports
// in our modules, and production code never imports the test harness.
import fs from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

const LAYERS = {
  core: [],
  auth: ['core'],
  schema: ['core'],
  policies: ['core', 'auth'],
  gateway: ['core', 'auth', 'schema', 'policies'],
  systems: ['core', 'auth', 'schema', 'policies'],
  seed: ['core', 'systems'],
  // The registry keeps its own store through the kernel's SQL helpers (systems/kernel/ only, see below).
  registry: ['core', 'auth', 'schema', 'policies', 'systems'],
  runtime: ['core', 'auth', 'schema', 'policies', 'gateway', 'systems', 'seed', 'registry'],
  bin: ['core', 'auth', 'schema', 'policies', 'gateway', 'systems', 'seed', 'registry', 'runtime'],
};
const ALL = [...Object.keys(LAYERS), 'bench', 'test'];

/** For each layer, every other top-level folder it may not import from. */
const LAYER_ZONES = Object.entries(LAYERS).map(([layer, allowed]) => ({
  target: `./${layer}`,
  from: ALL.filter((other) => other !== layer && !allowed.includes(other)).map((other) => `./${other}`),
  message: `${layer}/ may import only ${allowed.length ? allowed.map((a) => `${a}/`).join(', ') : 'itself'} (the layers are in the README's architecture section).`,
}));

/** Inside systems/: the kernel knows no system, and a system never imports another (they talk through their subgraphs). */
// Every folder of systems/ but the kernel is a system (systems/systems.ts lists them for the code).
const SYSTEM_NAMES = fs
  .readdirSync(new globalThis.URL('./systems/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'kernel')
  .map((entry) => entry.name);
const SYSTEM_ZONES = [
  {
    target: './systems/kernel',
    from: [...SYSTEM_NAMES.map((name) => `./systems/${name}`), './systems/systems.ts', './systems/openAllSystems.ts'],
    message: 'systems/kernel/ is shared by every system and knows none of them.',
  },
  {
    target: './registry',
    from: [...SYSTEM_NAMES.map((name) => `./systems/${name}`), './systems/systems.ts', './systems/openAllSystems.ts'],
    message: 'registry/ knows no system: it uses only systems/kernel/ (its SQL helpers), and learns the subgraphs from its caller.',
  },
  ...SYSTEM_NAMES.map((name) => ({
    target: `./systems/${name}`,
    from: SYSTEM_NAMES.filter((other) => other !== name).map((other) => `./systems/${other}`),
    message: 'A system reads another only through its subgraph (ctx.peers), never its code.',
  })),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '.tessera/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'] })] },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-default-export': 'error',
      // The layers, lowest first: core < auth, schema < policies < gateway, systems < seed, registry < runtime < bin.
      // A layer imports only layers below it (docs in the README's architecture section).
      'import-x/no-restricted-paths': ['error', { zones: [...LAYER_ZONES, ...SYSTEM_ZONES] }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-param-reassign': 'error',
    },
  },
  {
    files: ['**/*.config.ts', 'vitest.config.ts'],
    rules: { 'import-x/no-default-export': 'off' },
  },
);
