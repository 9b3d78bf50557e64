/**
 * What the plan executor does not run goes to `@apollo/gateway`'s executor, counted
 * (docs/executor.md#fallback): a `@defer` plan is passed on and counted `engine="apollo",
 * reason="defer"`; an ordinary query is the plan executor's, counted `engine="plan"`. A
 * subscription (a supergraph may declare them; neither executor streams them) is refused before
 * any plan with 400 SUBSCRIPTION_NOT_SUPPORTED.
 */
import { ApolloGateway } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { Fetcher } from '@apollo/utils.fetcher';
import { graphql, parse } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayPost } from '../../harness/gatewayPost.ts';
import { createLogger } from '../../../core/logger.ts';
import { createGatewayMetrics } from '../../../core/metrics.ts';
import { createGateway, type Gateway } from '../../../gateway/createGateway.ts';
import { executorCounter } from '../../../gateway/execution/executorMetrics.ts';
import { createPlanExecutor } from '../../../gateway/execution/planExecutor.ts';
import { staticSupergraphSource } from '../../../gateway/supergraph/source.ts';
import { composeSupergraph } from '../../../schema/compose.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])';
const SHELF_SDL = `${LINK}
type Query { shelf: Shelf! }
type Subscription { shelfChanged: Shelf! }
type Shelf @key(fields: "id") { id: ID! items: [Item!]! }
type Item @key(fields: "id") { id: ID! }`;
const PRICE_SDL = `${LINK}
type Item @key(fields: "id") { id: ID! name: String! }`;

const schemas = {
  shelf: buildSubgraphSchema({
    typeDefs: parse(SHELF_SDL),
    resolvers: { Query: { shelf: () => ({ id: 's1', items: [{ id: 'i1' }, { id: 'i2' }] }) } },
  }),
  price: buildSubgraphSchema({
    typeDefs: parse(PRICE_SDL),
    resolvers: { Item: { __resolveReference: (item: { id: string }) => item, name: (item: { id: string }) => `item ${item.id}` } } as never,
  }),
};

const SUPERGRAPH = composeSupergraph([
  { name: 'shelf', url: 'http://shelf.test/graphql', sdl: SHELF_SDL },
  { name: 'price', url: 'http://price.test/graphql', sdl: PRICE_SDL },
]);

const inProcess: Fetcher = async (url, init) => {
  const name = new URL(url).hostname.split('.')[0] as keyof typeof schemas;
  const { query, variables } = JSON.parse(String(init?.body)) as { query: string; variables?: Record<string, unknown> };
  const result = await graphql({ schema: schemas[name], source: query, variableValues: variables ?? null });
  return new Response(JSON.stringify(result), { headers: { 'content-type': 'application/json' } });
};

let gateway: Gateway | undefined;
afterEach(() => gateway?.stop());

async function post(query: string) {
  const metrics = createGatewayMetrics();
  gateway = await createGateway({
    supergraph: staticSupergraphSource(SUPERGRAPH),
    fetcher: inProcess,
    logger: createLogger('silent'),
    authenticate: async () => null,
    signPrincipal: () => 'signed',
    plugins: [],
    onExecuted: executorCounter(metrics),
  });
  const response = await gatewayPost(gateway, { query });
  const text = (await metrics.render()).split('\n').filter((line) => line.startsWith('tessera_executor_requests_total'));
  return { status: response.status, body: JSON.parse(response.text) as unknown, counted: text };
}

describe('plan executor fallback', () => {
  it('refuses a subscription before any plan: 400 SUBSCRIPTION_NOT_SUPPORTED, nothing executed', async () => {
    const answer = await post('subscription { shelfChanged { id } }');
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'Subscriptions are not served: the gateway answers queries and mutations over HTTP.',
            extensions: { code: 'SUBSCRIPTION_NOT_SUPPORTED' },
          },
        ],
      },
    });
    expect(answer.counted).toEqual([]);
  });

  it('runs an ordinary query itself and counts it', async () => {
    const answer = await post('{ shelf { items { id name } } }');
    expect(answer.body).toEqual({
      data: {
        shelf: {
          items: [
            { id: 'i1', name: 'item i1' },
            { id: 'i2', name: 'item i2' },
          ],
        },
      },
    });
    expect(answer.counted).toEqual(['tessera_executor_requests_total{engine="plan",reason=""} 1']);
  });

  it('passes a plan it does not run (@defer) to the fallback, and counts it with the reason', async () => {
    const apollo = new ApolloGateway({ supergraphSdl: SUPERGRAPH, queryPlannerConfig: { incrementalDelivery: { enableDefer: true } } });
    await apollo.load();
    const metrics = createGatewayMetrics();
    const passedOn: string[] = [];
    const executor = createPlanExecutor({
      gateway: apollo,
      fallback: async (requestContext) => {
        passedOn.push(requestContext.request.query!);
        return { data: { answeredBy: 'fallback' } };
      },
      onExecuted: executorCounter(metrics),
    });
    const query = '{ shelf { id ... @defer { items { name } } } }';
    const result = await executor({
      request: { query },
      document: parse(query),
      queryHash: 'deferred',
      context: {},
    } as unknown as Parameters<typeof executor>[0]);
    expect(result).toEqual({ data: { answeredBy: 'fallback' } });
    expect(passedOn).toEqual([query]);
    const counted = (await metrics.render()).split('\n').filter((line) => line.startsWith('tessera_executor_requests_total'));
    expect(counted).toEqual(['tessera_executor_requests_total{engine="apollo",reason="defer"} 1']);
    await apollo.stop();
  });
});
