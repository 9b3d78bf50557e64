/**
 * SUBGRAPH_UNAVAILABLE at exactly the missing values, end to end (docs/resilience.md#precise-paths):
 * real query plans over the reference subgraphs, one of them refusing connections. Exact envelopes
 * for the shapes of issue 11's four cases, and a property over random selections: every error path
 * points at a null of `data`, and every value that is null only because the subgraph is down has an
 * error at or above it.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type GraphQLBody, type TestTessera } from '../harness/startTestTessera.ts';
import { connectionRefused, outageConfig, unavailableAt } from '../harness/subgraphOutage.ts';

let down: 'none' | 'erp' | 'crm' | 'psa' = 'none';

const wrapFetcher =
  (inner: Fetcher): Fetcher =>
  async (url, init) => {
    if (down !== 'none' && url === `http://${down}.embedded.tessera/graphql`) throw connectionRefused();
    return inner(url, init);
  };

let tessera: TestTessera;
beforeAll(async () => {
  const config = outageConfig({ TESSERA_SUBGRAPH_BREAKER: 'off', TESSERA_SUBGRAPH_RETRIES: '0' });
  tessera = await startTestTessera({ scale: 's', wrapFetcher, config });
});
afterAll(() => tessera?.stop());
afterEach(() => {
  down = 'none';
});

type Path = (string | number)[];

async function answer(query: string, subgraphDown: typeof down): Promise<GraphQLBody> {
  down = subgraphDown;
  const response = await tessera.request({ query });
  expect(response.status).toBe(200);
  return response.body;
}

const BILLABLE = 'projects(first: 3, filter: { type: [CUSTOMER_BILLABLE], status: [ACTIVE] })';

describe('the shapes of the four cases, on real query plans', () => {
  it('an entity fetch of fragment fields: errors at its fields, none at the keys and fields PSA answered', async () => {
    const query = `{ ${BILLABLE} { nodes { ...P } } } fragment P on Project { id code billedToDate { amount } erpProjectNumber }`;
    const healthy = (await answer(query, 'none')).data as { projects: { nodes: { id: string; code: string }[] } };
    const nodes = healthy.projects.nodes;
    expect(nodes).toHaveLength(3);
    expect(await answer(query, 'erp')).toEqual({
      data: { projects: { nodes: nodes.map(({ id, code }) => ({ id, code, billedToDate: null, erpProjectNumber: null })) } },
      errors: nodes.flatMap((_, i) => [
        unavailableAt('erp', ['projects', 'nodes', i, 'billedToDate']),
        unavailableAt('erp', ['projects', 'nodes', i, 'erpProjectNumber']),
      ]),
    });
  });

  it('an entity fetch two lists deep: an error at each missing value, not at the lists', async () => {
    const query = '{ accounts(first: 3) { nodes { name projects { code billedToDate { amount } } } } }';
    const healthy = (await answer(query, 'none')).data as { accounts: { nodes: { name: string; projects: { code: string }[] | null }[] } };
    const projects = healthy.accounts.nodes.map((node) => node.projects ?? []);
    expect(projects.flat().length).toBeGreaterThan(0);
    expect(await answer(query, 'erp')).toEqual({
      data: {
        accounts: {
          nodes: healthy.accounts.nodes.map((node) => ({
            name: node.name,
            projects: node.projects && node.projects.map(({ code }) => ({ code, billedToDate: null })),
          })),
        },
      },
      errors: projects.flatMap((list, i) =>
        list.map((_, j) => unavailableAt('erp', ['accounts', 'nodes', i, 'projects', j, 'billedToDate'])),
      ),
    });
  });

  it('a non-null field of a nested entity: the error is at the null it propagated to, not under it', async () => {
    const query = `{ ${BILLABLE} { nodes { code customer { id name } } } }`;
    const healthy = (await answer(query, 'none')).data as { projects: { nodes: { code: string; customer: unknown }[] } };
    expect(healthy.projects.nodes.every((node) => node.customer !== null)).toBe(true);
    expect(await answer(query, 'crm')).toEqual({
      data: { projects: { nodes: healthy.projects.nodes.map(({ code }) => ({ code, customer: null })) } },
      errors: healthy.projects.nodes.map((_, i) => unavailableAt('crm', ['projects', 'nodes', i, 'customer'])),
    });
  });

  it('a root fetch spreading a fragment: the error at its root field, the other root field in full', async () => {
    const query = 'query { ...Q } fragment Q on Query { legalEntities { code } projects(first: 1) { nodes { code } } }';
    const healthy = (await answer(query, 'none')).data as { projects: unknown };
    expect(await answer(query, 'erp')).toEqual({
      data: { legalEntities: null, projects: healthy.projects },
      errors: [unavailableAt('erp', ['legalEntities'])],
    });
  });
});

/** Fields of a project, each answered by the subgraphs named (PSA always: it answers `projects`). */
const PROJECT_FIELDS = [
  'id',
  'code',
  'billedToDate { amount currency }',
  'erpProjectNumber',
  'customer { id }',
  'customer { id name website }',
  'customer { name invoices { id invoiceNumber } }',
  'contract { id title poNumber }',
  'legalEntity { id code }',
  'invoices { id invoiceNumber customer { name } }',
] as const;

/** Every path of `value` whose value is null. */
function nullPaths(value: unknown, path: Path = []): Path[] {
  if (value === null) return [path];
  if (typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    nullPaths(inner, [...path, Array.isArray(value) ? Number(key) : key]),
  );
}

function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (value, key) => (value === null || value === undefined ? undefined : (value as Record<string | number, unknown>)[key]),
    data,
  );
}

const isPrefix = (prefix: Path, path: Path) => prefix.length <= path.length && prefix.every((key, i) => key === path[i]);

it('places every error at a null that the down subgraph left, and leaves no such null without one (random selections)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.subarray([...PROJECT_FIELDS], { minLength: 1 }),
      fc.constantFrom('erp' as const, 'crm' as const, 'psa' as const),
      async (fields, subgraph) => {
        const query = `{ ${BILLABLE} { nodes { ${fields.join(' ')} } } }`;
        const healthy = await answer(query, 'none');
        expect(healthy.errors).toBeUndefined();
        const degraded = await answer(query, subgraph);
        const errorPaths = (degraded.errors ?? []).map((error) => {
          expect(error.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
          expect(error.path).toBeDefined();
          return error.path!;
        });
        for (const path of errorPaths) expect(valueAt(degraded.data, path)).toBeNull();
        const missing = nullPaths(degraded.data).filter((path) => valueAt(healthy.data, path) !== null);
        for (const path of missing) expect(errorPaths.some((errorPath) => isPrefix(errorPath, path))).toBe(true);
        expect(new Set(errorPaths.map((path) => JSON.stringify(path))).size).toBe(errorPaths.length);
      },
    ),
    { numRuns: 30 },
  );
}, 120_000);
