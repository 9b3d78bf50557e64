/**
 * placeCreditHold and releaseCreditHold through the gateway: finance puts a customer on credit hold
 * in a legal entity and lifts it, each change moving the billing profile's version with its event
 * and audit entry; a customer already in that state changes nothing (ALREADY_IN_STATE); every
 * refusal comes back with its code and field and writes nothing; a key replays; without erp:write
 * the call is FORBIDDEN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { auditOf, call, envelope, erpDb, eventsOfRequest, newKey, refused, requestIdOf, type UserError } from './erpKit.ts';

const PROFILE = 'billingProfile { id customer { id } customerNumber legalEntity { id } creditHold aggregateVersion }';
const RESULT = `{ ${PROFILE} userErrors { code message field } warnings { code message field } replayed }`;
const PLACE = `mutation Place($input: CreditHoldInput!) { placeCreditHold(input: $input) ${RESULT} }`;
const RELEASE = `mutation Release($input: CreditHoldInput!) { releaseCreditHold(input: $input) ${RESULT} }`;
const ENABLE = `mutation Enable($input: EnableCustomerBillingInput!) {
  enableCustomerBilling(input: $input) { billingProfile { id } userErrors { code message field } warnings { code } replayed }
}`;

interface Profile {
  readonly id: string;
  readonly accountId: string;
  readonly legalEntityId: string;
  readonly code: string;
  readonly customerNumber: string;
  readonly currency: string;
}
interface Payload {
  billingProfile: { id: string; creditHold: boolean; aggregateVersion: number } | null;
  userErrors: UserError[];
  warnings: UserError[];
  replayed: boolean;
}

let tessera: TestTessera;
/** Seeded customers not on hold (any legal entity), one per test that changes one. */
let free: Profile[];
/** The seeded customers on credit hold. */
let held: Profile[];
/** A CRM account without a billing profile in UK01. */
let unbilled: string;

async function profiles(creditHold: 0 | 1): Promise<Profile[]> {
  const rows = await erpDb(tessera)
    .selectFrom('billing_profiles')
    .innerJoin('legal_entities', 'legal_entities.id', 'billing_profiles.legal_entity_id')
    .select(['billing_profiles.id', 'account_id', 'legal_entity_id', 'code', 'customer_number', 'currency'])
    .where('credit_hold', '=', creditHold)
    .orderBy('billing_profiles.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    accountId: row.account_id,
    legalEntityId: row.legal_entity_id,
    code: row.code,
    customerNumber: row.customer_number,
    currency: row.currency,
  }));
}

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  held = await profiles(1);
  if (held.length === 0) throw new Error('the seed has no customer on credit hold');
  free = await profiles(0);
  const billedInUk = new Set(free.filter((profile) => profile.legalEntityId === 'le_UK01').map((profile) => profile.accountId));
  const body = await tessera.query('{ accounts(first: 500) { nodes { id billingProfiles { legalEntity { id } } } } }');
  const nodes = (body.data as { accounts: { nodes: { id: string; billingProfiles: { legalEntity: { id: string } }[] }[] } }).accounts.nodes;
  unbilled = nodes.find((node) => !billedInUk.has(node.id) && node.billingProfiles.every((p) => p.legalEntity.id !== 'le_UK01'))!.id;
});
afterAll(() => tessera?.stop());

let used = 0;
/** A customer not on hold that no other test changed. */
function freshCustomer(): Profile {
  const profile = free[used++];
  if (!profile) throw new Error('out of customers not on hold');
  return profile;
}

function input(profile: Pick<Profile, 'accountId' | 'legalEntityId'>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idempotencyKey: newKey(),
    accountId: profile.accountId,
    legalEntityId: profile.legalEntityId,
    reason: 'Invoices 90 days overdue',
    ...overrides,
  };
}

/** What a refusal or an ALREADY_IN_STATE must leave as it was: billing profile holds and versions, ERP outbox events. */
async function state(): Promise<{ held: number; versions: number; events: number }> {
  const db = erpDb(tessera);
  const profiles = await db
    .selectFrom('billing_profiles')
    .select((eb) => [eb.fn.sum<number>('credit_hold').as('held'), eb.fn.sum<number>('aggregate_version').as('versions')])
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { held: Number(profiles.held), versions: Number(profiles.versions), events: Number(events.n) };
}

function view(profile: Profile, creditHold: boolean, aggregateVersion: number) {
  return {
    id: profile.id,
    customer: { id: profile.accountId },
    customerNumber: profile.customerNumber,
    legalEntity: { id: profile.legalEntityId },
    creditHold,
    aggregateVersion,
  };
}

describe('placeCreditHold and releaseCreditHold', () => {
  it('places a hold (billing refused) and releases it (billing again), each with its event and audit entry', async () => {
    const customer = freshCustomer();
    const place = input(customer);
    const placed = await call<Payload>(tessera, PLACE, place);
    expect(envelope(placed)).toEqual({
      status: 200,
      body: { data: { placeCreditHold: { billingProfile: view(customer, true, 2), userErrors: [], warnings: [], replayed: false } } },
    });
    expect(await eventsOfRequest(tessera, requestIdOf(placed))).toEqual([
      {
        type: 'CreditHoldPlaced',
        aggregateType: 'CustomerBillingProfile',
        aggregateId: customer.id,
        aggregateVersion: 2,
        correlationId: requestIdOf(placed),
        legalEntityId: customer.legalEntityId,
        payload: {
          billingProfileId: customer.id,
          accountId: customer.accountId,
          legalEntityId: customer.legalEntityId,
          customerNumber: customer.customerNumber,
          creditHold: true,
          reason: 'Invoices 90 days overdue',
        },
      },
    ]);
    expect(await auditOf(tessera, place.idempotencyKey as string)).toEqual([['SUCCEEDED', 'erp.placeCreditHold', 1, null]]);
    const refusedBilling = await call<Payload>(tessera, ENABLE, {
      idempotencyKey: newKey(),
      accountId: customer.accountId,
      legalEntityId: customer.legalEntityId,
      currency: customer.currency,
    });
    expect(refusedBilling.payload?.userErrors.map((error) => [error.code, error.field])).toEqual([
      ['CUSTOMER_ON_CREDIT_HOLD', 'accountId'],
    ]);

    const release = input(customer, { reason: '  Paid in full  ' });
    const released = await call<Payload>(tessera, RELEASE, release);
    expect(envelope(released)).toEqual({
      status: 200,
      body: { data: { releaseCreditHold: { billingProfile: view(customer, false, 3), userErrors: [], warnings: [], replayed: false } } },
    });
    expect(await eventsOfRequest(tessera, requestIdOf(released))).toEqual([
      {
        type: 'CreditHoldReleased',
        aggregateType: 'CustomerBillingProfile',
        aggregateId: customer.id,
        aggregateVersion: 3,
        correlationId: requestIdOf(released),
        legalEntityId: customer.legalEntityId,
        payload: {
          billingProfileId: customer.id,
          accountId: customer.accountId,
          legalEntityId: customer.legalEntityId,
          customerNumber: customer.customerNumber,
          creditHold: false,
          reason: 'Paid in full',
        },
      },
    ]);
    expect(await auditOf(tessera, release.idempotencyKey as string)).toEqual([['SUCCEEDED', 'erp.releaseCreditHold', 1, null]]);
    const billing = await call<Payload>(tessera, ENABLE, {
      idempotencyKey: newKey(),
      accountId: customer.accountId,
      legalEntityId: customer.legalEntityId,
      currency: customer.currency,
    });
    expect(billing.payload).toEqual({
      billingProfile: { id: customer.id },
      userErrors: [],
      warnings: [{ code: 'ALREADY_IN_STATE' }],
      replayed: false,
    });
  });

  it('releases a seeded hold: the account no longer shows one', async () => {
    const customer = held[0]!;
    const released = await call<Payload>(tessera, RELEASE, input(customer));
    expect(released.payload).toEqual({ billingProfile: view(customer, false, 2), userErrors: [], warnings: [], replayed: false });
    const body = await tessera.query(`{ accounts(first: 500) { nodes { id creditHold } } }`);
    const nodes = (body.data as { accounts: { nodes: { id: string; creditHold: boolean }[] } }).accounts.nodes;
    const stillHeld = held.slice(1).some((other) => other.accountId === customer.accountId);
    expect(nodes.find((node) => node.id === customer.accountId)?.creditHold).toBe(stillHeld);
  });

  it('replays a key with the stored answer, and refuses the key for another request', async () => {
    const request = input(freshCustomer());
    const first = await call<Payload>(tessera, PLACE, request);
    const before = await state();
    const replay = await call<Payload>(tessera, PLACE, request);
    expect(envelope(replay)).toEqual({ status: 200, body: { data: { placeCreditHold: { ...first.payload, replayed: true } } } });
    expect(await eventsOfRequest(tessera, requestIdOf(replay))).toEqual([]);
    const reused = await call<Payload>(tessera, PLACE, { ...request, reason: 'Another reason' });
    expect(envelope(reused)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'The idempotency key was already used for a different erp.placeCreditHold request. Use a new key for a new request.',
            extensions: { code: 'IDEMPOTENCY_KEY_REUSED', serviceName: 'erp' },
            path: ['placeCreditHold'],
          },
        ],
        data: null,
      },
    });
    expect(await state()).toEqual(before);
    expect(await auditOf(tessera, request.idempotencyKey as string)).toEqual([
      ['SUCCEEDED', 'erp.placeCreditHold', 1, null],
      ['REPLAYED', 'erp.placeCreditHold', 1, null],
      ['REJECTED', 'erp.placeCreditHold', 1, 'IDEMPOTENCY_KEY_REUSED'],
    ]);
  });

  it('ALREADY_IN_STATE: a hold placed twice, or released on a customer not on hold, changes nothing', async () => {
    const customer = freshCustomer();
    await call<Payload>(tessera, PLACE, input(customer));
    const before = await state();
    const again = await call<Payload>(tessera, PLACE, input(customer, { reason: 'Still overdue' }));
    expect(again.payload).toEqual({
      billingProfile: view(customer, true, 2),
      userErrors: [],
      warnings: [
        {
          code: 'ALREADY_IN_STATE',
          message: `Customer ${customer.accountId} already is on credit hold in ${customer.code} (${customer.customerNumber}); nothing changed.`,
          field: null,
        },
      ],
      replayed: false,
    });
    const other = freshCustomer();
    const release = input(other);
    const notHeld = await call<Payload>(tessera, RELEASE, release);
    expect(notHeld.payload).toEqual({
      billingProfile: view(other, false, 1),
      userErrors: [],
      warnings: [
        {
          code: 'ALREADY_IN_STATE',
          message: `Customer ${other.accountId} already is not on credit hold in ${other.code} (${other.customerNumber}); nothing changed.`,
          field: null,
        },
      ],
      replayed: false,
    });
    expect(await state()).toEqual(before);
    expect(await auditOf(tessera, release.idempotencyKey as string)).toEqual([['SUCCEEDED', 'erp.releaseCreditHold', 1, null]]);
  });

  describe('refuses, writing nothing', () => {
    async function expectRefused(
      field: 'placeCreditHold' | 'releaseCreditHold',
      request: Record<string, unknown>,
      error: UserError,
      claims?: Parameters<typeof call>[3],
    ): Promise<void> {
      const before = await state();
      const result = await call(tessera, field === 'placeCreditHold' ? PLACE : RELEASE, request, claims ?? {});
      expect(envelope(result)).toEqual(refused(field, ['billingProfile'], error));
      expect(await state()).toEqual(before);
      expect(await auditOf(tessera, request.idempotencyKey as string)).toEqual([['REJECTED', `erp.${field}`, 1, error.code]]);
    }

    it('NOT_FOUND for a customer without a billing profile in the legal entity', async () => {
      for (const field of ['placeCreditHold', 'releaseCreditHold'] as const) {
        await expectRefused(field, input({ accountId: unbilled, legalEntityId: 'le_UK01' }), {
          code: 'NOT_FOUND',
          message: `Customer ${unbilled} has no billing profile in legal entity UK01.`,
          field: 'accountId',
        });
      }
    });

    it('NOT_FOUND for an unknown legal entity, or one the caller may not see', async () => {
      const customer = free.at(-1)!;
      await expectRefused('placeCreditHold', input(customer, { legalEntityId: 'le_XX99' }), {
        code: 'NOT_FOUND',
        message: 'LegalEntity "le_XX99" was not found.',
        field: 'legalEntityId',
      });
      await expectRefused(
        'placeCreditHold',
        input(customer),
        { code: 'NOT_FOUND', message: `LegalEntity "${customer.legalEntityId}" was not found.`, field: 'legalEntityId' },
        { claims: { sub: 'other-finance', scope: 'erp:read erp:write', legal_entities: [customer.code === 'US01' ? 'UK01' : 'US01'] } },
      );
    });

    it('NOT_FOUND for a customer outside a partner’s accounts', async () => {
      const customer = free.at(-1)!;
      await expectRefused(
        'releaseCreditHold',
        input(customer),
        {
          code: 'NOT_FOUND',
          message: `Customer ${customer.accountId} has no billing profile in legal entity ${customer.code}.`,
          field: 'accountId',
        },
        { claims: { sub: 'partner', scope: 'erp:read erp:write', legal_entities: '*', partner_accounts: [unbilled] } },
      );
    });

    it('PRECONDITION_FAILED (field reason) for a blank reason', async () => {
      const customer = free.at(-1)!;
      await expectRefused('placeCreditHold', input(customer, { reason: '   ' }), {
        code: 'PRECONDITION_FAILED',
        message: 'Say why finance is to place the credit hold.',
        field: 'reason',
      });
      await expectRefused('releaseCreditHold', input(held.at(-1)!, { reason: '' }), {
        code: 'PRECONDITION_FAILED',
        message: 'Say why finance is to release the credit hold.',
        field: 'reason',
      });
    });

    it('a refusal is stored under its key and replayed', async () => {
      const request = input({ accountId: unbilled, legalEntityId: 'le_UK01' });
      const first = await call(tessera, PLACE, request);
      const replay = await call(tessera, PLACE, request);
      expect(envelope(replay)).toEqual({
        status: 200,
        body: { data: { placeCreditHold: { ...(first.payload as object), replayed: true } } },
      });
    });
  });

  it('without erp:write the call is FORBIDDEN before anything runs', async () => {
    const before = await state();
    const request = input(free.at(-1)!);
    const result = await call(tessera, RELEASE, request, { claims: { sub: 'reader', scope: 'crm:read erp:read', legal_entities: '*' } });
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'Not authorized to read Mutation.releaseCreditHold (requires scope erp:write).',
            path: ['releaseCreditHold'],
            extensions: { code: 'FORBIDDEN', coordinate: 'Mutation.releaseCreditHold', reason: 'requires scope erp:write' },
          },
        ],
        data: null,
      },
    });
    expect(await state()).toEqual(before);
    expect(await auditOf(tessera, request.idempotencyKey as string)).toEqual([]);
  });
});
