/**
 * The gateway's idempotency checks (docs/capabilities.md#rules-every-capability-follows): the
 * `Idempotency-Key` header is judged on the operation as the client sent it (a field the
 * authorization filter removed is not "missing"), and a capability call with no key at all is a
 * whole-request refusal, HTTP 400, before any subgraph is called.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../harness/capabilities.ts';
import type { TestTessera } from '../harness/startTestTessera.ts';
import {
  CREATE_OPPORTUNITY,
  call,
  envelope,
  opportunityInput,
  rowCounts,
  startWithCustomer,
  type SeededAccount,
} from '../capability/crm/crmKit.ts';

let tessera: TestTessera;
let customer: SeededAccount;

beforeAll(async () => {
  [tessera, customer] = await startWithCustomer();
});
afterAll(() => tessera?.stop());

/** A token that reads the CRM but may not write it. */
const READ_ONLY = { sub: 'crm-reader', scope: 'crm:read erp:read', legal_entities: '*' as const };

const FORBIDDEN_CREATE = {
  message: 'Not authorized to read Mutation.createOpportunity (requires scope crm:write).',
  path: ['createOpportunity'],
  extensions: { code: 'FORBIDDEN', coordinate: 'Mutation.createOpportunity', reason: 'requires scope crm:write' },
};

const KEY_REQUIRED = 'Every mutation needs an idempotency key: set input.idempotencyKey, or the Idempotency-Key header.';

describe('the Idempotency-Key header on a mutation the caller may not call', () => {
  it('answers only the FORBIDDEN denial, no BAD_REQUEST about a field count of 0; nothing is written', async () => {
    const { idempotencyKey: _key, ...input } = opportunityInput(customer.id);
    const before = await rowCounts(tessera);
    const result = await call(tessera, CREATE_OPPORTUNITY, input, { claims: READ_ONLY, headers: { 'idempotency-key': newKey() } });
    expect(envelope(result)).toEqual({ status: 200, body: { errors: [FORBIDDEN_CREATE], data: null } });
    expect(await rowCounts(tessera)).toEqual(before);
  });

  it('with two mutation fields, both denied, is still BAD_REQUEST counting the two the client sent', async () => {
    const { idempotencyKey: _a, ...a } = opportunityInput(customer.id);
    const { idempotencyKey: _b, ...b } = opportunityInput(customer.id);
    const response = await tessera.request(
      {
        query: `mutation Two($a: CreateOpportunityInput!, $b: CreateOpportunityInput!) {
          a: createOpportunity(input: $a) { replayed } b: createOpportunity(input: $b) { replayed } }`,
        variables: { a, b },
      },
      { 'idempotency-key': newKey(), authorization: `Bearer ${await tessera.token(READ_ONLY)}` },
    );
    expect({ status: response.status, body: response.body }).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message:
              'The Idempotency-Key header keys a request with exactly one mutation field; this one has 2. Use input.idempotencyKey on each.',
            extensions: { code: 'BAD_REQUEST' },
          },
        ],
      },
    });
  });

  it('without any key, a denied mutation answers only FORBIDDEN (a field not called needs no key)', async () => {
    const { idempotencyKey: _key, ...input } = opportunityInput(customer.id);
    const result = await call(tessera, CREATE_OPPORTUNITY, input, { claims: READ_ONLY });
    expect(envelope(result)).toEqual({ status: 200, body: { errors: [FORBIDDEN_CREATE], data: null } });
  });
});

describe('a capability call without an idempotency key', () => {
  it('is HTTP 400 IDEMPOTENCY_KEY_REQUIRED, no data, before any subgraph call; nothing is written', async () => {
    const { idempotencyKey: _key, ...input } = opportunityInput(customer.id);
    const before = await rowCounts(tessera);
    const result = await call(tessera, CREATE_OPPORTUNITY, input);
    expect(envelope(result)).toEqual({
      status: 400,
      body: { errors: [{ message: KEY_REQUIRED, extensions: { code: 'IDEMPOTENCY_KEY_REQUIRED', fields: ['createOpportunity'] } }] },
    });
    // Not even a REJECTED audit entry: the CRM never saw the call.
    expect(await rowCounts(tessera)).toEqual(before);
  });

  it('an empty input.idempotencyKey is no key', async () => {
    const result = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id, { idempotencyKey: '' }));
    expect(envelope(result)).toEqual({
      status: 400,
      body: { errors: [{ message: KEY_REQUIRED, extensions: { code: 'IDEMPOTENCY_KEY_REQUIRED', fields: ['createOpportunity'] } }] },
    });
  });

  it('with two fields, one keyed in its input and one not, refuses the whole request naming the unkeyed one', async () => {
    const keyed = opportunityInput(customer.id);
    const { idempotencyKey: _b, ...unkeyed } = opportunityInput(customer.id);
    const before = await rowCounts(tessera);
    const response = await tessera.request({
      query: `mutation Two($a: CreateOpportunityInput!, $b: CreateOpportunityInput!) {
        a: createOpportunity(input: $a) { replayed } b: createOpportunity(input: $b) { replayed } }`,
      variables: { a: keyed, b: unkeyed },
    });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 400,
      body: { errors: [{ message: KEY_REQUIRED, extensions: { code: 'IDEMPOTENCY_KEY_REQUIRED', fields: ['createOpportunity'] } }] },
    });
    expect(await rowCounts(tessera)).toEqual(before);
  });

  it('keyed by the header alone, or by a literal input key, is called (the check reads literals and variables)', async () => {
    const { idempotencyKey: _key, ...input } = opportunityInput(customer.id);
    const byHeader = await call<{ replayed: boolean }>(tessera, CREATE_OPPORTUNITY, input, { headers: { 'idempotency-key': newKey() } });
    expect([byHeader.status, byHeader.body.errors, byHeader.payload?.replayed]).toEqual([200, undefined, false]);
    const literal = await tessera.request({
      query: `mutation { createOpportunity(input: { idempotencyKey: "${newKey()}", accountId: "${customer.id}", name: "Literal ${newKey().slice(0, 8)}",
        legalEntityId: "le_US01", currency: "USD", closeDate: "2027-03-31", lines: [{ serviceOffering: "Workshop", billingMethod: FIXED_FEE,
        amount: "1000.00", startDate: "2027-01-04", endDate: "2027-03-31" }] }) { replayed } }`,
    });
    expect({ status: literal.status, body: literal.body }).toEqual({
      status: 200,
      body: { data: { createOpportunity: { replayed: false } } },
    });
  });
});
