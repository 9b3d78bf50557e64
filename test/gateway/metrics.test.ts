import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

let gateway: TestTessera;
beforeAll(async () => {
  gateway = await startTestTessera({ scale: 'none' });
});
afterAll(() => gateway?.stop());

describe('/metrics', () => {
  it('counts requests by route and status, and denials by code and coordinate', async () => {
    await gateway.request({ query: '{ projects { totalCount } }' }, { authorization: null });
    await gateway.request({ query: '{ projects { totalCount } legalEntities { code } }' }, { authorization: null });
    const response = await fetch(new URL('/metrics', gateway.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const lines = text.split('\n').filter((line) => line.startsWith('tessera_'));
    expect(lines).toEqual([
      'tessera_http_requests_total{route="/graphql",status="200"} 2',
      'tessera_authorization_denials_total{code="UNAUTHENTICATED",coordinate="Query.legalEntities"} 1',
      'tessera_authorization_denials_total{code="UNAUTHENTICATED",coordinate="Query.projects"} 2',
      // The supergraphs serving /graphql and the partner contract, loaded once at start from the
      // registry's first composition (docs/registry.md#hot-reload).
      'tessera_supergraph_updates_total{variant="contracts/partner",result="applied"} 1',
      'tessera_supergraph_updates_total{variant="main",result="applied"} 1',
      expect.stringMatching(/^tessera_supergraph_loaded_timestamp_seconds\{variant="contracts\/partner",id="partner#1"\} \d+(\.\d+)?$/),
      expect.stringMatching(/^tessera_supergraph_loaded_timestamp_seconds\{variant="main",id="main#1"\} \d+(\.\d+)?$/),
      // The process engine's gauges, read from the integration store on every scrape (docs/processes.md#metrics).
      'tessera_dead_letters{consumer="cash"} 0',
      'tessera_dead_letters{consumer="sagas"} 0',
      'tessera_dead_letters{consumer="webhooks"} 0',
      // The two operations that executed, recorded for the registry's usage checks (docs/registry.md#usage).
      'tessera_usage_operations_recorded_total{} 2',
      ...['BLOCKED', 'COMPENSATED', 'COMPENSATING', 'COMPLETED', 'FAILED', 'RUNNING', 'WAITING'].map(
        (status) => `tessera_processes{kind="opportunityToProject",status="${status}"} 0`,
      ),
    ]);
  });
});
