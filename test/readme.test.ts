/**
 * The README is the front door: every GraphQL example in it runs against the default demo data
 * and answers without errors. A renamed field or a changed ID breaks this test, not a newcomer.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from './harness/startTestTessera.ts';
import { ERROR_CODES } from '../core/errors.ts';

const README = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

let gateway: TestTessera;
beforeAll(async () => {
  gateway = await startTestTessera({ scale: 's' });
});
afterAll(() => gateway?.stop());

describe('README examples', () => {
  it('has the three example queries', () => {
    expect(examples).toHaveLength(3);
  });

  it('lists every error code of the catalog with its HTTP status and action, and nothing else', () => {
    const rows = [...README.matchAll(/^\| `([A-Z0-9_]+)` \| (\d{3}) \| (retry|fix|refetch|stop) \|/gm)].map((match) => [
      match[1],
      Number(match[2]),
      match[3],
    ]);
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, entry]) => [code, entry.status, entry.action]));
  });

  it.each(examples.map((query, index) => [index + 1, query] as const))('example %i answers with data and no errors', async (_, query) => {
    const body = await gateway.query(query);
    expect(body.errors).toBeUndefined();
    const root = Object.values(body.data as Record<string, unknown>)[0];
    expect(root).not.toBeNull();
  });
});
