/**
 * The README's "architect's day" is a script an architect pastes against `npm start`: this test
 * runs exactly its shell blocks (the registry CLI against the running Tessera, curl, perl) against a
 * fresh instance and checks what it prints: the failed check's report, the passing one, the publish,
 * the new field served at once, the history and the diff.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from './harness/runProcess.ts';
import { startTestTessera, type TestTessera } from './harness/startTestTessera.ts';

const README = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = README.slice(README.indexOf('<!-- architect:start -->'), README.indexOf('<!-- architect:end -->'));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);

let tessera: TestTessera;
beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
});
afterAll(() => tessera?.stop());

describe("the README's architect's day", () => {
  it('has its shell blocks between the markers', () => {
    expect(blocks.length).toBe(4);
  });

  it('runs as pasted: a failed check and why, a passing one, a publish, the new field served without a restart, its diff', async () => {
    const { code, stdout, stderr } = await runProcess('bash', ['-c', ['set -euo pipefail', ...blocks].join('\n')], {
      cwd: new URL('..', import.meta.url),
      env: { ...process.env, API: tessera.url.replace(/\/graphql$/, ''), TESSERA_DATA_DIR: tessera.dataDir },
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // The first check fails on the governance rule, naming the field, and says what to do.
    expect(stdout).toMatch(/STRICTER_ACCESS_NOT_NULLABLE[^\n]*Project\.accountId/);
    expect(stdout).toContain('the check failed (exit 1)');
    // The second passes; the publish makes psa version 2, by the token's subject.
    expect(stdout).toMatch(/psa v2/);
    // The gateway serves the field at once: the customer's CRM id.
    const answer = stdout.split('\n').find((line) => line.startsWith('{"data"'));
    const project = (JSON.parse(answer!) as { data: { project: { accountId: string; customer: { id: string } } } }).data.project;
    expect(project.accountId).toMatch(/^acc_/);
    expect(project.accountId).toBe(project.customer.id);
    // The diff shows the added lines.
    expect(stdout).toContain('+  accountId: ID @requiresScopes(scopes: [["crm:read"]])');
    expect(stdout).toMatch(/FIELD_ADDED[^\n]*Project\.accountId/);
  });
});
