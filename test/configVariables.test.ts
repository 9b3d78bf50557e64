/**
 * Unknown `TESSERA_*` variables (issue 11, production defaults): warned about in development with
 * the nearest known name, refused in production; and every variable the code reads is known, so a
 * new one cannot be forgotten in `core/config/knownVariables.ts`.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/config.ts';
import { KNOWN_VARIABLES } from '../core/config/knownVariables.ts';
import {
  checkUnknownVariables,
  editDistance,
  isKnownVariable,
  nearestKnownVariable,
  unknownVariables,
} from '../core/config/unknownVariables.ts';
import { PRODUCTION_ENV as PRODUCTION } from './harness/productionEnv.ts';

describe('unknown TESSERA_* variables', () => {
  it('finds each, sorted, with the known name nearest to it', () => {
    expect(
      unknownVariables({
        TESSERA_LIMIT_DEPHT: '5',
        TESSERA_INTROSPECTON: 'off',
        TESSERA_FLUX_CAPACITOR: 'on',
        TESSERA_SUBGRAPH_CRM_ULR: 'https://crm.internal/graphql',
        TESSERA_LIMIT_DEPTH: '8',
        TESSERA_SUBGRAPH_BILLING_URL: 'https://billing.internal/graphql',
        PATH: '/usr/bin',
      }),
    ).toEqual([
      { name: 'TESSERA_FLUX_CAPACITOR', suggestion: undefined },
      { name: 'TESSERA_INTROSPECTON', suggestion: 'TESSERA_INTROSPECTION' },
      { name: 'TESSERA_LIMIT_DEPHT', suggestion: 'TESSERA_LIMIT_DEPTH' },
      { name: 'TESSERA_SUBGRAPH_CRM_ULR', suggestion: 'TESSERA_SUBGRAPH_CRM_URL' },
    ]);
  });

  it('warns in development, one line naming each; loadConfig still loads', () => {
    const env = { TESSERA_LIMIT_DEPHT: '5', TESSERA_FLUX_CAPACITOR: 'on' };
    expect(checkUnknownVariables(env, 'development')).toEqual([
      'TESSERA_FLUX_CAPACITOR is not a Tessera variable and is ignored',
      'TESSERA_LIMIT_DEPHT is not a Tessera variable and is ignored (did you mean TESSERA_LIMIT_DEPTH?)',
    ]);
    expect(loadConfig(env).limits.depth).toBe(15);
    expect(checkUnknownVariables({ TESSERA_LIMIT_DEPTH: '5' }, 'development')).toEqual([]);
  });

  it('refuses them in production with a TypeError naming every one', () => {
    expect(() => loadConfig({ ...PRODUCTION, TESSERA_LIMIT_DEPHT: '5', TESSERA_IDEE: 'on' })).toThrow(
      new TypeError(
        'TESSERA_ENV=production refuses unknown TESSERA_* variables: ' +
          'TESSERA_IDEE is not a Tessera variable and is ignored (did you mean TESSERA_IDE?); ' +
          'TESSERA_LIMIT_DEPHT is not a Tessera variable and is ignored (did you mean TESSERA_LIMIT_DEPTH?). ' +
          'Remove them or correct their names (README "Configuration").',
      ),
    );
    expect(loadConfig(PRODUCTION).env).toBe('production');
  });

  it('suggests only near names', () => {
    expect(nearestKnownVariable('TESSERA_PORT')).toBeUndefined();
    expect(nearestKnownVariable('TESSERA_DATADIR')).toBe('TESSERA_DATA_DIR');
    expect(nearestKnownVariable('TESSERA_AUTH_ISUER')).toBe('TESSERA_AUTH_ISSUER');
    expect(nearestKnownVariable('TESSERA_SUBGRAPH_PORT_CMR')).toBe('TESSERA_SUBGRAPH_PORT_CRM');
  });

  it('the edit distance is the Levenshtein distance, capped above its limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const full = editDistance(a, b);
        expect(full).toBe(editDistance(b, a));
        expect(full === 0).toBe(a === b);
        expect(full).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(full).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(editDistance(a, b, 2)).toBe(Math.min(full, 3));
      }),
      { numRuns: 300 },
    );
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

/** Where the code that reads variables lives (tests and benchmarks read the test-only ones, listed too). */
const SOURCE_FOLDERS = ['core', 'auth', 'gateway', 'runtime', 'bin', 'registry', 'systems', 'seed', 'schema', 'policies'];
const ROOT = path.resolve(import.meta.dirname, '..');

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the list of known variables', () => {
  it('names every TESSERA_* variable the source reads', () => {
    const names = new Map<string, string>();
    for (const file of SOURCE_FOLDERS.flatMap(sourceFiles)) {
      // The list itself mentions a misspelt name as its example.
      if (file.endsWith(path.join('core', 'config', 'knownVariables.ts'))) continue;
      const text = fs.readFileSync(file, 'utf8');
      // A name read is a string (`positiveInt(env, 'TESSERA_LIMIT_DEPTH', 15)`, a `TESSERA_X` in a comment) or follows
      // `env.`; a constant of the code named TESSERA_... is neither. Whole names only: `TESSERA_SUBGRAPH_${...}`,
      // `TESSERA_LIMIT_*` and `TESSERA_SUBGRAPH_<NAME>_URL` are families.
      for (const match of text.matchAll(/(?:['"`]|\benv\??\.)(TESSERA_[A-Z0-9_]*[A-Z0-9])(?![A-Z0-9_]|\$\{|\*|<)/g)) {
        if (!names.has(match[1]!)) names.set(match[1]!, path.relative(ROOT, file));
      }
    }
    expect(names.size).toBeGreaterThan(40);
    const unknown = [...names].filter(([name]) => !isKnownVariable(name)).map(([name, file]) => `${name} (${file})`);
    expect(unknown).toEqual([]);
  });

  it('lists only TESSERA_ names', () => {
    expect([...KNOWN_VARIABLES].filter((name) => !/^TESSERA_[A-Z0-9_]+$/.test(name))).toEqual([]);
  });
});
