/**
 * createGateway's plugin slot: the composition root passes the plugins in a list; they run in that
 * order, each sees the operation as the ones before it left it, and the query planner plans the
 * replaced operation. A toy subgraph answered in process; no socket.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { parse, print } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayPost } from '../harness/gatewayPost.ts';
import { tesseraError } from '../../core/errors.ts';
import { createLogger } from '../../core/logger.ts';
import { createGateway, type Gateway } from '../../gateway/createGateway.ts';
import type { GatewayPlugin } from '../../gateway/plugin.ts';
import { staticSupergraphSource } from '../../gateway/supergraph/source.ts';
import { composeSupergraph } from '../../schema/compose.ts';

const SUPERGRAPH = composeSupergraph([
  {
    name: 'toy',
    url: 'http://toy.test/graphql',
    sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])\ntype Query { hello: String world: String }',
  },
]);

let events: string[] = [];
let received: string[] = [];
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  events = [];
  received = [];
});

const toySubgraph: Fetcher = async (_url, init) => {
  const { query } = JSON.parse(String(init?.body)) as { query: string };
  received.push(query);
  const data = { ...(query.includes('hello') ? { hello: 'hi' } : {}), ...(query.includes('world') ? { world: 'earth' } : {}) };
  return new Response(JSON.stringify({ data }), { headers: { 'content-type': 'application/json' } });
};

/** Records its hooks; `only` replaces the operation with one selecting that field. */
function recorder(name: string, only?: string): GatewayPlugin {
  return {
    name,
    create: ({ operations }) => ({
      async requestDidStart() {
        events.push(`${name}:requestDidStart`);
        return {
          async didResolveOperation(requestContext) {
            const current = operations.current(requestContext);
            events.push(`${name}:didResolveOperation ${print(current.document).replace(/\s+/g, ' ')}`);
            if (only) operations.replace(requestContext, { document: parse(`{ ${only} }`), queryHash: `${current.queryHash}:${only}` });
          },
          async willSendResponse() {
            events.push(`${name}:willSendResponse`);
          },
        };
      },
    }),
  };
}

async function post(plugins: readonly GatewayPlugin[], query: string) {
  gateway = await createGateway({
    supergraph: staticSupergraphSource(SUPERGRAPH),
    fetcher: toySubgraph,
    logger: createLogger('silent'),
    authenticate: async () => null,
    signPrincipal: () => 'signed',
    plugins,
  });
  const response = await gatewayPost(gateway, { query });
  return { status: response.status, body: JSON.parse(response.text) as unknown };
}

describe('createGateway plugins', () => {
  it('run in list order, each seeing the operation as the plugins before it left it; the planner plans the replacement', async () => {
    expect(await post([recorder('A', 'hello'), recorder('B')], '{ hello world }')).toEqual({
      status: 200,
      body: { data: { hello: 'hi' } },
    });
    expect(events).toEqual([
      'A:requestDidStart',
      'B:requestDidStart',
      'A:didResolveOperation { hello world }',
      'B:didResolveOperation { hello }',
      'A:willSendResponse',
      'B:willSendResponse',
    ]);
    expect(received).toEqual(['{hello}']);
  });

  it('in the other order, the other way round', async () => {
    expect(await post([recorder('B'), recorder('A', 'world')], '{ hello world }')).toEqual({
      status: 200,
      body: { data: { world: 'earth' } },
    });
    expect(events).toEqual([
      'B:requestDidStart',
      'A:requestDidStart',
      'B:didResolveOperation { hello world }',
      'A:didResolveOperation { hello world }',
      'B:willSendResponse',
      'A:willSendResponse',
    ]);
    expect(received).toEqual(['{world}']);
  });

  it('a plugin refuses a request with a catalog error and its status: nothing is planned or fetched', async () => {
    const refuse: GatewayPlugin = {
      name: 'refuse',
      create: () => ({
        async requestDidStart() {
          return {
            async didResolveOperation() {
              throw tesseraError('FORBIDDEN', 'Not today.', { extensions: { http: { status: 403 } } });
            },
          };
        },
      }),
    };
    expect(await post([refuse, recorder('B')], '{ hello }')).toEqual({
      status: 403,
      body: { errors: [{ message: 'Not today.', extensions: { code: 'FORBIDDEN' } }] },
    });
    // Apollo Server has called the later plugin's hook all the same (see GatewayPlugin): it cannot undo the refusal.
    expect(events).toEqual(['B:requestDidStart', 'B:didResolveOperation { hello }', 'B:willSendResponse']);
    expect(received).toEqual([]);
  });

  it('a plugin that cannot serve the supergraph keeps the gateway from starting', async () => {
    const picky: GatewayPlugin = {
      name: 'picky',
      create: () => {
        throw new TypeError('picky: the supergraph has no @picky');
      },
    };
    await expect(post([picky], '{ hello }')).rejects.toThrow(new TypeError('picky: the supergraph has no @picky'));
  });
});
