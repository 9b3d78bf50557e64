/**
 * A subgraph that does not answer: the gateway answers HTTP 200 with every part it could get,
 * SUBGRAPH_UNAVAILABLE errors at exactly the paths that are missing, and serves fully again
 * once the subgraph is back. Also: the client's request id reaches the subgraph's log. The breaker
 * is off here (test/gateway/breaker.test.ts has it) so that every request reaches the outage.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stackLeaks } from '../harness/rawHttp.ts';
import { startTestTessera, type GraphQLBody, type TestTessera } from '../harness/startTestTessera.ts';
import { connectionRefused, outageConfig, unavailableAt } from '../harness/subgraphOutage.ts';

const ERP_URL = 'http://erp.embedded.tessera/graphql';

/** How the ERP subgraph behaves for the current test; reset to `up` after each. */
let erp: 'up' | 'refused' | 'html-500' = 'up';

const wrapFetcher =
  (inner: Fetcher): Fetcher =>
  async (url, init) => {
    if (url === ERP_URL && erp === 'refused') throw connectionRefused();
    if (url === ERP_URL && erp === 'html-500') {
      return new Response('<!doctype html><html><body><h1>500 Internal Server Error</h1><p>nginx</p></body></html>', {
        status: 500,
        statusText: 'Internal Server Error',
        headers: { 'content-type': 'text/html' },
      });
    }
    return inner(url, init);
  };

let tessera: TestTessera;

beforeAll(async () => {
  const config = outageConfig({ TESSERA_SUBGRAPH_BREAKER: 'off', TESSERA_SUBGRAPH_RETRY_BACKOFF_MS: '0' });
  tessera = await startTestTessera({ scale: 's', wrapFetcher, config });
});
afterAll(() => tessera?.stop());
afterEach(() => {
  erp = 'up';
});

const GRAPHQL_RESPONSE = 'application/graphql-response+json; charset=utf-8';

/** POSTs a query; returns the whole envelope (status, content type, body) and checks it leaks nothing. */
async function ask(query: string, headers: Record<string, string> = {}) {
  const response = await tessera.request({ query }, headers);
  expect(stackLeaks(JSON.stringify(response.body))).toEqual([]);
  return { status: response.status, contentType: response.headers.get('content-type'), body: response.body };
}

/** The full answer while every subgraph is up (the reference the degraded answers are compared to). */
async function healthy(query: string): Promise<GraphQLBody> {
  erp = 'up';
  const answer = await ask(query);
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  return answer.body;
}

interface ProjectNode {
  id: string;
  code: string;
  billedToDate: { amount: string } | null;
}

/** Active customer projects: each has an ERP record, so billedToDate is set while ERP is up. */
const PROJECTS_WITH_BILLING =
  '{ projects(first: 3, filter: { type: [CUSTOMER_BILLABLE], status: [ACTIVE] }) { nodes { id code billedToDate { amount } } } }';

function projectNodes(body: GraphQLBody): ProjectNode[] {
  return (body.data as { projects: { nodes: ProjectNode[] } }).projects.nodes;
}

/** Each project with the ERP-owned field missing, and one error per missing field. */
function withoutBilling(nodes: readonly ProjectNode[], reason = 'connect_error') {
  return {
    data: { projects: { nodes: nodes.map((node) => ({ ...node, billedToDate: null })) } },
    errors: nodes.map((_, index) => unavailableAt('erp', ['projects', 'nodes', index, 'billedToDate'], reason)),
  };
}

describe('the ERP subgraph refuses connections', () => {
  it('answers the PSA part of a query, with billedToDate null and an error at each', async () => {
    const reference = projectNodes(await healthy(PROJECTS_WITH_BILLING));
    expect(reference).toHaveLength(3);
    expect(reference.every((node) => node.billedToDate !== null)).toBe(true);

    erp = 'refused';
    expect(await ask(PROJECTS_WITH_BILLING)).toEqual({ status: 200, contentType: GRAPHQL_RESPONSE, body: withoutBilling(reference) });
  });

  it('answers a nullable ERP root field with null and its error at that field, next to PSA data', async () => {
    const query = (id: string) => `{ projects(first: 2) { nodes { id code } } legalEntity(id: "${id}") { code } }`;
    const entity = (await healthy('{ legalEntities { id code } }')).data as { legalEntities: { id: string; code: string }[] };
    const first = entity.legalEntities[0]!;
    const reference = await healthy(query(first.id));

    erp = 'refused';
    expect(await ask(query(first.id))).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: {
        data: { projects: (reference.data as { projects: unknown }).projects, legalEntity: null },
        errors: [unavailableAt('erp', ['legalEntity'])],
      },
    });
  });

  it('answers an ERP root field with null and the PSA one beside it in full (root query fields are nullable)', async () => {
    const reference = (await healthy('{ projects(first: 2) { nodes { id } } legalEntities { code } }')).data as { projects: unknown };

    erp = 'refused';
    expect(await ask('{ projects(first: 2) { nodes { id } } legalEntities { code } }')).toEqual({
      status: 200,
      contentType: GRAPHQL_RESPONSE,
      body: {
        data: { projects: reference.projects, legalEntities: null },
        errors: [unavailableAt('erp', ['legalEntities'])],
      },
    });
  });

  it('logs the failure under the request id, with the subgraph name', async () => {
    erp = 'refused';
    await ask(PROJECTS_WITH_BILLING, { 'x-request-id': 'erp-down-log-1' });
    const failures = tessera.logs.records.filter((record) => record.reqId === 'erp-down-log-1' && record.msg === 'subgraph request failed');
    expect(failures.map((record) => ({ level: record.level, subgraph: record.subgraph }))).toEqual([{ level: 40, subgraph: 'erp' }]);
  });

  it('serves the same query fully again once the subgraph is back', async () => {
    const reference = await healthy(PROJECTS_WITH_BILLING);

    erp = 'refused';
    expect((await ask(PROJECTS_WITH_BILLING)).body).toEqual(withoutBilling(projectNodes(reference)));

    erp = 'up';
    expect(await ask(PROJECTS_WITH_BILLING)).toEqual({ status: 200, contentType: GRAPHQL_RESPONSE, body: reference });
  });
});

describe('the ERP subgraph answers HTTP 500 with an HTML page', () => {
  it('answers like an unreachable subgraph, and none of the HTML reaches the client', async () => {
    const reference = projectNodes(await healthy(PROJECTS_WITH_BILLING));

    erp = 'html-500';
    const answer = await ask(PROJECTS_WITH_BILLING);
    expect(answer).toEqual({ status: 200, contentType: GRAPHQL_RESPONSE, body: withoutBilling(reference, 'bad_status') });
    expect(JSON.stringify(answer.body)).not.toMatch(/html|nginx|Internal Server Error|500/i);

    erp = 'up';
    expect(projectNodes((await ask(PROJECTS_WITH_BILLING)).body)).toEqual(reference);
  });
});

describe('request ids across the gateway and the subgraphs', () => {
  it('logs the subgraph request under the id the client sent', async () => {
    const requestId = 'client-trace-7f3a';
    const answer = await ask('{ projects(first: 1) { nodes { id } } }', { 'x-request-id': requestId });
    expect(answer.status).toBe(200);

    const records = tessera.logs.records.filter((record) => record.reqId === requestId);
    const subgraph = records.filter((record) => record.subgraph === 'psa' && record.msg === 'subgraph request');
    expect(subgraph.map((record) => ({ level: record.level, status: record.status }))).toEqual([{ level: 20, status: 200 }]);
    // And the gateway's access log line for the same request.
    const access = records.filter((record) => record.msg === 'request');
    expect(access.map((record) => ({ method: record.method, path: record.path, status: record.status }))).toEqual([
      { method: 'POST', path: '/graphql', status: 200 },
    ]);
  });

  it('forwards the id to every subgraph a query plan calls', async () => {
    const requestId = 'client-trace-fanout';
    await ask(PROJECTS_WITH_BILLING, { 'x-request-id': requestId });
    const subgraphs = tessera.logs.records
      .filter((record) => record.reqId === requestId && record.msg === 'subgraph request')
      .map((record) => record.subgraph);
    expect(subgraphs.sort()).toEqual(['erp', 'psa']);
  });
});
