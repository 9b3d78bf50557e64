/**
 * The reliability contract of the CRM capabilities through the gateway: idempotency (replay,
 * key reuse, the Idempotency-Key header, concurrent duplicates), rejected calls that leave no
 * partial rows but are audited and replayed, and the scope checks made before any call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_TOKEN_HINT } from '../../../gateway/http/tokenHint.ts';
import { newKey, startWith } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import {
  APPROVER,
  APPROVE_CONTRACT,
  CLOSE_LOSE,
  CLOSE_WIN,
  CREATE_CONTRACT,
  CREATE_OPPORTUNITY,
  DEFAULT_SUB,
  SIGN_CONTRACT,
  SUBMIT_CONTRACT,
  UPDATE_STAGE,
  auditOf,
  call,
  crmDb,
  envelope,
  eventsOf,
  eventsOfRequest,
  moveThrough,
  openOpportunity,
  opportunityInput,
  refused,
  requestIdOf,
  rowCounts,
  salesforceCustomer,
  seededAccounts,
  succeeded,
  type LineInput,
  type OpportunityPayload,
  type SeededAccount,
} from './crmKit.ts';

let tessera: TestTessera;
let customer: SeededAccount;

beforeAll(async () => {
  [tessera, customer] = await startWith(async (started) => salesforceCustomer(await seededAccounts(started)));
});
afterAll(() => tessera?.stop());

/** The opportunity rows with this name (names are unique per test). */
async function opportunitiesNamed(name: string): Promise<string[]> {
  const rows = await crmDb(tessera).selectFrom('opportunities').select('id').where('name', '=', name).execute();
  return rows.map((row) => row.id);
}

function withoutReplayed(payload: OpportunityPayload | null): Omit<OpportunityPayload, 'replayed'> | null {
  if (!payload) return null;
  const { replayed: _replayed, ...rest } = payload;
  return rest;
}

describe('the same key again', () => {
  it('with the same input replays the stored payload: one row, one event; audited SUCCEEDED then REPLAYED', async () => {
    const input = opportunityInput(customer.id);
    const first = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input });
    const again = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input });
    expect(first.payload?.replayed).toBe(false);
    expect(envelope(again)).toEqual(succeeded('createOpportunity', first.payload?.opportunity, { replayed: true }));
    expect(withoutReplayed(again.payload)).toEqual(withoutReplayed(first.payload));
    const ids = await opportunitiesNamed(input.name);
    expect(ids).toEqual([first.payload?.opportunity?.id]);
    expect((await eventsOf(tessera, ids[0]!)).map((e) => [e.type, e.correlationId])).toEqual([['OpportunityCreated', requestIdOf(first)]]);
    // A replay writes no event of its own.
    expect(await eventsOfRequest(tessera, requestIdOf(again))).toEqual([]);
    const audit = {
      capability: 'crm.createOpportunity',
      version: 1,
      principalSub: DEFAULT_SUB,
      idempotencyKey: input.idempotencyKey,
      errorCode: null,
    };
    expect(await auditOf(tessera, input.idempotencyKey!)).toEqual([
      { ...audit, outcome: 'SUCCEEDED', requestId: requestIdOf(first) },
      { ...audit, outcome: 'REPLAYED', requestId: requestIdOf(again) },
    ]);
  });

  it('replays the stored answer of a transition, even after the record moved on', async () => {
    const opened = await openOpportunity(tessera, opportunityInput(customer.id));
    const input = { idempotencyKey: newKey(), opportunityId: opened.id, expectedVersion: 1, stage: 'QUALIFIED' };
    const first = await call<OpportunityPayload>(tessera, UPDATE_STAGE, input);
    expect(first.payload?.opportunity).toMatchObject({ stage: 'QUALIFIED', aggregateVersion: 2 });
    await moveThrough(tessera, first.payload!.opportunity!, ['PROPOSAL']);
    const again = await call<OpportunityPayload>(tessera, UPDATE_STAGE, input);
    expect(envelope(again)).toEqual(succeeded('updateOpportunityStage', first.payload?.opportunity, { replayed: true }));
    expect((await eventsOf(tessera, opened.id)).map((e) => e.aggregateVersion)).toEqual([1, 2, 3]);
  });

  it('with a different input is IDEMPOTENCY_KEY_REUSED (data null), writes nothing and is audited REJECTED', async () => {
    const input = opportunityInput(customer.id);
    const first = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input });
    expect(first.payload?.replayed).toBe(false);
    const before = await rowCounts(tessera);
    const changed = await call(tessera, CREATE_OPPORTUNITY, { ...input, closeDate: '2027-04-30' });
    expect(envelope(changed)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'The idempotency key was already used for a different crm.createOpportunity request. Use a new key for a new request.',
            path: ['createOpportunity'],
            extensions: { code: 'IDEMPOTENCY_KEY_REUSED', serviceName: 'crm' },
          },
        ],
        data: null,
      },
    });
    expect(await rowCounts(tessera)).toEqual({ ...before, audit_log: before.audit_log! + 1 });
    expect((await auditOf(tessera, input.idempotencyKey!)).map((row) => [row.outcome, row.errorCode])).toEqual([
      ['SUCCEEDED', null],
      ['REJECTED', 'IDEMPOTENCY_KEY_REUSED'],
    ]);
  });

  it('is a new request for another principal, and for another capability', async () => {
    const input = opportunityInput(customer.id);
    const mine = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input });
    const theirs = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input }, { claims: APPROVER });
    expect([mine.payload?.replayed, theirs.payload?.replayed]).toEqual([false, false]);
    expect(theirs.payload?.opportunity?.id).not.toBe(mine.payload?.opportunity?.id);
    expect(new Set(await opportunitiesNamed(input.name))).toEqual(
      new Set([mine.payload?.opportunity?.id, theirs.payload?.opportunity?.id]),
    );
    const stage = await call<OpportunityPayload>(tessera, UPDATE_STAGE, {
      idempotencyKey: input.idempotencyKey,
      opportunityId: mine.payload!.opportunity!.id,
      expectedVersion: 1,
      stage: 'QUALIFIED',
    });
    expect(stage.payload).toMatchObject({ opportunity: { stage: 'QUALIFIED', aggregateVersion: 2 }, userErrors: [], replayed: false });
  });
});

describe('the Idempotency-Key header', () => {
  it('keys a call instead of input.idempotencyKey; the quoted form and the same value in the input are the same key', async () => {
    const { idempotencyKey: key, ...input } = opportunityInput(customer.id);
    const first = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, input, { headers: { 'idempotency-key': key! } });
    expect(first.payload).toMatchObject({ userErrors: [], replayed: false });
    const quoted = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, input, { headers: { 'idempotency-key': `"${key}"` } });
    expect(envelope(quoted)).toEqual(succeeded('createOpportunity', first.payload?.opportunity, { replayed: true }));
    const both = await call<OpportunityPayload>(
      tessera,
      CREATE_OPPORTUNITY,
      { ...input, idempotencyKey: key },
      { headers: { 'idempotency-key': key! } },
    );
    expect(envelope(both)).toEqual(succeeded('createOpportunity', first.payload?.opportunity, { replayed: true }));
    const inputOnly = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input, idempotencyKey: key });
    expect(envelope(inputOnly)).toEqual(succeeded('createOpportunity', first.payload?.opportunity, { replayed: true }));
    expect(await opportunitiesNamed(input.name)).toEqual([first.payload?.opportunity?.id]);
    expect((await auditOf(tessera, key!)).map((row) => row.outcome)).toEqual(['SUCCEEDED', 'REPLAYED', 'REPLAYED', 'REPLAYED']);
  });

  it('and input.idempotencyKey that differ are BAD_USER_INPUT; nothing is written', async () => {
    const input = opportunityInput(customer.id);
    const before = await rowCounts(tessera);
    const result = await call(tessera, CREATE_OPPORTUNITY, { ...input }, { headers: { 'idempotency-key': newKey() } });
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'The Idempotency-Key header and input.idempotencyKey differ; send one, or the same value in both.',
            path: ['createOpportunity'],
            extensions: { argument: 'idempotencyKey', code: 'BAD_USER_INPUT', serviceName: 'crm' },
          },
        ],
        data: null,
      },
    });
    expect(await rowCounts(tessera)).toEqual(before);
  });

  it('missing, with no input key either, is HTTP 400 IDEMPOTENCY_KEY_REQUIRED (no data); nothing is written', async () => {
    const { idempotencyKey: _key, ...input } = opportunityInput(customer.id);
    const before = await rowCounts(tessera);
    const result = await call(tessera, CREATE_OPPORTUNITY, input);
    expect(envelope(result)).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'Every mutation needs an idempotency key: set input.idempotencyKey, or the Idempotency-Key header.',
            extensions: { code: 'IDEMPOTENCY_KEY_REQUIRED', fields: ['createOpportunity'] },
          },
        ],
      },
    });
    expect(await rowCounts(tessera)).toEqual(before);
  });

  it('on a request with two mutation fields is HTTP 400 BAD_REQUEST; nothing is written', async () => {
    const { idempotencyKey: _a, ...a } = opportunityInput(customer.id);
    const { idempotencyKey: _b, ...b } = opportunityInput(customer.id);
    const before = await rowCounts(tessera);
    const response = await tessera.request(
      {
        query: `mutation Two($a: CreateOpportunityInput!, $b: CreateOpportunityInput!) {
          a: createOpportunity(input: $a) { replayed } b: createOpportunity(input: $b) { replayed } }`,
        variables: { a, b },
      },
      { 'idempotency-key': newKey() },
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
    expect(await rowCounts(tessera)).toEqual(before);
  });
  it.each([
    [
      'a malformed Idempotency-Key header is HTTP 400 BAD_REQUEST',
      { 'idempotency-key': 'two words' },
      null,
      {
        status: 400,
        body: {
          errors: [
            {
              message: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters, e.g. a UUID.',
              extensions: { code: 'BAD_REQUEST' },
            },
          ],
        },
      },
    ],
    [
      'a malformed input.idempotencyKey is BAD_USER_INPUT',
      {},
      'k'.repeat(256),
      {
        status: 200,
        body: {
          errors: [
            {
              message: 'idempotencyKey must be 1 to 255 visible ASCII characters (a UUID or ULID).',
              path: ['createOpportunity'],
              extensions: { argument: 'idempotencyKey', code: 'BAD_USER_INPUT', serviceName: 'crm' },
            },
          ],
          data: null,
        },
      },
    ],
  ])('%s; nothing is written', async (_name, headers, inputKey, expected) => {
    const { idempotencyKey: _key, ...input } = opportunityInput(customer.id);
    const before = await rowCounts(tessera);
    const result = await call(tessera, CREATE_OPPORTUNITY, inputKey === null ? input : { ...input, idempotencyKey: inputKey }, { headers });
    expect(envelope(result)).toEqual(expected);
    expect(await rowCounts(tessera)).toEqual(before);
  });
});

describe('concurrent duplicates', () => {
  it('50 identical createOpportunity calls at once: one opportunity, one event, 50 identical payloads (49 replayed)', async () => {
    const input = opportunityInput(customer.id);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input })),
    );
    expect(results.map((result) => [result.status, result.body.errors])).toEqual(Array.from({ length: 50 }, () => [200, undefined]));
    expect(results.filter((result) => result.payload?.replayed === false)).toHaveLength(1);
    expect(results.filter((result) => result.payload?.replayed === true)).toHaveLength(49);
    const [first] = results;
    for (const result of results) expect(withoutReplayed(result.payload)).toEqual(withoutReplayed(first!.payload));
    const ids = await opportunitiesNamed(input.name);
    expect(ids).toEqual([first!.payload?.opportunity?.id]);
    const events = await eventsOf(tessera, ids[0]!);
    expect(events.map((e) => e.type)).toEqual(['OpportunityCreated']);
    const lines = await crmDb(tessera).selectFrom('opportunity_lines').select('id').where('opportunity_id', '=', ids[0]!).execute();
    expect(lines).toHaveLength(1);
    const audit = await auditOf(tessera, input.idempotencyKey!);
    expect(audit.filter((row) => row.outcome === 'SUCCEEDED')).toHaveLength(1);
    expect(audit.filter((row) => row.outcome === 'REPLAYED')).toHaveLength(49);
    // The event was written by the call that answered replayed: false.
    const original = results.find((result) => result.payload?.replayed === false)!;
    expect(events[0]!.correlationId).toBe(requestIdOf(original));
  });
});

describe('a rejected call', () => {
  const lines: LineInput[] = [
    { serviceOffering: 'Build', billingMethod: 'FIXED_FEE', amount: '4000.00', startDate: '2027-01-01', endDate: '2027-03-31' },
    { serviceOffering: 'Run', billingMethod: 'RETAINER', amount: '1000.00', startDate: '2027-04-01', endDate: '2027-12-31' },
    { serviceOffering: 'Extras', billingMethod: 'TIME_AND_MATERIALS', amount: '250.00', startDate: '2027-05-01', endDate: '2027-04-30' },
  ];

  it('leaves no partial rows, is audited REJECTED, and replays its rejection', async () => {
    const input = opportunityInput(customer.id, { lines });
    const before = await rowCounts(tessera);
    const error = { code: 'PRECONDITION_FAILED', message: 'A line ends before it starts.', field: 'lines.2.endDate' };
    const first = await call(tessera, CREATE_OPPORTUNITY, { ...input });
    expect(envelope(first)).toEqual(refused('createOpportunity', error));
    const afterFirst = await rowCounts(tessera);
    expect(afterFirst).toEqual({ ...before, audit_log: before.audit_log! + 1, idempotency_records: before.idempotency_records! + 1 });

    const again = await call(tessera, CREATE_OPPORTUNITY, { ...input });
    expect(envelope(again)).toEqual(refused('createOpportunity', error, true));
    expect(await rowCounts(tessera)).toEqual({ ...afterFirst, audit_log: afterFirst.audit_log! + 1 });
    const audit = {
      capability: 'crm.createOpportunity',
      version: 1,
      principalSub: DEFAULT_SUB,
      idempotencyKey: input.idempotencyKey,
      errorCode: 'PRECONDITION_FAILED',
    };
    expect(await auditOf(tessera, input.idempotencyKey!)).toEqual([
      { ...audit, outcome: 'REJECTED', requestId: requestIdOf(first) },
      { ...audit, outcome: 'REPLAYED', requestId: requestIdOf(again) },
    ]);
    // The replayed rejection stands even once the cause is fixed: a fixed request needs a new key.
    const fixed = await call(tessera, CREATE_OPPORTUNITY, { ...input, lines: lines.slice(0, 2) });
    expect(fixed.body.errors?.map((e) => e.extensions?.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });

  it('on a transition changes no version and writes no event; its replay answers the same rejection', async () => {
    const opened = await openOpportunity(tessera, opportunityInput(customer.id));
    const input = { idempotencyKey: newKey(), opportunityId: opened.id, expectedVersion: 1, lossReason: '' };
    const error = { code: 'LOSS_REASON_REQUIRED', message: 'Say why the opportunity was lost.', field: 'lossReason' };
    const first = await call(tessera, CLOSE_LOSE, input);
    expect(envelope(first)).toEqual(refused('closeLoseOpportunity', error));
    const again = await call(tessera, CLOSE_LOSE, input);
    expect(envelope(again)).toEqual(refused('closeLoseOpportunity', error, true));
    const row = await crmDb(tessera)
      .selectFrom('opportunities')
      .select(['stage', 'aggregate_version', 'loss_reason'])
      .where('id', '=', opened.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ stage: 'PROSPECTING', aggregate_version: 1, loss_reason: null });
    expect((await eventsOf(tessera, opened.id)).map((e) => e.type)).toEqual(['OpportunityCreated']);
    expect((await auditOf(tessera, input.idempotencyKey)).map((a) => [a.outcome, a.errorCode])).toEqual([
      ['REJECTED', 'LOSS_REASON_REQUIRED'],
      ['REPLAYED', 'LOSS_REASON_REQUIRED'],
    ]);
  });
});

describe('scopes, checked before any call', () => {
  const READER = { sub: 'crm-reader', scope: 'crm:read erp:read', legal_entities: '*' as const };
  const transition = { contractId: 'ctr_x', expectedVersion: 1 };
  const fields: [string, string, Record<string, unknown>][] = [
    ['createOpportunity', CREATE_OPPORTUNITY, {}],
    ['updateOpportunityStage', UPDATE_STAGE, { opportunityId: 'opp_x', expectedVersion: 1, stage: 'QUALIFIED' }],
    ['closeWinOpportunity', CLOSE_WIN, { opportunityId: 'opp_x', expectedVersion: 1 }],
    ['closeLoseOpportunity', CLOSE_LOSE, { opportunityId: 'opp_x', expectedVersion: 1, lossReason: 'x' }],
    ['createContractFromOpportunity', CREATE_CONTRACT, { opportunityId: 'opp_x' }],
    ['submitContractForApproval', SUBMIT_CONTRACT, transition],
    ['approveContract', APPROVE_CONTRACT, transition],
    [
      'recordContractSignature',
      SIGN_CONTRACT,
      { ...transition, signedAt: '2027-01-01T00:00:00Z', customerSignatory: 'x', documentUrl: 'https://x.example' },
    ],
  ];
  const inputOf = (extra: Record<string, unknown>) =>
    Object.keys(extra).length ? { idempotencyKey: newKey(), ...extra } : { ...opportunityInput(customer.id) };

  it.each(fields)('%s without crm:write is FORBIDDEN at its path; nothing is written or audited', async (field, query, extra) => {
    const before = await rowCounts(tessera);
    const result = await call(tessera, query, inputOf(extra), { claims: READER });
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: `Not authorized to read Mutation.${field} (requires scope crm:write).`,
            path: [field],
            extensions: { code: 'FORBIDDEN', coordinate: `Mutation.${field}`, reason: 'requires scope crm:write' },
          },
        ],
        data: null,
      },
    });
    expect(await rowCounts(tessera)).toEqual(before);
  });

  it.each(fields)('%s without a token is UNAUTHENTICATED; nothing is written or audited', async (field, query, extra) => {
    const before = await rowCounts(tessera);
    const response = await tessera.request({ query, variables: { input: inputOf(extra) } }, { authorization: null });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: `Authentication is required to read Mutation.${field} (requires scope crm:write).`,
            path: [field],
            extensions: {
              code: 'UNAUTHENTICATED',
              coordinate: `Mutation.${field}`,
              reason: 'requires scope crm:write',
              hint: DEVELOPMENT_TOKEN_HINT,
            },
          },
        ],
        data: null,
      },
    });
    expect(await rowCounts(tessera)).toEqual(before);
  });

  it('a token with crm:write but no legal entity is FORBIDDEN by legalEntityScoped', async () => {
    const before = await rowCounts(tessera);
    const result = await call(
      tessera,
      CREATE_OPPORTUNITY,
      { ...opportunityInput(customer.id) },
      { claims: { sub: 'nowhere', scope: 'crm:read crm:write erp:read' } },
    );
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'Not authorized to read Mutation.createOpportunity (denied by policy legalEntityScoped).',
            path: ['createOpportunity'],
            extensions: { code: 'FORBIDDEN', coordinate: 'Mutation.createOpportunity', reason: 'denied by policy legalEntityScoped' },
          },
        ],
        data: null,
      },
    });
    expect(await rowCounts(tessera)).toEqual(before);
  });
});
