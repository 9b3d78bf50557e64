/**
 * OpenTelemetry traces through the gateway (docs/observability.md#traces), with the spans kept in
 * memory by the same set-up code a process runs (`startTracing` with an injected exporter).
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../core/telemetry/tracing.ts';
import { crmDb } from '../harness/capabilityRows.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { CREATE_OPPORTUNITY, opportunityInput, salesforceCustomer, seededAccounts } from '../capability/crm/crmKit.ts';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;
/** A project of the demo data whose customer is in CRM: one fetch from PSA, then one from CRM. */
const PROJECT_WITH_CUSTOMER = 'query ProjectCustomer { project(id: "prj_00008") { code customer { name } } }';

/** The spans this feature defines or reuses; plugins other parts add (`tessera.<name>`) are left out of the tree. */
const DOCUMENTED = new Set([
  'tessera.request',
  'graphql.parse',
  'graphql.validate',
  'tessera.limits',
  'tessera.policy',
  'tessera.execute',
  'tessera.plan',
  'tessera.fetch',
  'tessera.subgraph',
  'tessera.capability',
]);

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let tessera: TestTessera;
/** A subgraph whose calls fail as if it were down (by name), or none. */
let down: string | null = null;

beforeAll(async () => {
  tracing = startTracing({ otlpEndpoint: null, otlpHeaders: undefined, sampleRatio: 1 }, { serviceName: 'tessera-gateway', exporter });
  const wrapFetcher =
    (fetcher: Fetcher): Fetcher =>
    (url, init) =>
      down && url.includes(`//${down}.`) ? Promise.reject(connectionRefused()) : fetcher(url, init);
  tessera = await startTestTessera({ scale: 's', wrapFetcher });
});
afterAll(async () => {
  await tessera?.stop();
  await tracing?.shutdown();
});
beforeEach(() => {
  exporter.reset();
  down = null;
});

/** What undici's fetch throws when nothing listens. */
function connectionRefused(): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
}

const idOf = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The documented spans as `name [subgraph] <- parent name` (the caller's span id for the root), sorted. */
function tree(spans: readonly ReadableSpan[]): string[] {
  const byId = new Map(spans.map((span) => [idOf(span), span]));
  return spans
    .filter((span) => DOCUMENTED.has(span.name))
    .map((span) => {
      const subgraph = span.attributes.subgraph === undefined ? '' : ` [${String(span.attributes.subgraph)}]`;
      const parent = parentOf(span);
      return `${span.name}${subgraph} <- ${parent === undefined ? 'root' : (byId.get(parent)?.name ?? parent)}`;
    })
    .sort();
}

function only(spans: readonly ReadableSpan[], name: string, subgraph?: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name && (subgraph === undefined || span.attributes.subgraph === subgraph));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('traces', () => {
  it("continues the caller's trace through parse, validate, limits, policy, plan and a span per subgraph fetch", async () => {
    const response = await tessera.request(
      { query: PROJECT_WITH_CUSTOMER, operationName: 'ProjectCustomer' },
      { traceparent: TRACEPARENT },
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ data: { project: { code: expect.any(String), customer: { name: expect.any(String) } } } });
    const spans = exporter.getFinishedSpans();
    expect(tree(spans)).toEqual([
      'graphql.parse <- tessera.request',
      'graphql.validate <- tessera.request',
      'tessera.execute <- tessera.request',
      'tessera.fetch [crm] <- tessera.execute',
      'tessera.fetch [psa] <- tessera.execute',
      'tessera.limits <- tessera.request',
      'tessera.plan <- tessera.execute',
      'tessera.policy <- tessera.request',
      `tessera.request <- ${CALLER_SPAN}`,
      'tessera.subgraph [crm] <- tessera.fetch',
      'tessera.subgraph [psa] <- tessera.fetch',
    ]);
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([CALLER_TRACE]));
    // Each subgraph's span is the child of its own fetch: the traceparent each fetch sent named that fetch's span.
    for (const subgraph of ['psa', 'crm']) {
      const fetchSpan = only(spans, 'tessera.fetch', subgraph);
      expect(fetchSpan.attributes).toEqual({ subgraph });
      expect(fetchSpan.status.code).toBe(SpanStatusCode.UNSET);
      expect(parentOf(only(spans, 'tessera.subgraph', subgraph))).toBe(idOf(fetchSpan));
    }
    const request = only(spans, 'tessera.request');
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.parentSpanContext).toMatchObject({ traceId: CALLER_TRACE, spanId: CALLER_SPAN, isRemote: true });
    expect(request.attributes).toEqual({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'graphql.operation.name': 'ProjectCustomer',
      'tessera.client': 'unidentified',
    });
    expect(request.resource.attributes['service.name']).toBe('tessera-gateway');
  });

  it("says whether the plan came from the gateway's plan cache", async () => {
    const query = 'query PlanCache { legalEntities { code name } }';
    const plans: unknown[] = [];
    for (let run = 0; run < 2; run++) {
      exporter.reset();
      expect((await tessera.request({ query, operationName: 'PlanCache' })).status).toBe(200);
      plans.push(only(exporter.getFinishedSpans(), 'tessera.plan').attributes);
    }
    expect(plans).toEqual([
      { 'graphql.operation.name': 'PlanCache', 'tessera.plan.cached': false },
      { 'graphql.operation.name': 'PlanCache', 'tessera.plan.cached': true },
    ]);
  });

  it('starts a new trace without a (valid) traceparent', async () => {
    const response = await tessera.request({ query: '{ legalEntities { code } }' }, { traceparent: 'ff-not-a-trace' });
    expect(response.status).toBe(200);
    const request = only(exporter.getFinishedSpans(), 'tessera.request');
    expect(request.parentSpanContext).toBeUndefined();
    expect(request.spanContext().traceId).not.toBe(CALLER_TRACE);
  });

  it('marks the fetch of a subgraph that is down as failed, with the reason, and the answer still has the rest', async () => {
    down = 'crm';
    const response = await tessera.request({ query: PROJECT_WITH_CUSTOMER }, { traceparent: TRACEPARENT });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ project: { code: expect.any(String), customer: null } });
    expect(response.body.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['project', 'customer'], 'SUBGRAPH_UNAVAILABLE'],
    ]);
    const spans = exporter.getFinishedSpans();
    const failed = only(spans, 'tessera.fetch', 'crm');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes['tessera.unavailable.reason']).toBe('connect_error');
    expect(failed.events.map((event) => event.name)).toContain('exception');
    expect(only(spans, 'tessera.fetch', 'psa').status.code).toBe(SpanStatusCode.UNSET);
    expect(spans.some((span) => span.name === 'tessera.subgraph' && span.attributes.subgraph === 'crm')).toBe(false);
  });

  it('fails the limits span with the catalog code of a refusal, before any subgraph is called', async () => {
    // Depth 1 + 2 × 8 + 1 = 18, over the default 15.
    const deep = `{ project(id: "prj_00008") { ${'customer { projects { '.repeat(8)}code${' } }'.repeat(8)} } }`;
    const response = await tessera.request({ query: deep }, { traceparent: TRACEPARENT });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('OPERATION_LIMIT_EXCEEDED');
    const spans = exporter.getFinishedSpans();
    const limits = only(spans, 'tessera.limits');
    expect(limits.status.code).toBe(SpanStatusCode.ERROR);
    expect(limits.attributes).toEqual({ 'tessera.plugin': 'limits', 'tessera.error.code': 'OPERATION_LIMIT_EXCEEDED' });
    expect(spans.filter((span) => span.name === 'tessera.fetch')).toEqual([]);
  });

  it('puts each capability call in a span under its subgraph, its peer calls under it, and writes the subgraph span as the traceparent of its events', async () => {
    const accountId = salesforceCustomer(await seededAccounts(tessera)).id;
    exporter.reset();
    const response = await tessera.request(
      { query: CREATE_OPPORTUNITY, variables: { input: opportunityInput(accountId) } },
      { traceparent: TRACEPARENT },
    );
    expect(response.status).toBe(200);
    const created = (response.body.data as { createOpportunity: { opportunity: { id: string }; userErrors: unknown[] } }).createOpportunity;
    expect(created.userErrors).toEqual([]);
    const spans = exporter.getFinishedSpans();
    const subgraph = only(spans, 'tessera.subgraph', 'crm');
    const capability = only(spans, 'tessera.capability');
    expect(parentOf(capability)).toBe(idOf(subgraph));
    expect(capability.attributes).toEqual({ 'tessera.capability': 'crm.createOpportunity', 'tessera.capability.version': 1 });
    // The capability reads the legal entity's status from the ERP: that peer call is a child of the capability's span.
    expect(parentOf(only(spans, 'tessera.subgraph', 'erp'))).toBe(idOf(capability));
    const [row] = await crmDb(tessera)
      .selectFrom('outbox_events')
      .select(['trace_parent'])
      .where('aggregate_id', '=', created.opportunity.id)
      .execute();
    expect(row!.trace_parent).toBe(`00-${CALLER_TRACE}-${idOf(subgraph)}-01`);
  });
});
