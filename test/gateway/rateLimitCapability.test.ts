/**
 * Per-client capability limits (docs/rate-limits.md#capability-limits), in memory, on an injected
 * clock: a limited capability's policy joins the client's in the headers, the call over the limit
 * is refused 429 before any subgraph call (nothing written), and a call the caller may not make
 * costs no quota.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { loadConfig } from '../../core/config/config.ts';
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

const START = Date.UTC(2026, 11, 7, 1, 0, 0);
let nowMs = START;

let tessera: TestTessera;
let customer: SeededAccount;

beforeAll(async () => {
  [tessera, customer] = await startWithCustomer({
    now: () => new Date(nowMs),
    config: {
      // Whole envelopes: without the cost report in `extensions`.
      demandControl: loadConfig({ TESSERA_COST_REPORT: 'off' }).demandControl,
      rateLimits: {
        client: { count: 100, windowSeconds: 60 },
        clients: {},
        // By the name without its system; and one the supergraph does not declare.
        capabilities: { createOpportunity: { count: 2, windowSeconds: 60 }, 'crm.noSuchCapability': { count: 1, windowSeconds: 1 } },
        concurrency: null,
        redis: undefined,
      },
    },
  });
});
afterAll(() => tessera?.stop());

const writer = (client: string): PrincipalClaims => ({
  sub: 'crm-writer',
  scope: 'crm:read crm:write erp:read',
  legal_entities: '*',
  client_id: client,
});
const reader = (client: string): PrincipalClaims => ({
  sub: 'crm-reader',
  scope: 'crm:read erp:read',
  legal_entities: '*',
  client_id: client,
});

const rateHeaders = (result: { headers: Headers }) => ({
  policy: result.headers.get('ratelimit-policy'),
  limit: result.headers.get('ratelimit'),
  retryAfter: result.headers.get('retry-after'),
});

const POLICIES = '"client";q=100;w=60, "capability:crm.createOpportunity";q=2;w=60';

describe('a capability limit (createOpportunity: 2 per 60 s per client)', () => {
  it('admits two calls with both policies in the headers, then refuses the third with 429 before anything is written', async () => {
    nowMs = START;
    const admitted = [];
    for (let i = 0; i < 2; i += 1) {
      const result = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id), { claims: writer('crm-app') });
      admitted.push({ status: result.status, errors: result.body.errors, ...rateHeaders(result) });
    }
    expect(admitted).toEqual([
      {
        status: 200,
        errors: undefined,
        policy: POLICIES,
        limit: '"client";r=99;t=1, "capability:crm.createOpportunity";r=1;t=30',
        retryAfter: null,
      },
      {
        status: 200,
        errors: undefined,
        policy: POLICIES,
        limit: '"client";r=98;t=1, "capability:crm.createOpportunity";r=0;t=30',
        retryAfter: null,
      },
    ]);

    const before = await rowCounts(tessera);
    const refused = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id), { claims: writer('crm-app') });
    expect({ ...envelope(refused), ...rateHeaders(refused) }).toEqual({
      status: 429,
      body: {
        errors: [
          {
            message: 'Too many calls of crm.createOpportunity: this client may call it 2 per 60 s. Retry in 30 s.',
            extensions: { code: 'RATE_LIMITED', limit: 'capability', retryAfter: 30 },
          },
        ],
      },
      policy: POLICIES,
      limit: '"client";r=97;t=1, "capability:crm.createOpportunity";r=0;t=30',
      retryAfter: '30',
    });
    expect(await rowCounts(tessera)).toEqual(before);

    // Queries of the same client carry only the client's policy; another client has its own quota.
    const query = await tessera.request({ query: '{ __typename }' }, { authorization: `Bearer ${await tessera.token(writer('crm-app'))}` });
    expect(rateHeaders(query)).toEqual({ policy: '"client";q=100;w=60', limit: '"client";r=96;t=1', retryAfter: null });
    const elsewhere = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id), { claims: writer('other-app') });
    expect({ status: elsewhere.status, limit: rateHeaders(elsewhere).limit }).toEqual({
      status: 200,
      limit: '"client";r=99;t=1, "capability:crm.createOpportunity";r=1;t=30',
    });

    nowMs = START + 30_000;
    const later = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id), { claims: writer('crm-app') });
    expect({ status: later.status, limit: rateHeaders(later).limit }).toEqual({
      status: 200,
      limit: '"client";r=99;t=1, "capability:crm.createOpportunity";r=0;t=30',
    });
  });

  it('does not count a call the caller may not make (authorization removed it)', async () => {
    nowMs = START + 1_000_000;
    const denied = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id), { claims: reader('mixed-app') });
    expect({ status: denied.status, code: denied.body.errors?.[0]?.extensions?.code, ...rateHeaders(denied) }).toEqual({
      status: 200,
      code: 'FORBIDDEN',
      policy: '"client";q=100;w=60',
      limit: '"client";r=99;t=1',
      retryAfter: null,
    });
    const allowed = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id), { claims: writer('mixed-app') });
    expect(rateHeaders(allowed).limit).toBe('"client";r=98;t=1, "capability:crm.createOpportunity";r=1;t=30');
  });

  it('counts each call of an operation that calls the capability twice', async () => {
    nowMs = START + 2_000_000;
    const response = await tessera.request(
      {
        query: `mutation Two($a: CreateOpportunityInput!, $b: CreateOpportunityInput!) {
          a: createOpportunity(input: $a) { replayed } b: createOpportunity(input: $b) { replayed } }`,
        variables: { a: opportunityInput(customer.id), b: opportunityInput(customer.id) },
      },
      { authorization: `Bearer ${await tessera.token(writer('twice-app'))}` },
    );
    expect({ status: response.status, body: response.body, limit: rateHeaders(response).limit }).toEqual({
      status: 200,
      body: { data: { a: { replayed: false }, b: { replayed: false } } },
      // Both units at once: the next returns in one interval.
      limit: '"client";r=99;t=1, "capability:crm.createOpportunity";r=0;t=30',
    });
  });

  it('leaves a mutation the operation limits refused unwalked: a fragment bomb on Mutation is answered with the limit error', async () => {
    const fragments = ['fragment M0 on Mutation { createOpportunity(input: $input) { replayed } }'];
    for (let i = 1; i <= 24; i += 1) fragments.push(`fragment M${i} on Mutation { ...M${i - 1} ...M${i - 1} }`);
    const response = await tessera.request(
      {
        query: `mutation Bomb($input: CreateOpportunityInput!) { ...M24 }\n${fragments.join('\n')}`,
        variables: { input: opportunityInput(customer.id) },
      },
      { authorization: `Bearer ${await tessera.token(writer('bomb-app'))}` },
    );
    expect({ status: response.status, data: response.body.data, code: response.body.errors?.[0]?.extensions?.code }).toEqual({
      status: 400,
      data: undefined,
      code: 'OPERATION_LIMIT_EXCEEDED',
    });
    expect(response.headers.get('ratelimit')).toBe('"client";r=99;t=1');
  });

  it('counts capability refusals at /metrics, and warns of a configured capability the supergraph does not declare', async () => {
    const metrics = await (await fetch(tessera.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toContain('tessera_rate_limit_refusals_total{limit="capability"} 1');
    // Once per supergraph loaded (the embedded registry may serve the same graph again).
    const warnings = tessera.logs.records.filter((r) => r.capability === 'crm.noSuchCapability').map((r) => [r.level, r.msg]);
    expect(warnings.length).toBeGreaterThan(0);
    expect(new Set(warnings.map((w) => JSON.stringify(w)))).toEqual(
      new Set([
        JSON.stringify([
          40,
          'TESSERA_RATE_LIMIT_CAPABILITIES names a capability this supergraph does not declare: its limit applies to nothing',
        ]),
      ]),
    );
    expect(tessera.logs.records.some((r) => r.capability === 'createOpportunity')).toBe(false);
  });
});
