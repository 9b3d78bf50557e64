/**
 * Hot reload (docs/registry.md#hot-reload): the gateway swaps supergraphs while it serves, under a
 * continuous stream of queries, with no request failing; a supergraph that cannot load keeps the
 * previous one serving and is reported in the logs, `/metrics` and `/health/ready`.
 */
import { HeaderMap } from '@apollo/server';
import { afterEach, describe, expect, it } from 'vitest';
import { NEVER_ABORTED } from '../../auth/requestScope.ts';
import { createLogger } from '../../core/logger.ts';
import { createGateway, type Gateway } from '../../gateway/createGateway.ts';
import type { GatewayPlugin } from '../../gateway/plugin.ts';
import { supergraphChannel } from '../../gateway/supergraph/source.ts';
import { PRODUCTS, catalogSubgraph, catalogSupergraph, startToyGateway, type ToyGateway, RATING_REFUSED } from './hotReloadToy.ts';

const V1 = catalogSupergraph();
const V2 = catalogSupergraph('rating: Int secret: String @requiresScopes(scopes: [["catalog:secret"]])');

let toy: ToyGateway | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await toy?.stop();
  await gateway?.stop();
  toy = undefined;
  gateway = undefined;
});

/** Keeps `inFlight` queries running until stopped; `reached(n)` resolves once n responses came back. */
function load(send: () => Promise<{ status: number; body: unknown }>, inFlight: number) {
  const responses: { status: number; body: unknown }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let running = true;
  const worker = async () => {
    while (running) {
      responses.push(await send());
      for (const waiter of waiters.filter((w) => responses.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const workers = Array.from({ length: inFlight }, worker);
  return {
    responses,
    reached: (count: number) =>
      responses.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    async stop() {
      running = false;
      await Promise.all(workers);
    },
  };
}

describe('hot reload under load', () => {
  it('swaps in a supergraph with a new field while 8 queries are always in flight: every answer is whole, and the new field serves after', async () => {
    const channel = supergraphChannel(V1);
    toy = await startToyGateway(channel);
    const started = toy;
    const stream = load(() => started.post('{ products { id name } }'), 8);
    await stream.reached(40);
    const outcome = await channel.push(V2);
    const atSwap = stream.responses.length;
    await stream.reached(atSwap + 40);
    await stream.stop();

    expect(outcome).toEqual({ result: 'applied', id: V2.id });
    const expected = { status: 200, body: { data: { products: PRODUCTS.map(({ id, name }) => ({ id, name })) } } };
    expect(stream.responses.filter((response) => JSON.stringify(response) !== JSON.stringify(expected))).toEqual([]);
    expect(stream.responses.length).toBeGreaterThanOrEqual(atSwap + 40);

    expect(await toy.post('{ products { id rating } }')).toEqual({
      status: 200,
      body: {
        data: {
          products: [
            { id: 'p1', rating: 4 },
            { id: 'p2', rating: 5 },
          ],
        },
      },
    });
    // The authorization plugin reads the requirements of the supergraph the request runs on.
    const secret = await toy.post('{ products { id secret } }');
    expect(secret.body['data']).toEqual({
      products: [
        { id: 'p1', secret: null },
        { id: 'p2', secret: null },
      ],
    });
    expect((secret.body['errors'] as { extensions: { code: string } }[]).map((error) => error.extensions.code)).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expect(toy.logs.records.filter((record) => record['variant'] === 'main').map((r) => [r['msg'], r['supergraphId']])).toEqual([
      ['supergraph loaded', V1.id],
      ['supergraph swapped in', V2.id],
    ]);
  });

  it('keeps the previous supergraph serving when one does not parse or a plugin cannot serve it, and reports it', async () => {
    const channel = supergraphChannel(V1);
    toy = await startToyGateway(channel);
    expect(await channel.push({ id: 'unparsable', sdl: 'type Query {' })).toEqual({
      result: 'failed',
      id: 'unparsable',
      error: 'Syntax Error: Expected Name, found <EOF>.',
    });
    const misspelled = {
      ...catalogSupergraph('', 'type Ledger { entry: String @policy(policies: [["legalEntityScopd"]]) }'),
      id: 'misspelled',
    };
    const refused = await channel.push(misspelled);
    expect(refused).toMatchObject({ result: 'failed', id: 'misspelled' });
    expect(refused.result === 'failed' && refused.error).toMatch(
      /^the schema and policies\/ disagree:\n- the schema uses @policy "legalEntityScopd"/,
    );

    expect(await toy.post('{ products { name } }')).toEqual({
      status: 200,
      body: { data: { products: [{ name: 'Anvil' }, { name: 'Bellows' }] } },
    });
    const ready = await toy.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: {},
      details: {
        supergraph: {
          id: V1.id,
          loadedAt: expect.any(String),
          lastError: { id: 'misspelled', message: refused.result === 'failed' ? refused.error : '', at: expect.any(String) },
        },
        contracts: {},
      },
    });
    const metrics = (await toy.get('/metrics')).text.split('\n').filter((line) => line.startsWith('tessera_supergraph_'));
    expect(metrics).toEqual([
      'tessera_supergraph_updates_total{variant="main",result="applied"} 1',
      'tessera_supergraph_updates_total{variant="main",result="failed"} 2',
      expect.stringMatching(new RegExp(`^tessera_supergraph_loaded_timestamp_seconds\\{variant="main",id="${V1.id}"\\} \\d+(\\.\\d+)?$`)),
    ]);
    expect(
      toy.logs.records
        .filter((record) => record['msg'] === 'supergraph refused: the previous one keeps serving')
        .map((record) => ({ level: record['level'], variant: record['variant'], supergraphId: record['supergraphId'] })),
    ).toEqual([
      { level: 50, variant: 'main', supergraphId: 'unparsable' },
      { level: 50, variant: 'main', supergraphId: 'misspelled' },
    ]);
  });

  it('finishes a request on the supergraph it was validated against, even when the swap removes the field it reads', async () => {
    let reached: () => void = () => {};
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Holds the operation named Held between validation and planning.
    const holder: GatewayPlugin = {
      name: 'holder',
      create: () => ({
        async requestDidStart() {
          return {
            async didResolveOperation({ request }) {
              if (request.operationName !== 'Held') return;
              reached();
              await gate;
            },
          };
        },
      }),
    };
    const channel = supergraphChannel(V2);
    gateway = await createGateway({
      supergraph: channel,
      fetcher: catalogSubgraph,
      logger: createLogger('silent'),
      authenticate: async () => null,
      signPrincipal: () => 'signed',
      plugins: [holder],
    });
    const started = gateway;
    const post = async (body: Record<string, unknown>) => {
      const headers = new HeaderMap([
        ['content-type', 'application/json'],
        ['accept', 'application/graphql-response+json'],
      ]);
      const response = await started.graphql(
        { method: 'POST', headers, search: '', body: JSON.stringify(body) },
        { requestId: 'req-held', logger: createLogger('silent'), signal: NEVER_ABORTED },
      );
      return { status: response.status, body: JSON.parse(response.body) as unknown };
    };
    const held = post({ query: 'query Held { products { rating } }', operationName: 'Held' });
    await atGate;
    expect(await channel.push(V1)).toEqual({ result: 'applied', id: V1.id });
    release();
    expect(await held).toEqual({ status: 200, body: { data: { products: [{ rating: 4 }, { rating: 5 }] } } });
    // A request that starts now is validated against the new supergraph, which has no rating.
    expect(await post({ query: '{ products { rating } }' })).toEqual(RATING_REFUSED);
    expect(gateway.status().supergraph).toEqual({ id: V1.id, loadedAt: expect.any(String), lastError: null });
  });
});
