/**
 * The README is the front door: every GraphQL example in it runs against the default demo data
 * and answers without errors. A renamed field or a changed ID breaks this test, not a newcomer.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from './harness/startTestTessera.ts';

const README = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

let gateway: TestTessera;
beforeAll(async () => { gateway = await startTestTessera({ scale: 's' }); });
afterAll(() => gateway?.stop());

describe('README examples', () => {
  it('has the three example queries', () => {
    expect(examples).toHaveLength(3);
  });

  it.each(examples.map((query, index) => [index + 1, query] as const))('example %i answers with data and no errors', async (_, query) => {
    const body = await gateway.query(query);
    expect(body.errors).toBeUndefined();
    const root = Object.values(body.data as Record<string, unknown>)[0];
    expect(root).not.toBeNull();
  });
});
