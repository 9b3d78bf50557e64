/**
 * The Dockerfile, checked without a Docker engine (README "Packaging"): two stages on
 * node:20-bookworm-slim, production dependencies built where a compiler is, a non-root user,
 * production settings, the data volume, the health check, node itself as PID 1 with the bin as its
 * entrypoint (whose `--help` answers run the same way outside Docker), and a build context that
 * keeps out tests, data and secrets but nothing the processes load.
 */
import { describe, expect, it } from 'vitest';
import { runProcess } from '../harness/runProcess.ts';
import { execForm, imageEnv, isKnownVariable, parseDockerfile, REPO, repoFile, runModeOf } from '../harness/packaging.ts';

const instructions = parseDockerfile(repoFile('Dockerfile'));
const finalStage = Math.max(...instructions.map((instruction) => instruction.stage));
const inFinal = (keyword: string) =>
  instructions.filter((instruction) => instruction.keyword === keyword && instruction.stage === finalStage);
const entrypoint = execForm(inFinal('ENTRYPOINT').at(-1));
const cmd = execForm(inFinal('CMD').at(-1));

describe('Dockerfile', () => {
  it('builds on node:20-bookworm-slim in two stages: dependencies, then the image', () => {
    expect(instructions.filter((instruction) => instruction.keyword === 'FROM').map((from) => from.args)).toEqual([
      'node:20-bookworm-slim AS deps',
      'node:20-bookworm-slim',
    ]);
  });

  it('installs production dependencies only, with the compiler better-sqlite3 may need, in the first stage', () => {
    const build = instructions.filter((instruction) => instruction.keyword === 'RUN' && instruction.stage === 0).map((run) => run.args);
    expect(build.some((run) => /apt-get install .*\bpython3 make g\+\+/.test(run))).toBe(true);
    expect(build.some((run) => /\bnpm ci --omit=dev\b/.test(run))).toBe(true);
    // The final stage copies the installed node_modules and installs nothing: no compiler, no dev tools in the image.
    expect(inFinal('RUN').some((run) => /\b(npm|apt-get install)\b/.test(run.args))).toBe(false);
    expect(inFinal('COPY').map((copy) => copy.args)).toEqual(['--from=deps /app/node_modules ./node_modules', '. .']);
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

  it('runs node as PID 1 (never npm, which would not pass SIGTERM on), tessera start by default', () => {
    expect(entrypoint).toEqual(['node', '--import', 'tsx', 'bin/tessera.ts']);
    expect(cmd).toEqual(['start']);
    expect(runModeOf(cmd)).toEqual({ mode: 'embedded' });
    expect(inFinal('STOPSIGNAL').map((signal) => signal.args)).toEqual(['SIGTERM']);
  });

  it('answers --help when its entrypoint runs the same way outside Docker', async () => {
    const [command, ...args] = entrypoint;
    const help = await runProcess(command!, [...args, '--help'], { cwd: REPO, env: { PATH: process.env.PATH } });
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
    ];
    expect(out.filter((file) => !ignored(file))).toEqual([]);
  });

  it('keeps everything the processes load', () => {
    const tsconfig = JSON.parse(repoFile('tsconfig.json')) as { include: string[] };
    const production = tsconfig.include.filter((folder) => !['test', 'bench', '*.ts'].includes(folder));
    const needed = [
      ...production,
      'schema/crm.graphql',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'deploy/healthcheck.mjs',
      'deploy/compose.yaml',
    ];
    expect(production).toContain('bin');
    expect(needed.filter(ignored)).toEqual([]);
  });
});
