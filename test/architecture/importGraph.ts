/**
 * The import graph of the code, as TypeScript sees it: every `import`, `import type`, `export ... from`,
 * dynamic `import()` and `import('...')` type, resolved with the project's own compiler options.
 * ESLint's no-cycle rule does not follow type-only imports; this graph does.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The folders of production code (every layer, the binaries and the benchmarks); test/ is not one. */
export const PRODUCTION_FOLDERS = ['core', 'auth', 'schema', 'policies', 'gateway', 'systems', 'runtime', 'seed', 'bin', 'bench'] as const;

const SOURCE_FILE = /\.(?:ts|mts|js|mjs)$/;

/** Files by path relative to the root (with `/`), each to the files it imports, both sorted. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Every source file under the given folders of `root`, relative to it, sorted. */
export function sourceFilesUnder(root: string, folders: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(relative);
    }
  };
  for (const folder of folders) if (fs.existsSync(path.join(root, folder))) walk(folder);
  return files.sort();
}

/** The module specifiers a file names, type-only and dynamic ones included. */
export function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/** The compiler options of `<root>/tsconfig.json`. */
export function compilerOptionsOf(root: string): ts.CompilerOptions {
  const configFile = path.join(root, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configFile, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configFile).options;
}

/**
 * The graph of `files` (relative to `root`): an edge for each specifier that resolves to another of
 * `files`. Packages and files outside the set are not nodes.
 */
export function importGraph(root: string, files: readonly string[], options: ts.CompilerOptions = compilerOptionsOf(root)): ImportGraph {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const absolute = path.join(root, file);
    const targets = new Set<string>();
    for (const specifier of specifiersOf(fs.readFileSync(absolute, 'utf8'))) {
      const resolved = ts.resolveModuleName(
        specifier,
        absolute,
        options,
        ts.sys,
        undefined,
        undefined,
        ts.ModuleKind.ESNext,
      ).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const target = path.relative(root, resolved.resolvedFileName).split(path.sep).join('/');
      if (known.has(target)) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** The strongly connected components that are cycles (two files or more, or a file importing itself), each sorted. */
export function cyclesOf(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative so a long import chain cannot overflow the stack.
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    lowLink.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = graph.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          lowLink.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!));
      if (lowLink.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || (graph.get(frame.node) ?? []).includes(frame.node)) components.push(component.sort());
    }
  }
  return components.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** One shortest import cycle through the first file of a component, e.g. `a.ts → b.ts → a.ts`. */
export function shortestCycle(graph: ImportGraph, component: readonly string[]): string[] {
  const start = component[0]!;
  const inside = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of graph.get(node) ?? []) {
      if (!inside.has(target)) continue;
      if (target === start) {
        const chain: string[] = [];
        for (let at = node; at !== start; at = previous.get(at)!) chain.unshift(at);
        return [start, ...chain, start];
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
}
