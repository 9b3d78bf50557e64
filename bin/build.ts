/**
 * The production build (README "Packaging"): `npm run build` compiles the runtime folders
 * (tsconfig.build.json) to plain JavaScript in dist/, every relative `./x.ts` import rewritten to
 * `./x.js`, and copies beside the code the files it reads relative to `import.meta.url`: the SDL
 * (schema/subgraphSdl.ts), the architects' page (registry/web/, read by registry/page/assets.ts) and
 * package.json (the version bin/cli/runCli.ts prints; dist/package.json also keeps `"type": "module"`
 * in force).
 * Production runs `node dist/bin/tessera.js` (the Dockerfile's ENTRYPOINT): no tsx loader, whose
 * worker thread and module copies cost each process ~55 MB at idle. Development stays on tsx.
 *
 *   tsx bin/build.ts [--out-dir dist] [entry.ts ...]
 *
 * Extra entries (e.g. bench/federation/gatewayProcess.ts) are compiled with their import closure
 * into the same tree. No type checking here (noCheck: `npm run typecheck` does it); syntax errors
 * still fail the build, before anything is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';

/** The repository root: the folder above bin/. */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const BUILD_CONFIG = path.join(REPO_ROOT, 'tsconfig.build.json');
/** Where `npm run build` writes, relative to the repository root: the folder the Dockerfile's final stage copies. */
export const DEFAULT_OUT_DIR = 'dist';

/**
 * The files the compiled code reads relative to its own module (repo-relative, as in dist/): which
 * folder, and which of its files (recursively). Grep `import.meta.url` in the runtime folders when adding one.
 */
const ASSETS: readonly { readonly folder: string; readonly take: (file: string) => boolean }[] = [
  { folder: 'schema', take: (file) => file.endsWith('.graphql') },
  { folder: 'registry/web', take: (file) => !file.endsWith('.ts') },
];
const ROOT_ASSETS = ['package.json'];

export interface BuildOptions {
  /** Where the build goes (absolute, or relative to the repository root); emptied first. */
  readonly outDir: string;
  /** Extra root .ts files (absolute or repo-relative), compiled with what they import into the same tree. */
  readonly entries?: readonly string[];
}

export interface BuildResult {
  readonly outDir: string;
  /** The compiled modules, relative to outDir, sorted. */
  readonly modules: readonly string[];
  /** The copied files, relative to outDir, sorted. */
  readonly assets: readonly string[];
}

/** The compiler refused the sources (a syntax error, a bad option); nothing was written. */
export class BuildFailed extends Error {
  constructor(readonly diagnostics: readonly ts.Diagnostic[]) {
    super(ts.formatDiagnostics(diagnostics, formatHost()));
    this.name = 'BuildFailed';
  }
}

export function buildDist(options: BuildOptions): BuildResult {
  const outDir = path.resolve(REPO_ROOT, options.outDir);
  checkOutDir(outDir);
  const program = compilerProgram(outDir, options.entries ?? []);
  const refused = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getSyntacticDiagnostics(),
  ].filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (refused.length > 0) throw new BuildFailed(refused);

  fs.rmSync(outDir, { recursive: true, force: true });
  const modules: string[] = [];
  const emitted = program.emit(undefined, (file, text) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    modules.push(path.relative(outDir, file));
  });
  const failed = emitted.diagnostics.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (emitted.emitSkipped || failed.length > 0) throw new BuildFailed(failed);

  const assets = runtimeAssets();
  for (const asset of assets) {
    const target = path.join(outDir, asset);
    if (fs.existsSync(target)) throw new Error(`build: ${asset} is both a compiled module and an asset`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, asset), target);
  }
  return { outDir, modules: modules.sort(), assets };
}

/** The files of the source tree the compiled code reads at run time, repo-relative, sorted. */
export function runtimeAssets(): readonly string[] {
  const inFolders = ASSETS.flatMap(({ folder, take }) =>
    fs
      .readdirSync(path.join(REPO_ROOT, folder), { recursive: true, encoding: 'utf8' })
      .map((file) => path.join(folder, file))
      .filter((file) => take(file) && fs.statSync(path.join(REPO_ROOT, file)).isFile()),
  );
  return [...ROOT_ASSETS, ...inFolders].sort();
}

/** tsconfig.build.json's program with `outDir`, plus the extra entries. */
function compilerProgram(outDir: string, entries: readonly string[]): ts.Program {
  const config = ts.getParsedCommandLineOfConfigFile(
    BUILD_CONFIG,
    { outDir },
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new BuildFailed([diagnostic]);
      },
    },
  );
  if (!config) throw new Error(`build: cannot read ${BUILD_CONFIG}`);
  return ts.createProgram({
    rootNames: [...config.fileNames, ...entries.map((entry) => path.resolve(REPO_ROOT, entry))],
    options: config.options,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
  });
}

/**
 * The build empties its output folder first: refuses one that holds the repository, or one that
 * has files but no previous build's bin/tessera.js (a mistyped --out-dir must not empty a source folder).
 */
function checkOutDir(outDir: string): void {
  const toRepo = path.relative(outDir, REPO_ROOT);
  if (!toRepo.startsWith('..') && !path.isAbsolute(toRepo)) {
    throw new Error(`build: ${outDir} holds the repository; choose another output folder`);
  }
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0 && !fs.existsSync(path.join(outDir, 'bin', 'tessera.js'))) {
    throw new Error(`build: ${outDir} is not empty and holds no previous build (bin/tessera.js); not emptying it`);
  }
}

function formatHost(): ts.FormatDiagnosticsHost {
  return { getCanonicalFileName: (file) => file, getCurrentDirectory: () => REPO_ROOT, getNewLine: () => '\n' };
}

function main(argv: readonly string[]): number {
  const { values, positionals } = parseArgs({ args: [...argv], options: { 'out-dir': { type: 'string' } }, allowPositionals: true });
  const started = performance.now();
  try {
    const built = buildDist({ outDir: values['out-dir'] ? path.resolve(values['out-dir']) : DEFAULT_OUT_DIR, entries: positionals });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const relative = path.relative(process.cwd(), built.outDir);
    const where = relative.startsWith('..') || path.isAbsolute(relative) ? built.outDir : relative;
    process.stdout.write(
      `build: ${built.modules.length} modules compiled and ${built.assets.length} files copied to ${where}/ in ${seconds} s\n`,
    );
    for (const asset of built.assets) process.stdout.write(`  ${asset}\n`);
    process.stdout.write(`run: node ${path.join(where, 'bin', 'tessera.js')} start\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`build failed:\n${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
