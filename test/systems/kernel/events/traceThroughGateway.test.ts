/**
 * The trace context of a request reaches the outbox (docs/events.md#trace-context): a mutation
 * through the gateway with a `traceparent` and an `x-correlation-id` writes events that carry the
 * same trace (with a span id of their own hop) and that correlation id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTraceparent } from '../../../../core/http/traceContext.ts';
import { crmDb } from '../../../harness/capabilityRows.ts';
import { startTestTessera, type TestTessera } from '../../../harness/startTestTessera.ts';
import { CREATE_OPPORTUNITY, opportunityInput, salesforceCustomer, seededAccounts } from '../../../capability/crm/crmKit.ts';

const INCOMING = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let tessera: TestTessera;
let accountId: string;
beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  accountId = salesforceCustomer(await seededAccounts(tessera)).id;
});
afterAll(() => tessera.stop());

async function createOpportunity(headers: Record<string, string>) {
  const response = await tessera.request({ query: CREATE_OPPORTUNITY, variables: { input: opportunityInput(accountId) } }, headers);
  expect(response.status).toBe(200);
  const payload = (response.body.data as { createOpportunity: { opportunity: { id: string } | null; userErrors: unknown[] } })
    .createOpportunity;
  expect(payload.userErrors).toEqual([]);
  const rows = await crmDb(tessera)
    .selectFrom('outbox_events')
    .select(['type', 'correlation_id', 'trace_parent'])
    .where('aggregate_id', '=', payload.opportunity!.id)
    .execute();
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('trace context from the gateway to the outbox', () => {
  it("keeps the caller's trace id (a new span id) and correlation id", async () => {
    const row = await createOpportunity({ traceparent: INCOMING, 'x-correlation-id': 'deal-2025-0042', 'x-request-id': 'req-trace-1' });
    expect(row.type).toBe('OpportunityCreated');
    expect(row.correlation_id).toBe('deal-2025-0042');
    const trace = parseTraceparent(row.trace_parent);
    expect(trace).toMatchObject({ version: '00', traceId: '0af7651916cd43dd8448eb211c80319c', flags: '01' });
    expect(trace!.spanId).not.toBe('b7ad6b7169203331');
  });

  it('without them (or with invalid ones): the request id is the correlation id, and a new trace starts', async () => {
    const row = await createOpportunity({ 'x-request-id': 'req-trace-2', traceparent: 'not-a-trace', 'x-correlation-id': 'no spaces' });
    expect(row.correlation_id).toBe('req-trace-2');
    const trace = parseTraceparent(row.trace_parent);
    expect(trace).not.toBeNull();
    expect(trace!.traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
