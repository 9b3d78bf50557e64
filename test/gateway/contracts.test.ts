/**
 * Contracts at the gateway (docs/registry.md#hot-reload): each named variant has its own
 * supergraph source and answers at `/contracts/<name>/graphql` with the same handling and plugins
 * as `/graphql`; contracts created while the gateway runs are served too; an unknown one is 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupergraphSource } from '../../gateway/supergraph/source.ts';
import { staticSupergraphSource, supergraphChannel } from '../../gateway/supergraph/source.ts';
import { catalogSupergraph, startToyGateway, type ToyGateway, RATING_REFUSED } from './hotReloadToy.ts';

const FULL = catalogSupergraph('rating: Int');
/** The partner contract: `rating` is @inaccessible, so its API schema has no such field. */
const PARTNER = catalogSupergraph('rating: Int @inaccessible');

let toy: ToyGateway;
let serve: (name: string, source: SupergraphSource) => Promise<void> = () => Promise.reject(new Error('not subscribed'));
beforeAll(async () => {
  toy = await startToyGateway(supergraphChannel(FULL), {
    initial: async () => new Map([['partner', staticSupergraphSource(PARTNER.sdl, PARTNER.id)]]),
    subscribe(next) {
      serve = next;
      return () => {};
    },
  });
});
afterAll(() => toy?.stop());

describe('contracts', () => {
  it('answer at /contracts/<name>/graphql from their own supergraph', async () => {
    expect(await toy.post('{ products { id name } }', '/contracts/partner/graphql')).toEqual({
      status: 200,
      body: {
        data: {
          products: [
            { id: 'p1', name: 'Anvil' },
            { id: 'p2', name: 'Bellows' },
          ],
        },
      },
    });
    expect(await toy.post('{ products { rating } }', '/graphql')).toEqual({
      status: 200,
      body: { data: { products: [{ rating: 4 }, { rating: 5 }] } },
    });
  });

  it('refuse a field the contract hides with GRAPHQL_VALIDATION_FAILED', async () => {
    expect(await toy.post('{ products { rating } }', '/contracts/partner/graphql')).toEqual(RATING_REFUSED);
  });

  it('answer an unknown contract with 404 NOT_FOUND', async () => {
    expect(await toy.post('{ products { id } }', '/contracts/nobody/graphql')).toEqual({
      status: 404,
      body: {
        errors: [{ message: 'No contract named "nobody" is served. The GraphQL endpoint is /graphql.', extensions: { code: 'NOT_FOUND' } }],
      },
    });
  });

  it('serve a contract created while the gateway runs, and report each in /health/ready', async () => {
    const late = catalogSupergraph(
      'rating: Int @inaccessible',
      'type Ledger { entry: String @policy(policies: [["legalEntityScoped"], ["partnerAccountScoped"], ["segregationOfDuties"], ["internalOnly"]]) }',
    );
    await serve('late', staticSupergraphSource(late.sdl, 'late-1'));
    expect(await toy.post('{ products { id } }', '/contracts/late/graphql')).toEqual({
      status: 200,
      body: { data: { products: [{ id: 'p1' }, { id: 'p2' }] } },
    });
    const ready = (await toy.get('/health/ready')).body as { details: { contracts: Record<string, unknown> } };
    expect([ready.details.contracts['partner'], ready.details.contracts['late']]).toEqual([
      { id: PARTNER.id, loadedAt: expect.any(String), lastError: null },
      { id: 'late-1', loadedAt: expect.any(String), lastError: null },
    ]);
  });

  it('report a contract whose first supergraph cannot load, without serving it', async () => {
    await expect(serve('broken', staticSupergraphSource('type Query {', 'broken-1'))).rejects.toThrow(
      'Syntax Error: Expected Name, found <EOF>.',
    );
    expect((await toy.post('{ products { id } }', '/contracts/broken/graphql')).status).toBe(404);
    const ready = (await toy.get('/health/ready')).body as { details: { contracts: Record<string, unknown> } };
    expect(ready.details.contracts['broken']).toEqual({
      id: null,
      loadedAt: null,
      lastError: { id: 'broken-1', message: 'Syntax Error: Expected Name, found <EOF>.', at: expect.any(String) },
    });
  });

  it('count every contract path under one route label', async () => {
    // A gateway of its own, so the counts are this test's requests only.
    const counted = await startToyGateway(staticSupergraphSource(FULL.sdl, FULL.id), {
      initial: async () => new Map([['partner', staticSupergraphSource(PARTNER.sdl, PARTNER.id)]]),
      subscribe: () => () => {},
    });
    try {
      await counted.post('{ products { id } }', '/contracts/partner/graphql');
      await counted.post('{ products { rating } }', '/contracts/partner/graphql');
      await counted.post('{ products { id } }', '/contracts/nobody/graphql');
      await counted.post('{ products { id } }', '/contracts/someone-else/graphql');
      const lines = (await counted.get('/metrics')).text.split('\n');
      expect(lines.filter((line) => line.startsWith('tessera_http_requests_total'))).toEqual([
        'tessera_http_requests_total{route="/contracts/:name/graphql",status="200"} 1',
        'tessera_http_requests_total{route="/contracts/:name/graphql",status="400"} 1',
        'tessera_http_requests_total{route="/contracts/:name/graphql",status="404"} 2',
      ]);
      expect(lines.filter((line) => line.startsWith('tessera_supergraph_updates_total'))).toEqual([
        'tessera_supergraph_updates_total{variant="contracts/partner",result="applied"} 1',
        'tessera_supergraph_updates_total{variant="main",result="applied"} 1',
      ]);
    } finally {
      await counted.stop();
    }
  });
});
