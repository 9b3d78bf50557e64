import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/logger.ts';
import { openRegistry } from '../../../registry/service/openRegistry.ts';
import { REGISTRY_CLI_USAGE, runRegistryCli } from '../../../registry/cli/main.ts';
import { publishAtStart } from '../../../registry/service/publishAtStart.ts';
import type { LocalRegistry } from '../../../registry/service/createRegistry.ts';
import type { CheckReport, Contract, PublishResult, SchemaVersion } from '../../../registry/types.ts';
import { registryDeclarations, START_AUTHOR } from '../../../runtime/registry.ts';
import { readSubgraphSdl } from '../../../schema/subgraphSdl.ts';
import { runProcess } from '../../harness/runProcess.ts';
import { rootFixture, type RootFixture } from '../../runtime/roots.ts';
import { NOW, startRegistryFixture, type RegistryFixture } from '../http/registryFixture.ts';

const CRM = readSubgraphSdl('crm');
const CRM_WITH_NICKNAME = CRM.replace(
  '  website: String @tag(name: "partner")\n',
  '  website: String @tag(name: "partner")\n  nickname: String @tag(name: "partner")\n',
);
const CRM_WITHOUT_WEBSITE = CRM.replace('  website: String @tag(name: "partner")\n', '');
const USED_AT = '2026-02-28T10:00:00.000Z';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Schema files of the test, in a folder of its own. */
function schemaFiles(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
  fs.writeFileSync(path.join(dir, 'nickname.graphql'), CRM_WITH_NICKNAME);
  fs.writeFileSync(path.join(dir, 'no-website.graphql'), CRM_WITHOUT_WEBSITE);
  fs.writeFileSync(path.join(dir, 'broken.graphql'), `${CRM}\ntype Account { id: Int }\n`);
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function cliFor(root: RootFixture, dir: string) {
  return async (...argv: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const code = await runRegistryCli(argv, {
      config: root.config,
      declarations: registryDeclarations(root.config, 'in-process'),
      logger: createLogger('silent'),
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      cwd: dir,
      clock: () => NOW,
      osUser: () => 'tester',
    });
    return { code, stdout, stderr };
  };
}

const usageLine = (usage: string) => `usage: tessera registry ${usage} [--registry URL] [--token TOKEN] [--author NAME] [--json]\n`;

describe('tessera registry (the embedded registry in TESSERA_DATA_DIR)', () => {
  let root: RootFixture;
  let files: ReturnType<typeof schemaFiles>;
  let cli: ReturnType<typeof cliFor>;

  beforeAll(async () => {
    root = rootFixture();
    files = schemaFiles();
    cli = cliFor(root, files.dir);
    // What npm start leaves: schema/ published, and a client that read Account.website.
    const local = await openRegistry({
      config: root.config,
      declarations: registryDeclarations(root.config, 'in-process'),
      logger: createLogger('silent'),
      clock: () => NOW,
    });
    const registry = local.registry as LocalRegistry;
    await publishAtStart(
      registry,
      registryDeclarations(root.config, 'in-process').map(({ name, url }) => ({ name, url, sdl: readSubgraphSdl(name) })),
      START_AUTHOR,
      createLogger('silent'),
    );
    await registry.recordUsage({ entries: [{ clientId: 'app-1', coordinate: 'Account.website', count: 3, lastUsedAt: USED_AT }] });
    await local.close();
  }, 60_000);
  afterAll(async () => {
    files?.remove();
    await root?.remove();
  });

  it('--help at the top and on every verb prints the usage and exits 0; no verb or an unknown one exits 2', async () => {
    expect(await cli('--help')).toEqual({ code: 0, stdout: REGISTRY_CLI_USAGE, stderr: '' });
    expect(await cli()).toEqual({ code: 2, stdout: '', stderr: REGISTRY_CLI_USAGE });
    expect(await cli('bogus')).toEqual({ code: 2, stdout: '', stderr: `tessera registry: unknown verb "bogus"\n${REGISTRY_CLI_USAGE}` });
    for (const verb of [
      'publish',
      'check',
      'compose',
      'diff',
      'history',
      'rollback',
      'supergraph',
      'fetch',
      'usage',
      'deprecations',
      'audit',
    ]) {
      const run = await cli(verb, '--help');
      expect([verb, run.code, run.stdout.startsWith(`usage: tessera registry ${verb}`), run.stderr]).toEqual([verb, 0, true, '']);
    }
    for (const verb of [
      ['contract', 'create'],
      ['contract', 'list'],
    ]) {
      const run = await cli(...verb, '-h');
      expect([run.code, run.stdout.startsWith(`usage: tessera registry ${verb.join(' ')}`)]).toEqual([0, true]);
    }
  });

  it('refuses an unknown flag, a missing value, a missing flag and a bad number with exit 2 and the usage', async () => {
    expect(await cli('history', '--bogus')).toEqual({
      code: 2,
      stdout: '',
      stderr: `tessera registry history: Unknown option '--bogus'\n${usageLine('history [--subgraph NAME]')}`,
    });
    expect(await cli('diff', '--subgraph', 'crm', '--from')).toEqual({
      code: 2,
      stdout: '',
      stderr: `tessera registry diff: Option '--from <value>' argument missing\n${usageLine('diff --subgraph NAME --from N --to M')}`,
    });
    expect(await cli('publish', '--subgraph', 'crm')).toEqual({
      code: 2,
      stdout: '',
      stderr: `tessera registry publish: --schema required\n${usageLine('publish --subgraph NAME --schema FILE [--url URL] [--commit SHA]')}`,
    });
    expect((await cli('rollback', '--subgraph', 'crm', '--to', 'two')).stderr).toBe(
      `tessera registry rollback: --to must be a positive integer; got "two"\n${usageLine('rollback --subgraph NAME --to N')}`,
    );
    expect((await cli('history', '--token', 't')).code).toBe(2);
  });

  it('history, fetch and supergraph read what was published', async () => {
    expect(await cli('history', '--subgraph', 'erp')).toEqual({
      code: 0,
      stdout: `erp v1  ${NOW.toISOString()}  system:tessera-start  http://erp.embedded.tessera/graphql\n`,
      stderr: '',
    });
    const json = await cli('history', '--json');
    expect((JSON.parse(json.stdout) as SchemaVersion[]).map(({ subgraph, version }) => `${subgraph} v${version}`).sort()).toEqual([
      'crm v1',
      'erp v1',
      'integration v1',
      'psa v1',
    ]);
    expect(await cli('fetch', '--subgraph', 'crm')).toEqual({ code: 0, stdout: CRM.endsWith('\n') ? CRM : `${CRM}\n`, stderr: '' });
    expect(await cli('fetch', '--subgraph', 'crm', '--version', '7')).toMatchObject({ code: 1, stdout: '' });
    const supergraph = await cli('supergraph');
    expect([supergraph.code, supergraph.stdout]).toEqual([0, expect.stringContaining('join__Graph')]);
  });

  it('check: a passing change exits 0 with the report; a breaking change in use exits 1 naming the client', async () => {
    const passing = await cli('check', '--subgraph', 'crm', '--schema', 'nickname.graphql');
    expect([passing.code, passing.stderr]).toEqual([0, '']);
    expect(passing.stdout).toMatch(/^check of crm against v1: PASSED \(report \d+\)\n {2}composition passed\n/);
    expect(passing.stdout).toContain('  safe (1)\n    FIELD_ADDED Account.nickname: ');

    const json = await cli('check', '--subgraph', 'crm', '--schema', 'nickname.graphql', '--json');
    const report = JSON.parse(json.stdout) as CheckReport;
    expect([json.code, report.passed, report.author, report.changes.safe.map(({ coordinate }) => coordinate)]).toEqual([
      0,
      true,
      'local:tester',
      ['Account.nickname'],
    ]);

    const failing = await cli('check', '--subgraph', 'crm', '--schema', 'no-website.graphql');
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^check of crm against v1: FAILED/);
    expect(failing.stdout).toContain('  usage       FAILED\n');
    expect(failing.stdout).toContain(`      client app-1: 3 operations, last used ${USED_AT}\n`);
    expect(failing.stdout).toContain('  breaking (1)\n    FIELD_REMOVED Account.website: ');
  });

  it('compose prints the supergraph with one subgraph replaced, or the composition errors (exit 1); it stores nothing', async () => {
    const composed = await cli('compose', '--subgraph', 'crm', '--schema', 'nickname.graphql');
    expect([composed.code, composed.stdout]).toEqual([0, expect.stringContaining('nickname: String')]);
    const broken = await cli('compose', '--subgraph', 'crm', '--schema', 'broken.graphql');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^composition failed:\n- /);
    expect((await cli('compose', '--subgraph', 'crm')).code).toBe(2);
    expect(JSON.parse((await cli('history', '--subgraph', 'crm', '--json')).stdout)).toHaveLength(1);
  });

  it('publish, diff, a refused publish (exit 1, CODE: message), rollback, contracts, usage, deprecations, audit', async () => {
    const published = await cli('publish', '--subgraph', 'crm', '--schema', 'nickname.graphql', '--commit', 'abc123', '--author', 'carol');
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(
      new RegExp(
        `^published crm v2 by carol at ${NOW.toISOString()}\\nsupergraph \\d+ composed from crm v2, psa v1, erp v1, integration v1 \\(etag "[0-9a-f]{64}"\\)\\ncheck of crm against v1: PASSED`,
      ),
    );

    const unchanged = await cli('publish', '--subgraph', 'crm', '--schema', 'nickname.graphql', '--json');
    expect((JSON.parse(unchanged.stdout) as PublishResult).published).toBe(false);

    const diff = await cli('diff', '--subgraph', 'crm', '--from', '1', '--to', '2');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^--- crm v1\n\+\+\+ crm v2\n@@ /);
    expect(diff.stdout).toContain('\n+  nickname: String @tag(name: "partner")\n');
    expect(diff.stdout).toContain('changes:\n  breaking (0)\n  dangerous (0)\n  safe (1)\n    FIELD_ADDED Account.nickname: ');

    const refused = await cli('publish', '--subgraph', 'crm', '--schema', 'no-website.graphql');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^check of crm against v2: FAILED/);
    expect(refused.stderr).toMatch(/^REGISTRY_CHECK_FAILED: .+\n$/);
    const refusedJson = await cli('publish', '--subgraph', 'crm', '--schema', 'no-website.graphql', '--json');
    expect((JSON.parse(refusedJson.stdout) as { error: { code: string; report: CheckReport } }).error.code).toBe('REGISTRY_CHECK_FAILED');

    const rollback = await cli('rollback', '--subgraph', 'crm', '--to', '1', '--json');
    const rolled = JSON.parse(rollback.stdout) as PublishResult;
    expect([rollback.code, rolled.version.version, rolled.version.rolledBackFrom, rolled.version.author]).toEqual([
      0,
      3,
      1,
      'local:tester',
    ]);
    expect((await cli('history', '--subgraph', 'crm')).stdout.split('\n')[0]).toBe(
      `crm v3  ${NOW.toISOString()}  local:tester  http://crm.embedded.tessera/graphql  rollback to v1`,
    );

    expect(await cli('contract', 'create', '--name', 'partner', '--include', 'partner')).toEqual({
      code: 0,
      stdout: `created contract partner  include: partner  exclude: none  by local:tester at ${NOW.toISOString()}\n`,
      stderr: '',
    });
    expect(JSON.parse((await cli('contract', 'list', '--json')).stdout)).toEqual([
      {
        name: 'partner',
        includeTags: ['partner'],
        excludeTags: [],
        createdBy: 'local:tester',
        createdAt: NOW.toISOString(),
      } satisfies Contract,
    ]);
    const again = await cli('contract', 'create', '--name', 'partner');
    expect([again.code, again.stderr.startsWith('REGISTRY_CONTRACT_EXISTS: ')]).toEqual([1, true]);
    expect((await cli('supergraph', '--contract', 'partner')).code).toBe(0);

    expect(await cli('usage', '--coordinate', 'Account.website', '--coordinate', 'Account.nope')).toEqual({
      code: 0,
      stdout: `Account.nope\n  no client used it in the window\nAccount.website\n  client app-1: 3 operations, last used ${USED_AT}\n`,
      stderr: '',
    });
    const deprecations = await cli('deprecations', '--json');
    expect([deprecations.code, Array.isArray(JSON.parse(deprecations.stdout))]).toEqual([0, true]);
    const audit = await cli('audit', '--limit', '1');
    expect(audit).toEqual({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^${NOW.toISOString()}  local:tester  contract\\.create`)),
      stderr: '',
    });
  }, 60_000);
});

describe('tessera registry --registry URL (a remote tessera serve registry)', () => {
  let registry: RegistryFixture;
  let files: ReturnType<typeof schemaFiles>;
  let cli: ReturnType<typeof cliFor>;
  let token: string;
  beforeAll(async () => {
    registry = await startRegistryFixture();
    files = schemaFiles();
    cli = cliFor(registry.root, files.dir);
    token = await registry.token('registry:write', 'dana');
  }, 60_000);
  afterAll(async () => {
    files?.remove();
    await registry?.stop();
  });

  it("checks and publishes as the token's sub, reads history, diff and supergraph over HTTP", async () => {
    const remote = ['--registry', registry.baseUrl, '--token', token];
    const check = await cli('check', '--subgraph', 'crm', '--schema', 'nickname.graphql', ...remote, '--json');
    expect([check.code, (JSON.parse(check.stdout) as CheckReport).author]).toEqual([0, 'dana']);
    const published = await cli('publish', '--subgraph', 'crm', '--schema', 'nickname.graphql', ...remote);
    expect(published.stdout).toMatch(new RegExp(`^published crm v2 by dana at ${NOW.toISOString()}\\n`));
    expect((await cli('diff', '--subgraph', 'crm', '--from', '1', '--to', '2', ...remote)).stdout).toMatch(/^--- crm v1\n\+\+\+ crm v2\n/);
    expect((await cli('history', '--subgraph', 'crm', ...remote)).stdout.split('\n')[0]).toBe(
      `crm v2  ${NOW.toISOString()}  dana  http://127.0.0.1:4001/graphql`,
    );
    const supergraph = await cli('supergraph', ...remote);
    expect([supergraph.code, supergraph.stdout]).toEqual([0, expect.stringContaining('nickname: String')]);
    const compose = await cli('compose', ...remote);
    expect([compose.code, compose.stdout]).toEqual([0, expect.stringContaining('nickname: String')]);
  }, 60_000);

  it('a refused check exits 1 with the report; a read-only token exits 1 with FORBIDDEN; --author is refused', async () => {
    await registry.service.registry.recordUsage({
      entries: [{ clientId: 'app-9', coordinate: 'Account.website', count: 1, lastUsedAt: USED_AT }],
    });
    const remote = ['--registry', registry.baseUrl, '--token', token];
    const refused = await cli('publish', '--subgraph', 'crm', '--schema', 'no-website.graphql', ...remote);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`client app-9: 1 operation, last used ${USED_AT}`);
    expect(refused.stderr).toMatch(/^REGISTRY_CHECK_FAILED: /);
    const reader = await registry.token('registry:read');
    expect(await cli('contract', 'create', '--name', 'x', '--registry', registry.baseUrl, '--token', reader)).toEqual({
      code: 1,
      stdout: '',
      stderr: 'tessera registry contract create: FORBIDDEN: This needs the registry:write scope.\n',
    });
    expect((await cli('history', '--registry', registry.baseUrl, '--author', 'x', '--token', token)).code).toBe(2);
    expect((await cli('history', '--registry', registry.baseUrl)).stderr).toMatch(
      /^tessera registry history: a remote registry needs --token TOKEN or TESSERA_REGISTRY_TOKEN\n/,
    );
  }, 60_000);

  it('a registry that does not answer is exit 1 saying where', async () => {
    const run = await cli('history', '--registry', 'http://127.0.0.1:1', '--token', token);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^tessera registry history: the registry at http:\/\/127\.0\.0\.1:1 did not answer GET \/history: /);
  });
});

describe('npx tsx bin/tessera.ts registry --help', () => {
  it('prints the usage and exits 0', async () => {
    const run = await runProcess('npx', ['tsx', 'bin/tessera.ts', 'registry', '--help'], { cwd: new URL('../../..', import.meta.url) });
    expect(run).toEqual({ code: 0, stdout: REGISTRY_CLI_USAGE, stderr: '' });
  }, 60_000);
});
