/**
 * The Dockerfile, checked without a Docker engine (README "Packaging"): three stages on
 * node:20-bookworm-slim, production dependencies built where a compiler is, the compiled build
 * (`npm run build`) in a stage of its own, an image with only those two and the health check, a
 * non-root user, production settings, the data volume, the health check, node itself as PID 1 with
 * the compiled bin as its entrypoint (whose `--help` answers run the same way outside Docker, in
 * the image's files laid out by the test), and a build context that keeps out tests, data, secrets
 * and a local dist/ but nothing the build reads.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUT_DIR } from '../../bin/build.ts';
import { runProcess } from '../harness/runProcess.ts';
import { execForm, imageEnv, isKnownVariable, layOutImage, parseDockerfile, REPO, repoFile, runModeOf } from '../harness/packaging.ts';

const instructions = parseDockerfile(repoFile('Dockerfile'));
const finalStage = Math.max(...instructions.map((instruction) => instruction.stage));
const inFinal = (keyword: string) =>
  instructions.filter((instruction) => instruction.keyword === keyword && instruction.stage === finalStage);
const entrypoint = execForm(inFinal('ENTRYPOINT').at(-1));
const cmd = execForm(inFinal('CMD').at(-1));

/** The image's /app (WORKDIR) as its COPY instructions lay it out: node_modules, the compiled build, the health check. */
let root: string;
let app: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dockerfile-'));
  app = path.join(root, 'app');
  layOutImage(instructions, app);
}, 60_000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim in three stages: dependencies, the compiled build, then the image', () => {
    expect(instructions.filter((instruction) => instruction.keyword === 'FROM').map((from) => from.args)).toEqual([
      'node:20-bookworm-slim AS deps',
      'node:20-bookworm-slim AS build',
      'node:20-bookworm-slim',
    ]);
  });

  it('installs production dependencies only, with the compiler better-sqlite3 may need, in the first stage', () => {
    const build = instructions.filter((instruction) => instruction.keyword === 'RUN' && instruction.stage === 0).map((run) => run.args);
    expect(build.some((run) => /apt-get install .*\bpython3 make g\+\+/.test(run))).toBe(true);
    expect(build.some((run) => /\bnpm ci --omit=dev\b/.test(run))).toBe(true);
    // The final stage copies the installed node_modules and installs nothing: no compiler, no dev tools in the image.
    expect(inFinal('RUN').some((run) => /\b(npm|apt-get install)\b/.test(run.args))).toBe(false);
    expect(inFinal('COPY').map((copy) => copy.args)).toEqual([
      '--from=deps /app/node_modules ./node_modules',
      '--from=build /app/dist ./dist',
      'deploy/healthcheck.mjs ./deploy/healthcheck.mjs',
    ]);
  });

  it('compiles in the second stage with every dependency (`npm ci`, `npm run build`): only dist/ goes on', () => {
    const build = instructions.filter((instruction) => instruction.stage === 1);
    expect(build.map(({ keyword, args }) => `${keyword} ${args}`)).toEqual([
      'FROM node:20-bookworm-slim AS build',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci --ignore-scripts --no-audit --no-fund',
      'COPY . .',
      'RUN npm run build',
    ]);
    // `npm run build` is bin/build.ts with its default output folder, the one the final stage copies.
    expect((JSON.parse(repoFile('package.json')) as { scripts: Record<string, string> }).scripts.build).toBe('tsx bin/build.ts');
    expect(DEFAULT_OUT_DIR).toBe('dist');
  });

  it('runs as a user of its own in production, its data on the /data volume', () => {
    expect(inFinal('USER').map((user) => user.args)).toEqual(['tessera']);
    const env = imageEnv(instructions);
    expect(env).toEqual({ NODE_ENV: 'production', TESSERA_ENV: 'production', TESSERA_DATA_DIR: '/data' });
    expect(Object.keys(env).filter((name) => name.startsWith('TESSERA_') && !isKnownVariable(name))).toEqual([]);
    expect(inFinal('VOLUME').map((volume) => volume.args)).toEqual(['["/data"]']);
    expect(inFinal('RUN').some((run) => /chown tessera:tessera \/data/.test(run.args) && /chmod 0700 \/data/.test(run.args))).toBe(true);
  });

  it('checks health with deploy/healthcheck.mjs', () => {
    expect(inFinal('HEALTHCHECK').map((check) => check.args)).toEqual([
      '--interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]',
    ]);
  });

  it('runs node as PID 1 (never npm, which would not pass SIGTERM on) on the compiled bin, no tsx, tessera start by default', () => {
    expect(entrypoint).toEqual(['node', `${DEFAULT_OUT_DIR}/bin/tessera.js`]);
    expect(cmd).toEqual(['start']);
    expect(runModeOf(cmd)).toEqual({ mode: 'embedded' });
    expect(inFinal('STOPSIGNAL').map((signal) => signal.args)).toEqual(['SIGTERM']);
  });

  it("answers --help when its entrypoint runs the same way outside Docker, in the image's files", async () => {
    const [command, ...args] = entrypoint;
    const help = await runProcess(command!, [...args, '--help'], { cwd: pathToFileURL(`${app}/`), env: { PATH: process.env.PATH } });
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/usage:\s+tessera /i);
    expect(help.stdout).toContain('serve');
  }, 30_000);
});

describe('.dockerignore', () => {
  const patterns = repoFile('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  /** Docker's matching for the patterns used here: `*` within one path segment, a match covers what is below it. */
  const ignored = (file: string) =>
    patterns.some((pattern) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}(/|$)`).test(file));

  it('keeps git, node_modules, data, env files, tests and benchmarks out of the build context', () => {
    const out = [
      '.git',
      'node_modules',
      'data/crm.sqlite',
      '.tessera/x',
      'deploy/tessera.env',
      'deploy/postgres.env',
      '.env',
      'test/config.test.ts',
      'bench/run.ts',
      'dist/bin/tessera.js',
    ];
    expect(out.filter((file) => !ignored(file))).toEqual([]);
  });

  it('keeps everything the build stage reads and the image copies', () => {
    const buildConfig = ts.readConfigFile(new URL('tsconfig.build.json', REPO).pathname, ts.sys.readFile).config as { include: string[] };
    const production = buildConfig.include;
    const needed = [
      ...production,
      'bin/build.ts',
      'schema/crm.graphql',
      'registry/web/index.html',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'deploy/healthcheck.mjs',
      'deploy/compose.yaml',
    ];
    expect(production).toContain('bin');
    expect(production).not.toContain('test');
    expect(needed.filter(ignored)).toEqual([]);
  });
});
