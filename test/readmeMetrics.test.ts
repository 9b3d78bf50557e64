/**
 * The README's metrics example (its `graphql metrics` block) answers on the default demo data with
 * the token the README mints for it, every metric with rows and no error.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from './harness/startTestTessera.ts';
import { readmeQueries } from './harness/readmeQueries.ts';

const README = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = readmeQueries(README)
  .filter((query) => query.info === ' metrics')
  .map((query) => query.text);
const scope = /--sub cfo --scope "([^"]+)"/.exec(README)?.[1];

let gateway: TestTessera;
beforeAll(async () => {
  gateway = await startTestTessera({ scale: 's' });
});
afterAll(() => gateway?.stop());

describe('README metrics example', () => {
  it('answers every metric with rows and no errors, with the scopes the README gives the token', async () => {
    expect(examples).toHaveLength(1);
    expect(scope).toBe('crm:read psa:read erp:read psa:cost metrics:read');
    const token = await gateway.token({ sub: 'cfo', scope: scope!, legal_entities: '*' });
    const body = await gateway.query(examples[0]!, {}, token);
    expect(body.errors).toBeUndefined();
    const data = body.data as Record<string, unknown[]>;
    expect(Object.keys(data)).toEqual(['utilization', 'realization', 'margin', 'backlog', 'dso', 'invoiceCycleTime', 'weightedPipeline']);
    for (const rows of Object.values(data)) expect(rows.length).toBeGreaterThan(0);
  });
});
