/**
 * The project's own queries through both executors (docs/executor.md#equivalence): two embedded
 * Tesseras over one seeded store, one with the plan executor and one with `@apollo/gateway`'s,
 * asked the same queries with the same tokens: the README's examples, the benchmark's screens
 * (bench/queries.ts), the metrics pages, pages of projects, and callers whose scopes leave fields
 * denied (filtered to null with FORBIDDEN at their paths). Bodies must be the same text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSULTANT_ASSIGNMENTS, CUSTOMER_PORTFOLIO, PORTFOLIO, PROJECT_360 } from '../../../bench/queries.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { tempSqliteStore, type TempStore } from '../../harness/tempDatabase.ts';
import { readmeExamples } from '../../harness/readmeQueries.ts';

const EXAMPLES = readmeExamples();
const MONEY = '{ amount currency }';
const METRICS = `query Metrics($month: String!) {
  utilization(period: { month: $month }, groupBy: [LEGAL_ENTITY, PRACTICE]) { legalEntity { id name } practice resourceCount billableUtilization }
  realization(period: { month: $month }, groupBy: PROJECT) { project { id code customer { name } } billableHours billingRealization }
  margin(groupBy: PORTFOLIO) { currency revenue ${MONEY} directCost ${MONEY} marginPercent }
  backlog(groupBy: PROJECT) { project { id name } backlog ${MONEY} }
  weightedPipeline { currency weightedAmount ${MONEY} }
}`;
const PAGES = `query Pages($after: String) {
  projects(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id __typename code status customer { id name } contract { contractNumber } } }
}`;

let store: TempStore;
let plan: TestTessera;
let apollo: TestTessera;

beforeAll(async () => {
  store = tempSqliteStore();
  plan = await startTestTessera({ store, scale: 's' });
  // The second instance finds the store seeded and serves the same records.
  apollo = await startTestTessera({ store, scale: 's', config: { executor: 'apollo' } });
}, 120_000);
afterAll(async () => {
  await plan?.stop();
  await apollo?.stop();
  await store?.remove();
});

/** Both executors' answers to the same request, by the same caller. */
async function both(query: string, variables: Record<string, unknown> = {}, claims?: Parameters<TestTessera['token']>[0]) {
  const bodies = await Promise.all(
    [plan, apollo].map(async (instance) => {
      const token = claims ? await instance.token(claims) : undefined;
      return instance.query(query, variables, token);
    }),
  );
  return { plan: JSON.stringify(bodies[0]), apollo: JSON.stringify(bodies[1]), body: bodies[0]! };
}

/** A staffed, billable active project, its customer and one of its consultants. */
async function ids() {
  const { body } = await both(
    '{ projects(filter: { status: [ACTIVE], type: [CUSTOMER_BILLABLE] }, first: 50) { nodes { id customer { id } assignments(status: [CONFIRMED, ACTIVE]) { resource { id } } } } }',
  );
  type Node = { id: string; customer: { id: string } | null; assignments: { resource: { id: string } | null }[] };
  const nodes = (body.data as { projects: { nodes: Node[] } }).projects.nodes;
  const project = nodes.find((node) => node.customer && node.assignments.some((assignment) => assignment.resource))!;
  return {
    project: project.id,
    account: project.customer!.id,
    resource: project.assignments.find((assignment) => assignment.resource)!.resource!.id,
  };
}

describe("the project's queries through the plan executor and @apollo/gateway's", () => {
  it.each(EXAMPLES.map((query, index) => [index + 1, query] as const))('README example %i', async (_, query) => {
    const { plan: planned, apollo: apollos } = await both(query);
    expect(planned).toBe(apollos);
  });

  it("the benchmark's screens and the metrics pages", async () => {
    const { project, account, resource } = await ids();
    const cases: [string, Record<string, unknown>][] = [
      [PROJECT_360, { id: project }],
      [CUSTOMER_PORTFOLIO, { id: account }],
      [CONSULTANT_ASSIGNMENTS, { id: resource }],
      [PORTFOLIO, {}],
      [METRICS, { month: '2026-10' }],
    ];
    for (const [query, variables] of cases) {
      const {
        plan: planned,
        apollo: apollos,
        body,
      } = await both(query, variables, {
        sub: 'cfo',
        scope: 'crm:read psa:read erp:read psa:cost metrics:read',
        legal_entities: '*',
      });
      expect(body.data, query).toBeTruthy();
      expect(planned, query).toBe(apollos);
    }
  });

  it('pages of projects, cursor after cursor', async () => {
    let after: string | null = null;
    for (let page = 0; page < 4; page++) {
      const { plan: planned, apollo: apollos, body } = await both(PAGES, { after });
      expect(planned).toBe(apollos);
      after = (body.data as { projects: { pageInfo: { endCursor: string | null } } }).projects.pageInfo.endCursor;
    }
  });

  it('callers whose scopes leave fields denied, and a partner restricted to its customers', async () => {
    const { project } = await ids();
    for (const claims of [
      { sub: 'sales', scope: 'crm:read', legal_entities: '*' as const },
      { sub: 'delivery', scope: 'psa:read', legal_entities: ['US01'] },
      { sub: 'partner', scope: 'crm:read psa:read erp:read', legal_entities: '*' as const, partner_accounts: ['acc_00001'] },
    ]) {
      const { plan: planned, apollo: apollos, body } = await both(PROJECT_360, { id: project }, claims);
      expect(body.errors?.length ?? 0, claims.sub).toBeGreaterThan(0);
      expect(planned, claims.sub).toBe(apollos);
    }
  });
});
