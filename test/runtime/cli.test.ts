/**
 * The `tessera` command line (issue 11, the CLI): `--help` and `--version` on the root and on every
 * command, answered without reading the configuration; unknown flags and arguments refused with
 * exit 2 and the usage; a refused configuration exit 1; unknown variables warned about. In process
 * (runCli with its output captured); test/runtime/cliModules.test.ts runs the real bin.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, describe, expect, it } from 'vitest';
import { readOrCreateKeyFile } from '../../auth/keys/devKeyFile.ts';
import { COMMANDS, ROOT_USAGE, commandHelp } from '../../bin/cli/commands.ts';
import { runCli } from '../../bin/cli/runCli.ts';
import { REGISTRY_CLI_USAGE } from '../../registry/cli/main.ts';
import { PRODUCTION_ENV } from '../harness/productionEnv.ts';

const VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** An environment the configuration refuses: whatever answers under it read no configuration. */
const REFUSED_ENV = { TESSERA_ENV: 'staging' };

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function tessera(args: readonly string[], env: NodeJS.ProcessEnv = { TESSERA_DATA_DIR: dataDir }): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    env,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  return { code, stdout, stderr };
}

const usageOf = (name: string) => `usage: ${COMMANDS.find((command) => command.name === name)!.usage}\n(tessera ${name} --help)\n`;

describe('--help and --version', () => {
  it('the root prints its usage (every command) and the version, exit 0', async () => {
    for (const flag of ['--help', '-h', 'help'])
      expect(await tessera([flag], REFUSED_ENV)).toEqual({ code: 0, stdout: ROOT_USAGE, stderr: '' });
    expect(await tessera(['--version'], REFUSED_ENV)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
    for (const name of ['start', 'serve', 'seed', 'token', 'registry']) expect(ROOT_USAGE).toContain(`\n  tessera ${name}`);
  });

  it.each(['start', 'serve', 'seed', 'token'])('`tessera %s --help` prints its own help; --version the version', async (name) => {
    const command = COMMANDS.find((candidate) => candidate.name === name)!;
    expect(await tessera([name, '--help'], REFUSED_ENV)).toEqual({ code: 0, stdout: commandHelp(command), stderr: '' });
    expect(await tessera([name, '-h'], REFUSED_ENV)).toEqual({ code: 0, stdout: commandHelp(command), stderr: '' });
    expect(await tessera([name, '--version'], REFUSED_ENV)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(commandHelp(command)).toMatch(
      new RegExp(`^usage: tessera ${name}.*\\n[^]*  -h, --help   this help\\n  --version    the version of Tessera\\n$`),
    );
  });

  it('`tessera serve gateway --help` and `tessera token --sub x --help` still answer the help', async () => {
    const serve = COMMANDS.find((command) => command.name === 'serve')!;
    expect(await tessera(['serve', 'gateway', '--help'], REFUSED_ENV)).toEqual({ code: 0, stdout: commandHelp(serve), stderr: '' });
    expect((await tessera(['token', '--sub', 'x', '--help'], REFUSED_ENV)).code).toBe(0);
  });

  it('`tessera registry` answers --help and --version, on the command and on a verb', async () => {
    expect(await tessera(['registry', '--help'], REFUSED_ENV)).toEqual({ code: 0, stdout: REGISTRY_CLI_USAGE, stderr: '' });
    expect(await tessera(['registry', '--version'], REFUSED_ENV)).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    expect(await tessera(['registry', 'history', '--version'])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('usage mistakes: exit 2 with the usage', () => {
  it('no command, an unknown command, an unknown root flag', async () => {
    expect(await tessera([])).toEqual({ code: 2, stdout: '', stderr: `tessera: missing command\n${ROOT_USAGE}` });
    expect(await tessera(['begin'])).toEqual({ code: 2, stdout: '', stderr: `tessera: unknown command "begin"\n${ROOT_USAGE}` });
    expect(await tessera(['--verbose'])).toEqual({ code: 2, stdout: '', stderr: `tessera: unknown option "--verbose"\n${ROOT_USAGE}` });
  });

  it.each([
    [['start', '--port', '5'], 'start', "Unknown option '--port'"],
    [['start', 'now'], 'start', "Unexpected argument 'now'. This command does not take positional arguments"],
    [['serve'], 'serve', 'a role is required: one of crm, psa, erp, integration, gateway, relay, registry'],
    [['serve', 'billing'], 'serve', 'unknown role "billing": one of crm, psa, erp, integration, gateway, relay, registry'],
    [['serve', 'crm', 'psa'], 'serve', 'unexpected argument "psa"'],
    [['serve', 'crm', '--remote'], 'serve', '--remote is for `tessera serve gateway` only'],
    [['serve', 'gateway', '--remot'], 'serve', "Unknown option '--remot'"],
    [['seed', '--scale'], 'seed', "Option '--scale <value>' argument missing"],
    [['seed', '--scale', 'xl'], 'seed', '--scale must be one of s, m, l; got "xl"'],
    [['seed', '--force'], 'seed', "Unknown option '--force'"],
    [['token'], 'token', '--sub is required'],
    [['token', '--sub', 'alice', '--admin'], 'token', "Unknown option '--admin'"],
    [['token', '--sub', 'alice', '--ttl', '0'], 'token', '--ttl must be a whole number of seconds from 1 to 86400'],
  ])('%j', async (args, name, message) => {
    // A bad environment too: the usage mistake is reported first, whatever the configuration.
    expect(await tessera(args, REFUSED_ENV)).toEqual({ code: 2, stdout: '', stderr: `tessera ${name}: ${message}\n${usageOf(name)}` });
  });

  it('a registry verb refuses an unknown flag with its own usage', async () => {
    const run = await tessera(['registry', 'history', '--subgraph', 'crm', '--colour']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tessera registry history: Unknown option '--colour'\nusage: tessera registry history /);
  });
});

describe('running a command', () => {
  it('token prints a development token alone on stdout', async () => {
    const run = await tessera(['token', '--sub', 'alice', '--scope', 'crm:read psa:read', '--ttl', '600']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const key = await readOrCreateKeyFile(path.join(dataDir, 'dev-signing-key'));
    const claims = jwt.verify(run.stdout.trim(), key, {
      algorithms: ['HS256'],
      issuer: 'tessera-dev',
      audience: 'tessera',
    }) as jwt.JwtPayload;
    expect([claims.sub, claims.scope, claims.exp! - claims.iat!]).toEqual(['alice', 'crm:read psa:read', 600]);
  });

  it('a refused configuration is exit 1 with the message naming the variable, no stack', async () => {
    expect(await tessera(['token', '--sub', 'alice'], { TESSERA_DATA_DIR: dataDir, TESSERA_LIMIT_DEPTH: 'deep' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tessera token: TESSERA_LIMIT_DEPTH must be a positive integer; got "deep"\n',
    });
  });

  it('warns about an unknown variable in development, one log line naming it and the likely one', async () => {
    const run = await tessera(['token', '--sub', 'alice'], { TESSERA_DATA_DIR: dataDir, TESSERA_LIMIT_DEPHT: '5' });
    expect(run.code).toBe(0);
    expect(
      run.stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { level: number; msg: string }),
    ).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'TESSERA_LIMIT_DEPHT is not a Tessera variable and is ignored (did you mean TESSERA_LIMIT_DEPTH?)',
      }),
    ]);
  });

  it('refuses an unknown variable in production, naming it', async () => {
    const run = await tessera(['token', '--sub', 'alice'], { ...PRODUCTION_ENV, TESSERA_SEED_SCAL: 'm' });
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'tessera token: TESSERA_ENV=production refuses unknown TESSERA_* variables: TESSERA_SEED_SCAL is not a Tessera variable and is ignored ' +
        '(did you mean TESSERA_SEED_SCALE?). Remove them or correct their names (README "Configuration").\n',
    });
  });
});
