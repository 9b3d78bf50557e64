/**
 * No import cycle in the production code, type-only imports included: the layers only work one way
 * if no two files need each other, even for a type. ESLint's import-x/no-cycle does not follow
 * `import type`, so this test reads the graph as TypeScript does (test/architecture/importGraph.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PRODUCTION_FOLDERS,
  compilerOptionsOf,
  cyclesOf,
  importGraph,
  shortestCycle,
  sourceFilesUnder,
  type ImportGraph,
} from './importGraph.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Each cycle as one line: its size, one shortest loop through it, and all its files. */
function describeCycles(graph: ImportGraph): string[] {
  return cyclesOf(graph).map(
    (component) =>
      `${component.length} ${component.length === 1 ? 'file' : 'files'}: ${shortestCycle(graph, component).join(' → ')} (all: ${component.join(', ')})`,
  );
}

describe('the import graph reader', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-imports-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const fixture: Record<string, string> = {
    'a.ts': "import type { B } from './b.ts';\nexport interface A { b: B }\n",
    'b.ts': "export type { C } from './c.ts';\nexport type B = number;\n",
    'c.ts': "export type C = typeof import('./a.ts');\n",
    'd.ts': "export async function load() { return import('./e.ts'); }\n",
    'e.ts': "import './d.ts';\n",
    'f.ts': "import fs from 'node:fs';\nimport './missing.ts';\nexport const read = fs.readFileSync;\n",
    'g.ts': "import './g.ts';\n",
  };
  for (const [name, text] of Object.entries(fixture)) fs.writeFileSync(path.join(dir, name), text);
  const graph = importGraph(dir, Object.keys(fixture).sort(), compilerOptionsOf(ROOT));

  it('follows import type, export ... from, import() types and dynamic imports; not packages or missing files', () => {
    expect(Object.fromEntries(graph)).toEqual({
      'a.ts': ['b.ts'],
      'b.ts': ['c.ts'],
      'c.ts': ['a.ts'],
      'd.ts': ['e.ts'],
      'e.ts': ['d.ts'],
      'f.ts': [],
      'g.ts': ['g.ts'],
    });
  });

  it('reports each cycle once, with a shortest loop through it', () => {
    expect(describeCycles(graph)).toEqual([
      '3 files: a.ts → b.ts → c.ts → a.ts (all: a.ts, b.ts, c.ts)',
      '2 files: d.ts → e.ts → d.ts (all: d.ts, e.ts)',
      '1 file: g.ts → g.ts (all: g.ts)',
    ]);
  });
});

describe('the production code', () => {
  const files = sourceFilesUnder(ROOT, PRODUCTION_FOLDERS);
  const graph = importGraph(ROOT, files);

  it('is read whole: every production folder, and the imports between them', () => {
    for (const folder of PRODUCTION_FOLDERS)
      expect(
        files.some((file) => file.startsWith(`${folder}/`)),
        folder,
      ).toBe(true);
    expect(graph.get('gateway/createGateway.ts')?.some((target) => target.startsWith('core/'))).toBe(true);
  });

  it('has no import cycle, type-only imports included', () => {
    expect(describeCycles(graph)).toEqual([]);
  });
});
