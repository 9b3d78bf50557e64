import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_DURATION_BUCKETS } from '../../core/metrics.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

let gateway: TestTessera;
beforeAll(async () => {
  gateway = await startTestTessera({ scale: 'none' });
});
afterAll(() => gateway?.stop());

async function scrape(): Promise<string> {
  const response = await fetch(new URL('/metrics', gateway.url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return response.text();
}

/** Families whose samples other suites assert exactly. */
const OWN_SUITES = ['tessera_http_request_duration_seconds', 'tessera_operation_cost_', 'tessera_persisted_operations_'];

/** The histogram's lines of one label set (labels as rendered, after `le`). */
function histogramOf(text: string, labels: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('tessera_http_request_duration_seconds_') && line.includes(labels + '}'));
}

// One file, one gateway: the tests run in order and each reads only the series its own requests made.
describe('/metrics', () => {
  it('counts requests by route and status, and denials by code and coordinate', async () => {
    await gateway.request({ query: '{ projects { totalCount } }' }, { authorization: null });
    await gateway.request({ query: '{ projects { totalCount } legalEntities { code } }' }, { authorization: null });
    const text = await scrape();
    // Every tessera_ sample but the latency histogram (the next tests) and the families other features
    // assert in their own suites: cost (test/gateway/cost.test.ts), persisted operations (test/gateway/persisted.test.ts).
    const lines = text.split('\n').filter((line) => line.startsWith('tessera_') && !OWN_SUITES.some((prefix) => line.startsWith(prefix)));
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
      'tessera_usage_operations_recorded_total 2',
      // Both ran on the plan executor; none fell back to @apollo/gateway's (docs/executor.md#fallback).
      'tessera_executor_requests_total{engine="plan",reason=""} 2',
      ...['BLOCKED', 'COMPENSATED', 'COMPENSATING', 'COMPLETED', 'FAILED', 'RUNNING', 'WAITING'].map(
        (status) => `tessera_processes{kind="opportunityToProject",status="${status}"} 0`,
      ),
    ]);
  });

  it('observes request latency in a histogram by route, operation, client and status, every bucket present', async () => {
    const token = await gateway.token({ sub: 'metrics-user', scope: 'crm:read', client_id: 'metrics-app' });
    for (let i = 0; i < 3; i += 1) {
      const response = await gateway.request(
        { query: 'query LatencyProbe { __typename }', operationName: 'LatencyProbe' },
        { authorization: `Bearer ${token}` },
      );
      expect(response.status).toBe(200);
    }
    const refused = await gateway.request({ query: 'query LatencyProbe { __typename }' }, { authorization: 'Bearer not-a-token' });
    expect(refused.status).toBe(401);

    const text = await scrape();
    const ok = histogramOf(text, 'route="/graphql",operation="LatencyProbe",client="metrics-app",status="200"');
    expect(ok.map((line) => line.replace(/ \S+$/, ''))).toEqual([
      ...[...HTTP_DURATION_BUCKETS.map(String), '+Inf'].map(
        (le) =>
          `tessera_http_request_duration_seconds_bucket{le="${le}",route="/graphql",operation="LatencyProbe",client="metrics-app",status="200"}`,
      ),
      'tessera_http_request_duration_seconds_sum{route="/graphql",operation="LatencyProbe",client="metrics-app",status="200"}',
      'tessera_http_request_duration_seconds_count{route="/graphql",operation="LatencyProbe",client="metrics-app",status="200"}',
    ]);
    const counts = ok.map((line) => Number(line.split(' ').at(-1)));
    // Cumulative buckets: never decreasing, all three requests in +Inf and in the count.
    expect(counts.slice(0, HTTP_DURATION_BUCKETS.length + 1)).toEqual(
      [...counts.slice(0, HTTP_DURATION_BUCKETS.length + 1)].sort((a, b) => a - b),
    );
    expect(counts[HTTP_DURATION_BUCKETS.length]).toBe(3);
    expect(counts.at(-1)).toBe(3);
    expect(counts.at(-2)).toBeGreaterThan(0);
    // A refused token: no client is known, the status says why.
    expect(histogramOf(text, 'route="/graphql",operation="",client="",status="401"').at(-1)).toBe(
      'tessera_http_request_duration_seconds_count{route="/graphql",operation="",client="",status="401"} 1',
    );
  });

  it('labels the first 100 distinct operation names and counts every later one as other', async () => {
    for (let i = 0; i < 101; i += 1) {
      const name = `Distinct${String(i).padStart(3, '0')}`;
      const response = await gateway.request({ query: `query ${name} { __typename }`, operationName: name }, { authorization: null });
      expect(response.status).toBe(200);
    }
    const text = await scrape();
    const operations = new Set(
      text
        .split('\n')
        .filter((line) => line.startsWith('tessera_http_request_duration_seconds_count{'))
        .map((line) => /operation="([^"]*)"/.exec(line)![1]!),
    );
    // LatencyProbe (the test before) took one of the 100 places: Distinct000..Distinct098 took the others.
    const distinct = [...operations].filter((name) => name.startsWith('Distinct')).sort();
    expect(distinct).toEqual(Array.from({ length: 99 }, (_, i) => `Distinct${String(i).padStart(3, '0')}`));
    expect(operations.has('Distinct099')).toBe(false);
    expect(text).toContain(
      '\ntessera_http_request_duration_seconds_count{route="/graphql",operation="other",client="anonymous",status="200"} 2\n',
    );
  });

  it("serves the process's own metrics under their standard names", async () => {
    const text = await scrape();
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
    expect(text).toMatch(/^process_cpu_seconds_total \d+(\.\d+)?(e[-+]\d+)?$/m);
    expect(text).toMatch(/^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d+$/m);
  });
});
