/**
 * Each command loads only what it needs (issue 11, the CLI): the real bin in a child process, with
 * a module hook (test/harness/recordImports.mjs) recording every module it imports. Minting a token
 * or asking for help never loads `@apollo/gateway`; the gateway's own command does (the control
 * that shows the recorder sees it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess, type ProcessResult } from '../harness/runProcess.ts';

const ROOT = new URL('../..', import.meta.url);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-modules-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let runs = 0;

/** The bin run with `args`; its result and the modules it imported (project-relative, or node_modules/<package>). */
async function tessera(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult & { modules: string[] }> {
  runs += 1;
  const record = path.join(work, `imports-${runs}.txt`);
  // The parent's TESSERA_* variables are left out: the child sees only what the test sets.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TESSERA_')));
  const result = await runProcess(
    process.execPath,
    ['--import', 'tsx', '--import', './test/harness/recordImports.mjs', 'bin/tessera.ts', ...args],
    {
      cwd: ROOT,
      env: { ...inherited, TESSERA_DATA_DIR: path.join(work, 'data'), RECORD_IMPORTS_TO: record, ...env },
    },
  );
  const root = ROOT.href;
  const modules = [
    ...new Set(
      fs
        .readFileSync(record, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith(root))
        .map((url) => url.slice(root.length).replace(/^(node_modules\/(@[^/]+\/)?[^/]+)\/.*$/, '$1')),
    ),
  ];
  return { ...result, modules };
}

const GATEWAY_MODULES =
  /^(node_modules\/@apollo\/(gateway|server|composition)|gateway\/|runtime\/(embedded|gateway|gatewayService)\.ts|systems\/)/;

describe('what a command loads', () => {
  it('`tessera token` loads auth/ and the configuration, nothing of the gateway, the systems or the runtime roots', async () => {
    const run = await tessera(['token', '--sub', 'alice', '--scope', 'crm:read']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(run.modules).toEqual(
      expect.arrayContaining(['bin/tessera.ts', 'bin/commands/token.ts', 'auth/devToken.ts', 'node_modules/jsonwebtoken']),
    );
    expect(run.modules.filter((module) => GATEWAY_MODULES.test(module))).toEqual([]);
  }, 30_000);

  it('`--help` and `--version` load no command and read no configuration', async () => {
    for (const args of [['--help'], ['--version'], ['serve', '--help'], ['seed', '--version']]) {
      const run = await tessera(args, { TESSERA_ENV: 'staging' });
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect({ args, loaded: run.modules.filter((module) => module.startsWith('bin/commands/') || GATEWAY_MODULES.test(module)) }).toEqual({
        args,
        loaded: [],
      });
    }
  }, 60_000);

  it('the control: `tessera serve gateway --remote` loads @apollo/gateway (and stops: no subgraph URL is set)', async () => {
    const run = await tessera(['serve', 'gateway', '--remote']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^tessera serve: the gateway alone calls every subgraph over HTTP: set TESSERA_SUBGRAPH_CRM_URL/);
    expect(run.modules).toEqual(expect.arrayContaining(['bin/commands/serve.ts', 'runtime/gateway.ts', 'node_modules/@apollo/gateway']));
  }, 60_000);
});
