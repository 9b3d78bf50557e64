/**
 * The README's post-merger story is a script a data steward pastes: this test runs exactly its shell
 * block against the demo data and checks every answer (docs/crosswalk.md).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from './harness/runProcess.ts';
import { startTestTessera, type TestTessera } from './harness/startTestTessera.ts';
import { ACME_RULES, HS_REF, SF_REF } from './integration/crosswalk/acmeFixture.ts';

const README = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = README.slice(README.indexOf('<!-- crosswalk:start -->'), README.indexOf('<!-- crosswalk:end -->'));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);

let tessera: TestTessera;
beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
});
afterAll(() => tessera?.stop());

describe('the README post-merger story', () => {
  it('runs as pasted and answers the candidates, the merge, both CRMs ids and the refusal of the open deals', async () => {
    expect(blocks).toHaveLength(1);
    const { code, stdout, stderr } = await runProcess('bash', ['-c', ['set -euo pipefail', ...blocks].join('\n')], {
      cwd: new URL('..', import.meta.url),
      env: { ...process.env, API: tessera.url, TESSERA_DATA_DIR: tessera.dataDir },
    });
    expect([code, stderr]).toEqual([0, '']);
    const answers = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as unknown);
    expect(answers).toEqual([
      {
        data: {
          crosswalkCandidates: [
            {
              survivor: { id: 'acc_00001', name: 'Acme Corp' },
              duplicate: { id: 'acc_00046', name: 'ACME Corporation Inc.' },
              score: 100,
              reasons: ['SAME_TAX_ID', 'SAME_DOMAIN', 'SAME_NAME'],
            },
          ],
        },
      },
      {
        data: {
          mergeAccounts: {
            merge: {
              status: 'MERGED',
              survivorship: ACME_RULES,
            },
            userErrors: [],
          },
        },
      },
      {
        data: {
          account: {
            name: 'Acme Corp',
            externalRefs: [SF_REF, HS_REF],
            crosswalkVersion: 2,
          },
        },
      },
      { data: { mergeOpportunities: { userErrors: [{ code: 'OPEN_OPPORTUNITY_NOT_MERGED' }] } } },
    ]);
  }, 120_000);
});
