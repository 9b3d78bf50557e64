/**
 * The federation benchmark's JS subgraphs (bench/federation/subgraphServer.ts) reproduce the
 * reference ones: plain `@apollo/gateway` over them answers the benchmark query exactly as
 * `expected-response.json`, with the 16 subgraph requests its query plan makes. This is the answer
 * the harness checks every gateway against (README "Federation benchmark").
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBenchmarkSubgraphs, type BenchmarkSubgraphs } from '../../bench/federation/subgraphServer.ts';
import { BENCHMARK_QUERY, expectedResponse, SUBGRAPH_NAMES, subgraphSdl } from '../../bench/federation/workload.ts';
import { composeSupergraph } from '../../schema/compose.ts';

describe('the federation benchmark subgraphs', () => {
  let subgraphs: BenchmarkSubgraphs;
  let server: ApolloServer;

  beforeAll(async () => {
    subgraphs = await startBenchmarkSubgraphs();
    const supergraphSdl = composeSupergraph(SUBGRAPH_NAMES.map((name) => ({ name, url: subgraphs.urls[name], sdl: subgraphSdl(name) })));
    server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
    await subgraphs.close();
  });

  it('answer the benchmark query through plain @apollo/gateway exactly as expected-response.json', async () => {
    const before = subgraphs.requests();
    const response = await server.executeOperation({ query: BENCHMARK_QUERY, operationName: 'TestQuery' });
    expect(response.body.kind).toBe('single');
    const single = response.body.kind === 'single' ? response.body.singleResult : null;
    // Compared as the wire would carry it: a JSON round trip drops graphql-js's null-prototype objects.
    expect(JSON.parse(JSON.stringify(single))).toEqual(expectedResponse());
    const after = subgraphs.requests();
    const made = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, after[name] - before[name]]));
    expect(made).toEqual({ accounts: 3, inventory: 7, products: 4, reviews: 2 });
  });

  it('answer what the query plan does not reach as the reference does', async () => {
    const response = await fetch(subgraphs.urls.accounts, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id username } user(id: "4") { name } }' }),
    });
    expect(await response.json()).toEqual({ data: { me: { id: '1', username: 'urigo' }, user: { name: 'Arda Tanrikulu' } } });
    const reviews = await fetch(subgraphs.urls.reviews, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ _entities(representations: [{ __typename: "User", id: "9" }]) { ... on User { id username reviews { id } } } }',
      }),
    });
    expect(await reviews.json()).toEqual({ data: { _entities: [{ id: '9', username: 'user', reviews: [{ id: '1' }, { id: '2' }] }] } });
  });
});
