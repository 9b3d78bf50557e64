/**
 * Demand control through the whole embedded gateway (docs/demand-control.md): the estimate just
 * under and just over the budget, per-client budgets keyed by the token's client_id, the actual
 * cost reported from the data returned, measure mode, and the metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { FULL_ACCESS, startTestTessera, type GraphQLBody, type TestTessera } from '../harness/startTestTessera.ts';

const { demandControl } = loadConfig({});

let enforcing: TestTessera;
let measuring: TestTessera;

beforeAll(async () => {
  [enforcing, measuring] = await Promise.all([
    startTestTessera({
      scale: 's',
      config: { demandControl: { ...demandControl, max: 300, budgets: { 'big-app': 100_000, 'tiny-app': 100 }, report: true } },
    }),
    startTestTessera({ scale: 'none', config: { demandControl: { ...demandControl, max: 300, mode: 'measure' } } }),
  ]);
});
afterAll(() => Promise.all([enforcing?.stop(), measuring?.stop()]));

/** `projects(first: n) { nodes { code } }`: 1 for the connection, 1 per project. */
const page = (first: number) => `{ projects(first: ${first}) { nodes { code } } }`;

const bearer = async (instance: TestTessera, clientId?: string) => ({
  authorization: `Bearer ${await instance.token({ ...FULL_ACCESS, ...(clientId ? { client_id: clientId } : {}) })}`,
});

async function metricsOf(instance: TestTessera): Promise<string> {
  const response = await fetch(instance.url.replace(/\/graphql$/, '/metrics'));
  return response.text();
}

/** A response's top-level `extensions` (where `TESSERA_COST_REPORT` puts the cost). */
const extensionsOf = (body: GraphQLBody) => (body as { extensions?: Record<string, unknown> }).extensions;

/** The value of one series in the Prometheus text (0 when absent). */
function series(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}{${labels}} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('demand control, enforced', () => {
  it('answers an operation at the budget and reports its estimated and actual cost', async () => {
    const { status, body } = await enforcing.request({ query: page(299) });
    expect(status).toBe(200);
    const nodes = (body.data as { projects: { nodes: unknown[] } }).projects.nodes;
    expect(body.errors).toBeUndefined();
    expect(body).toMatchObject({ extensions: { cost: { estimated: 300, actual: 1 + nodes.length, max: 300 } } });
    expect(Object.keys(body)).toEqual(['data', 'extensions']);
  });

  it('measures the actual cost from the lists returned', async () => {
    const query = '{ projects(first: 3) { nodes { code invoices { id } } } }';
    const { status, body } = await enforcing.request({ query });
    expect(status).toBe(200);
    const nodes = (body.data as { projects: { nodes: { invoices: unknown[] | null }[] } }).projects.nodes;
    const invoices = nodes.reduce((sum, node) => sum + (node.invoices?.length ?? 0), 0);
    expect(extensionsOf(body)).toEqual({ cost: { estimated: 1 + 3 * (1 + 50), actual: 1 + nodes.length + invoices, max: 300 } });
  });

  it('refuses one over the budget with 400 COST_ESTIMATED_TOO_EXPENSIVE before any subgraph call', async () => {
    const { status, body } = await enforcing.request({ query: page(300) });
    expect({ status, body }).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message:
              'The operation\'s estimated cost is 301; the budget of client "unidentified" is 300 (TESSERA_COST_MAX, TESSERA_COST_BUDGETS).',
            extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: 301, max: 300 },
          },
        ],
        extensions: { cost: { estimated: 301, actual: 0, max: 300 } },
      },
    });
  });

  it("applies a client's own budget, keyed by the token's client_id", async () => {
    const tiny = await bearer(enforcing, 'tiny-app');
    expect((await enforcing.request({ query: page(99) }, tiny)).status).toBe(200);
    const over = await enforcing.request({ query: page(100) }, tiny);
    expect({ status: over.status, errors: over.body.errors }).toEqual({
      status: 400,
      errors: [
        {
          message:
            'The operation\'s estimated cost is 101; the budget of client "tiny-app" is 100 (TESSERA_COST_MAX, TESSERA_COST_BUDGETS).',
          extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: 101, max: 100 },
        },
      ],
    });
    const big = await enforcing.request({ query: page(500) }, await bearer(enforcing, 'big-app'));
    expect({ status: big.status, errors: big.body.errors, max: (extensionsOf(big.body)?.cost as { max: number }).max }).toEqual({
      status: 200,
      errors: undefined,
      max: 100_000,
    });
  });

  it('prices an anonymous request against the anonymous client, before authorization answers it', async () => {
    const { status, body } = await enforcing.request({ query: page(300) }, { authorization: null });
    expect({ status, code: body.errors?.[0]?.extensions?.code, message: body.errors?.[0]?.message }).toEqual({
      status: 400,
      code: 'COST_ESTIMATED_TOO_EXPENSIVE',
      message: 'The operation\'s estimated cost is 301; the budget of client "anonymous" is 300 (TESSERA_COST_MAX, TESSERA_COST_BUDGETS).',
    });
  });

  it('counts refusals and records both costs by client in /metrics', async () => {
    const before = await metricsOf(enforcing);
    await enforcing.request({ query: page(300) });
    await enforcing.request({ query: page(2) }, await bearer(enforcing, 'tiny-app'));
    const after = await metricsOf(enforcing);
    const delta = (name: string, labels: string) => series(after, name, labels) - series(before, name, labels);
    expect({
      refusals: delta('tessera_limit_refusals_total', 'limit="cost"'),
      estimatedTiny: delta('tessera_operation_cost_estimated_count', 'client="tiny-app"'),
      actualTiny: delta('tessera_operation_cost_actual_count', 'client="tiny-app"'),
      estimatedSumTiny: delta('tessera_operation_cost_estimated_sum', 'client="tiny-app"'),
      unidentified: delta('tessera_operation_cost_estimated_count', 'client="unidentified"'),
    }).toEqual({ refusals: 1, estimatedTiny: 1, actualTiny: 1, estimatedSumTiny: 3, unidentified: 1 });
  });
});

describe('demand control, measured only', () => {
  it('answers over the budget, without extensions when reporting is off, and never counts a refusal', async () => {
    const { status, body } = await measuring.request({ query: page(500) });
    expect({ status, body }).toEqual({ status: 200, body: { data: { projects: { nodes: [] } } } });
    const text = await metricsOf(measuring);
    expect(series(text, 'tessera_limit_refusals_total', 'limit="cost"')).toBe(0);
    expect(series(text, 'tessera_operation_cost_estimated_sum', 'client="unidentified"')).toBe(501);
    expect(series(text, 'tessera_operation_cost_actual_sum', 'client="unidentified"')).toBe(1);
  });
});
