/**
 * The production build (README "Packaging", bin/build.ts): compiled into a temporary folder, it holds
 * one JavaScript module per TypeScript file of the runtime folders and the files the code reads
 * beside it, exactly; no import of a `.ts` file is left, every relative import finds its module;
 * and the compiled `tessera` runs under plain node (Node 20 cannot load TypeScript at all): its
 * help, its version and a development token, loading only the build and node_modules.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import jwt from 'jsonwebtoken';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../auth/verifyToken.ts';
import { buildDist, BuildFailed, type BuildResult } from '../../bin/build.ts';
import { ROOT_USAGE } from '../../bin/cli/commands.ts';
import { loadConfig } from '../../core/config/config.ts';
import { REPO, repoFile } from '../harness/packaging.ts';
import { registryPageAssets } from '../../registry/page/assets.ts';
import { runProcess } from '../harness/runProcess.ts';

const repo = fileURLToPath(REPO);
const VERSION = (JSON.parse(repoFile('package.json')) as { version: string }).version;

let root: string;
let outDir: string;
let built: BuildResult;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-build-'));
  outDir = path.join(root, 'dist');
  built = buildDist({ outDir });
  // As in the image: node_modules beside dist/.
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'), 'dir');
}, 60_000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** Every file below `dir`, relative to it, sorted. */
function filesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => fs.statSync(path.join(dir, file)).isFile())
    .sort();
}

/** The runtime folders tsconfig.build.json compiles. */
function runtimeFolders(): string[] {
  const config = ts.readConfigFile(path.join(repo, 'tsconfig.build.json'), ts.sys.readFile).config as {
    include: string[];
    exclude: string[];
  };
  expect(config.exclude).toEqual(['bin/build.ts']);
  return config.include;
}

/** The plain-node run of the compiled bin, in the build's parent folder, with only PATH and `env`. */
function tessera(args: readonly string[], env: Record<string, string> = {}, nodeArgs: readonly string[] = []) {
  return runProcess(process.execPath, [...nodeArgs, 'dist/bin/tessera.js', ...args], {
    cwd: pathToFileURL(`${root}/`),
    env: { PATH: process.env.PATH, ...env },
  });
}

describe('npm run build (bin/build.ts) into a temporary folder', () => {
  it('emits one module per .ts file of the runtime folders, and copies the SDL, the registry page and package.json', () => {
    const folders = runtimeFolders();
    expect(folders).toEqual(['bin', 'core', 'auth', 'policies', 'schema', 'gateway', 'systems', 'runtime', 'seed', 'registry']);
    const sources = folders.flatMap((folder) => filesBelow(path.join(repo, folder)).map((file) => path.join(folder, file)));
    const modules = sources
      .filter((file) => file.endsWith('.ts') && file !== 'bin/build.ts')
      .map((file) => file.replace(/\.ts$/, '.js'))
      .sort();
    const assets = [
      'package.json',
      ...sources.filter(
        (file) => (file.startsWith('schema/') && file.endsWith('.graphql')) || (file.startsWith('registry/web/') && !file.endsWith('.ts')),
      ),
    ].sort();
    expect(modules).toContain('bin/tessera.js');
    expect(assets).toEqual(
      expect.arrayContaining(['schema/crm.graphql', 'schema/governance.graphql', 'registry/web/index.html', 'registry/web/app.js']),
    );
    expect({ modules: built.modules, assets: built.assets }).toEqual({ modules, assets });
    expect(filesBelow(outDir)).toEqual([...modules, ...assets].sort());
    for (const asset of assets) expect(fs.readFileSync(path.join(outDir, asset)), asset).toEqual(fs.readFileSync(path.join(repo, asset)));
  });

  it('leaves no .ts import specifier, static or dynamic, and every relative import finds its module in the build', () => {
    let relative = 0;
    for (const module of built.modules) {
      const { importedFiles } = ts.preProcessFile(fs.readFileSync(path.join(outDir, module), 'utf8'), true, true);
      const specifiers = importedFiles.map((file) => file.fileName);
      expect({ module, ts: specifiers.filter((specifier) => /\.[mc]?tsx?$/.test(specifier)) }).toEqual({ module, ts: [] });
      for (const specifier of specifiers.filter((candidate) => candidate.startsWith('.'))) {
        relative += 1;
        expect(fs.existsSync(path.join(outDir, path.dirname(module), specifier)), `${module}: ${specifier}`).toBe(true);
      }
    }
    expect(relative).toBeGreaterThan(built.modules.length);
    // The commands are loaded on demand (bin/cli/commands.ts): dynamic imports are rewritten too.
    const commands = ts.preProcessFile(fs.readFileSync(path.join(outDir, 'bin/cli/commands.js'), 'utf8'), true, true);
    expect(commands.importedFiles.map((file) => file.fileName)).toEqual(
      expect.arrayContaining([
        '../commands/start.js',
        '../commands/serve.js',
        '../commands/seed.js',
        '../commands/token.js',
        '../commands/registry.js',
      ]),
    );
  });

  it('runs `tessera --help` and `--version` under plain node', async () => {
    expect(await tessera(['--help'])).toEqual({ code: 0, stdout: ROOT_USAGE, stderr: '' });
    expect(await tessera(['--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('mints a development token with `tessera token` under plain node, loading only the build and node_modules', async () => {
    const dataDir = path.join(root, 'data');
    const run = await tessera(['token', '--sub', 'alice', '--scope', 'crm:read psa:read', '--ttl', '600'], { TESSERA_DATA_DIR: dataDir });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    // The source tree's gateway, on the same data folder (its development key), accepts it.
    const verifier = createTokenVerifier(loadConfig({ TESSERA_DATA_DIR: dataDir }, root).auth);
    const principal = await verifier.verify(`Bearer ${run.stdout.trim()}`);
    expect({ sub: principal?.sub, scopes: [...(principal?.scopes ?? [])] }).toEqual({ sub: 'alice', scopes: ['crm:read', 'psa:read'] });
    const { iat, exp } = jwt.decode(run.stdout.trim()) as jwt.JwtPayload;
    expect(exp! - iat!).toBe(600);

    // The same, each import recorded (test/harness/recordImports.mjs): no module of the source tree, no tsx.
    const record = path.join(root, 'imports.txt');
    const recorded = await tessera(['token', '--sub', 'alice'], { TESSERA_DATA_DIR: dataDir, RECORD_IMPORTS_TO: record }, [
      '--import',
      pathToFileURL(path.join(repo, 'test/harness/recordImports.mjs')).href,
    ]);
    expect({ code: recorded.code, stderr: recorded.stderr }).toEqual({ code: 0, stderr: '' });
    const files = fs
      .readFileSync(record, 'utf8')
      .split('\n')
      .filter((url) => url.startsWith('file:'))
      .map((url) => fileURLToPath(url));
    const inBuild = files.filter((file) => file.startsWith(`${outDir}/`)).map((file) => path.relative(outDir, file));
    expect(inBuild).toEqual(expect.arrayContaining(['bin/tessera.js', 'bin/commands/token.js', 'auth/devToken.js']));
    const dependencies = [path.join(root, 'node_modules'), path.join(repo, 'node_modules')].map((folder) => `${folder}/`);
    expect(files.filter((file) => !file.startsWith(`${outDir}/`) && !dependencies.some((folder) => file.startsWith(folder)))).toEqual([]);
    expect(files.filter((file) => /\/node_modules\/tsx\//.test(file))).toEqual([]);
  });

  it("serves the architects' page from the build, and none of the server's compiled modules", async () => {
    type Assets = { registryPageAssets(): ReadonlyMap<string, unknown> };
    const compiled = (await import(pathToFileURL(path.join(outDir, 'registry/page/assets.js')).href)) as Assets;
    const page = [
      'api.js',
      'app.css',
      'app.js',
      'changes.js',
      'dom.js',
      'favicon.svg',
      'viewChecks.js',
      'viewHistory.js',
      'viewSchema.js',
      'viewUsage.js',
    ];
    const expected = ['/registry/', ...page.map((file) => `/registry/assets/${file}`)];
    expect([...compiled.registryPageAssets().keys()]).toEqual(expected);
    expect([...registryPageAssets().keys()]).toEqual(expected);
  });

  it('refuses to empty a folder that is neither empty nor a previous build, or that holds the repository', () => {
    const other = path.join(root, 'not-a-build');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'keep.txt'), 'mine');
    expect(() => buildDist({ outDir: other })).toThrow(
      `build: ${other} is not empty and holds no previous build (bin/tessera.js); not emptying it`,
    );
    expect(fs.readFileSync(path.join(other, 'keep.txt'), 'utf8')).toBe('mine');
    expect(() => buildDist({ outDir: repo })).toThrow(`build: ${path.resolve(repo)} holds the repository; choose another output folder`);
  });

  it('fails on a syntax error in an entry, naming the file and the place, and writes nothing', () => {
    // Entries live in the repository (the build's rootDir): a git-ignored folder no tsconfig, lint or test reads.
    const scratch = path.join(repo, '.tessera');
    fs.mkdirSync(scratch, { recursive: true });
    const folder = fs.mkdtempSync(path.join(scratch, 'build-test-'));
    const entry = path.join(folder, 'broken.ts');
    fs.writeFileSync(entry, 'export const x = ;\n');
    const target = path.join(root, 'broken');
    try {
      let failure: unknown;
      try {
        buildDist({ outDir: target, entries: [entry] });
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(BuildFailed);
      expect((failure as BuildFailed).message).toBe(`${path.relative(repo, entry)}(1,18): error TS1109: Expression expected.\n`);
      expect(fs.existsSync(target)).toBe(false);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      if (fs.readdirSync(scratch).length === 0) fs.rmdirSync(scratch);
    }
  }, 60_000);
});
