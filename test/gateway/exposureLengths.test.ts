/**
 * Free-text input lengths through the gateway (docs/capabilities.md#input-lengths), one
 * representative input per subgraph, just under and just over its limit: over it, the whole
 * request is refused with HTTP 400 BAD_USER_INPUT naming the input path, the limit and the length,
 * before any subgraph is called, and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../harness/capabilities.ts';
import { countRows, crmDb, erpDb, psaDb } from '../harness/capabilityRows.ts';
import type { TestTessera } from '../harness/startTestTessera.ts';
import { CREATE_OPPORTUNITY, opportunityInput, rowCounts, startWithCustomer, type SeededAccount } from '../capability/crm/crmKit.ts';

let tessera: TestTessera;
let customer: SeededAccount;

beforeAll(async () => {
  [tessera, customer] = await startWithCustomer();
});
afterAll(() => tessera?.stop());

async function send(query: string, variables: Record<string, unknown>) {
  const response = await tessera.request({ query, variables });
  // The response's cost report (extensions.cost) is demand control's concern, not this suite's.
  const { extensions: _extensions, ...body } = response.body as typeof response.body & { extensions?: unknown };
  return { status: response.status, body };
}

function refusal(coordinate: string, field: string, maxLength: number, actual: number) {
  return {
    status: 400,
    body: {
      errors: [
        {
          message: `${coordinate}: ${field} is ${actual} characters long; at most ${maxLength} are allowed.`,
          extensions: { code: 'BAD_USER_INPUT', coordinate, field, maxLength, actual },
        },
      ],
    },
  };
}

describe('crm: an opportunity name (200)', () => {
  it('of 200 characters is stored', async () => {
    const name = 'N'.repeat(199) + '😀';
    const answer = await send(CREATE_OPPORTUNITY, { input: opportunityInput(customer.id, { name }) });
    expect([answer.status, answer.body.errors]).toEqual([200, undefined]);
    const stored = await crmDb(tessera).selectFrom('opportunities').select('name').where('name', '=', name).execute();
    expect(stored).toEqual([{ name }]);
  });

  it.each([
    ['201 characters', 201],
    ['900,000 characters (the issue)', 900_000],
  ])('of %s is refused with HTTP 400 before the CRM is called; nothing is written', async (_, length) => {
    const before = await rowCounts(tessera);
    const answer = await send(CREATE_OPPORTUNITY, { input: opportunityInput(customer.id, { name: 'x'.repeat(length) }) });
    expect(answer).toEqual(refusal('Mutation.createOpportunity', 'input.name', 200, length));
    // Not even a REJECTED audit entry: the CRM never saw the call.
    expect(await rowCounts(tessera)).toEqual(before);
  });

  it('in a literal, not a variable, is refused the same way', async () => {
    const answer = await send(
      `mutation { createOpportunity(input: { idempotencyKey: "${newKey()}", accountId: "${customer.id}", name: "${'y'.repeat(201)}",
        legalEntityId: "le_US01", currency: "USD", closeDate: "2027-03-31", lines: [] }) { replayed } }`,
      {},
    );
    expect(answer).toEqual(refusal('Mutation.createOpportunity', 'input.name', 200, 201));
  });
});

describe('psa: time entry notes (2000), in a list of an input', () => {
  const SUBMIT = `mutation($input: SubmitTimecardInput!) { submitTimecard(input: $input) { userErrors { code field } } }`;
  const input = (notes: string) => ({
    idempotencyKey: newKey(),
    assignmentId: 'asg_missing',
    weekStart: '2026-11-02',
    entries: [
      { date: '2026-11-02', hours: '8', notes: 'fine' },
      { date: '2026-11-03', hours: '8', notes },
    ],
  });

  it('of 2000 characters reaches the PSA (which answers its own refusal for the unknown assignment)', async () => {
    const answer = await send(SUBMIT, { input: input('n'.repeat(2000)) });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('of 2001 characters is refused at its path, nothing written', async () => {
    const before = await countRows(psaDb(tessera), ['timecards', 'time_entries', 'audit_log', 'idempotency_records']);
    const answer = await send(SUBMIT, { input: input('n'.repeat(2001)) });
    expect(answer).toEqual(refusal('Mutation.submitTimecard', 'input.entries[1].notes', 2000, 2001));
    expect(await countRows(psaDb(tessera), ['timecards', 'time_entries', 'audit_log', 'idempotency_records'])).toEqual(before);
  });
});

describe('erp: a credit hold reason (2000)', () => {
  const PLACE = `mutation($input: CreditHoldInput!) { placeCreditHold(input: $input) { replayed } }`;
  const input = (reason: string) => ({ idempotencyKey: newKey(), accountId: customer.id, legalEntityId: 'le_US01', reason });

  it('of 2000 characters reaches the ERP', async () => {
    const answer = await send(PLACE, { input: input('r'.repeat(2000)) });
    expect([answer.status, answer.body.errors]).toEqual([200, undefined]);
  });

  it('of 2001 characters is refused, nothing written', async () => {
    const before = await countRows(erpDb(tessera), ['audit_log', 'idempotency_records', 'outbox_events']);
    const answer = await send(PLACE, { input: input('r'.repeat(2001)) });
    expect(answer).toEqual(refusal('Mutation.placeCreditHold', 'input.reason', 2000, 2001));
    expect(await countRows(erpDb(tessera), ['audit_log', 'idempotency_records', 'outbox_events'])).toEqual(before);
  });
});

describe('integration: a query filter (the audit trail, 200)', () => {
  const TRAIL = `query($filter: AuditFilter) { integrationAuditLog(filter: $filter) { totalCount } }`;

  it('of 200 characters answers', async () => {
    expect(await send(TRAIL, { filter: { capability: 'c'.repeat(200) } })).toEqual({
      status: 200,
      body: { data: { integrationAuditLog: { totalCount: 0 } } },
    });
  });

  it('of 201 characters is refused before planning', async () => {
    expect(await send(TRAIL, { filter: { capability: 'c'.repeat(201) } })).toEqual(
      refusal('Query.integrationAuditLog', 'filter.capability', 200, 201),
    );
  });
});
