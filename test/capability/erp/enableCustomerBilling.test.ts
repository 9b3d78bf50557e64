/**
 * enableCustomerBilling through the gateway: a customer without a billing profile in a legal entity
 * gets one under the entity's next customer number, with its event and audit entry; one that has a
 * profile there in the same currency changes nothing (ALREADY_IN_STATE); every refusal comes back
 * with its code and field and writes nothing; a key replays and cannot be reused for another
 * request; concurrent calls enable a customer once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  auditOf,
  call,
  envelope,
  erpDb,
  eventsOfRequest,
  newKey,
  refused,
  requestIdOf,
  seededCustomers,
  type UserError,
} from './erpKit.ts';

const ENABLE = `mutation Enable($input: EnableCustomerBillingInput!) {
  enableCustomerBilling(input: $input) {
    billingProfile { id customer { id } customerNumber legalEntity { id } currency paymentTerms creditHold taxProfile { id } }
    userErrors { code message field } warnings { code message field } replayed
  }
}`;

interface ProfileView {
  id: string;
  customerNumber: string;
}
interface Payload {
  billingProfile: ProfileView | null;
  userErrors: UserError[];
  warnings: UserError[];
  replayed: boolean;
}

let tessera: TestTessera;
/** PROSPECT accounts without a billing profile anywhere, one per test that enables. */
let prospects: string[];
/** A UK01 customer (GBP) and its profile. */
let ukCustomer: { accountId: string; taxProfileId: string | null; paymentTerms: string };
let ukTaxProfile: string;
/** A customer's own tax profile (a US exemption certificate), and its customer. */
let customerTax: { id: string; accountId: string };

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  const customers = await seededCustomers(tessera);
  const body = await tessera.query('{ accounts(filter: { type: [PROSPECT] }, first: 100) { nodes { id } } }');
  prospects = (body.data as { accounts: { nodes: { id: string }[] } }).accounts.nodes
    .map((node) => node.id)
    .filter((id) => !customers.some((customer) => customer.accountId === id));
  if (prospects.length < 8) throw new Error(`the seed has ${prospects.length} prospects without a billing profile; the suite needs 8`);
  const db = erpDb(tessera);
  const uk = await db
    .selectFrom('billing_profiles')
    .selectAll()
    .where('legal_entity_id', '=', 'le_UK01')
    .where('credit_hold', '=', 0)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  ukCustomer = { accountId: uk.account_id, taxProfileId: uk.tax_profile_id, paymentTerms: uk.payment_terms };
  ukTaxProfile = (await db.selectFrom('legal_entities').select('tax_profile_id').where('id', '=', 'le_UK01').executeTakeFirstOrThrow())
    .tax_profile_id!;
  const own = await db
    .selectFrom('tax_profiles')
    .select(['id', 'party_id'])
    .where('party_type', '=', 'CUSTOMER')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  customerTax = { id: own.id, accountId: own.party_id };
});
afterAll(() => tessera?.stop());

let used = 0;
/** A PROSPECT no other test enabled. */
function freshProspect(): string {
  const id = prospects[used++];
  if (!id) throw new Error('out of prospects');
  return id;
}

function input(overrides: Record<string, unknown>): Record<string, unknown> {
  return { idempotencyKey: newKey(), legalEntityId: 'le_UK01', currency: 'GBP', ...overrides };
}

/** The next customer number UK01 gives: one past the highest it gave. */
async function nextUkNumber(): Promise<string> {
  const rows = await erpDb(tessera)
    .selectFrom('billing_profiles')
    .select('customer_number')
    .where('legal_entity_id', '=', 'le_UK01')
    .execute();
  const highest = Math.max(
    0,
    ...rows.map((row) => /^UK01-C(\d+)$/.exec(row.customer_number)).map((match) => (match ? Number(match[1]) : 0)),
  );
  return `UK01-C${String(highest + 1).padStart(5, '0')}`;
}

/** Billing profiles and ERP outbox events, counted: what a refusal or an ALREADY_IN_STATE must leave as it was. */
async function counts(): Promise<{ profiles: number; events: number }> {
  const db = erpDb(tessera);
  const profiles = await db
    .selectFrom('billing_profiles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const events = await db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { profiles: Number(profiles.n), events: Number(events.n) };
}

describe('enableCustomerBilling', () => {
  it('creates the billing profile under the next customer number, with its event and audit entry', async () => {
    const accountId = freshProspect();
    const customerNumber = await nextUkNumber();
    const request = input({ accountId, paymentTerms: 'NET_45' });
    const result = await call<Payload>(tessera, ENABLE, request);
    const id = result.payload?.billingProfile?.id;
    expect(id).toMatch(/^bp_[0-9a-f]{20}$/);
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        data: {
          enableCustomerBilling: {
            billingProfile: {
              id,
              customer: { id: accountId },
              customerNumber,
              legalEntity: { id: 'le_UK01' },
              currency: 'GBP',
              paymentTerms: 'NET_45',
              creditHold: false,
              taxProfile: { id: ukTaxProfile },
            },
            userErrors: [],
            warnings: [],
            replayed: false,
          },
        },
      },
    });
    expect(await eventsOfRequest(tessera, requestIdOf(result))).toEqual([
      {
        type: 'CustomerBillingEnabled',
        aggregateType: 'CustomerBillingProfile',
        aggregateId: id,
        aggregateVersion: 1,
        correlationId: requestIdOf(result),
        legalEntityId: 'le_UK01',
        payload: {
          billingProfileId: id,
          accountId,
          legalEntityId: 'le_UK01',
          customerNumber,
          currency: 'GBP',
          paymentTerms: 'NET_45',
          taxProfileId: ukTaxProfile,
          creditHold: false,
        },
      },
    ]);
    expect(await auditOf(tessera, request.idempotencyKey as string)).toEqual([['SUCCEEDED', 'erp.enableCustomerBilling', 1, null]]);
    // The customer can now be billed there: the account shows the profile.
    const account = await tessera.query(`{ accounts(first: 500) { nodes { id billingProfiles { customerNumber } } } }`);
    const nodes = (account.data as { accounts: { nodes: { id: string; billingProfiles: { customerNumber: string }[] }[] } }).accounts.nodes;
    expect(nodes.find((node) => node.id === accountId)?.billingProfiles).toEqual([{ customerNumber }]);
  });

  it('defaults to NET_30 and takes the customer’s own tax profile when named', async () => {
    const db = erpDb(tessera);
    // The customer owning the certificate is enabled in UK01 first if it is not yet.
    const existing = await db
      .selectFrom('billing_profiles')
      .select('id')
      .where('account_id', '=', customerTax.accountId)
      .where('legal_entity_id', '=', 'le_UK01')
      .executeTakeFirst();
    expect(existing).toBeUndefined();
    const result = await call<Payload>(tessera, ENABLE, input({ accountId: customerTax.accountId, taxProfileId: customerTax.id }));
    expect(result.payload).toMatchObject({
      billingProfile: { paymentTerms: 'NET_30', taxProfile: { id: customerTax.id }, currency: 'GBP' },
      userErrors: [],
      warnings: [],
    });
  });

  it('replays a key with the stored answer, and refuses the key for another request', async () => {
    const request = input({ accountId: freshProspect() });
    const first = await call<Payload>(tessera, ENABLE, request);
    const before = await counts();
    const replay = await call<Payload>(tessera, ENABLE, request);
    expect(envelope(replay)).toEqual({ status: 200, body: { data: { enableCustomerBilling: { ...first.payload, replayed: true } } } });
    expect(await eventsOfRequest(tessera, requestIdOf(replay))).toEqual([]);
    const reused = await call<Payload>(tessera, ENABLE, { ...request, paymentTerms: 'NET_60' });
    expect(envelope(reused)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message:
              'The idempotency key was already used for a different erp.enableCustomerBilling request. Use a new key for a new request.',
            extensions: { code: 'IDEMPOTENCY_KEY_REUSED', serviceName: 'erp' },
            path: ['enableCustomerBilling'],
          },
        ],
        data: null,
      },
    });
    expect(await counts()).toEqual(before);
    expect(await auditOf(tessera, request.idempotencyKey as string)).toEqual([
      ['SUCCEEDED', 'erp.enableCustomerBilling', 1, null],
      ['REPLAYED', 'erp.enableCustomerBilling', 1, null],
      ['REJECTED', 'erp.enableCustomerBilling', 1, 'IDEMPOTENCY_KEY_REUSED'],
    ]);
  });

  it('a customer already billed there in that currency: ALREADY_IN_STATE, nothing changed', async () => {
    const before = await counts();
    const [profile] = await erpDb(tessera)
      .selectFrom('billing_profiles')
      .selectAll()
      .where('account_id', '=', ukCustomer.accountId)
      .where('legal_entity_id', '=', 'le_UK01')
      .execute();
    const result = await call<Payload>(tessera, ENABLE, input({ accountId: ukCustomer.accountId, paymentTerms: 'NET_60' }));
    expect(result.payload).toEqual({
      billingProfile: {
        id: profile!.id,
        customer: { id: ukCustomer.accountId },
        customerNumber: profile!.customer_number,
        legalEntity: { id: 'le_UK01' },
        currency: 'GBP',
        paymentTerms: ukCustomer.paymentTerms,
        creditHold: false,
        taxProfile: ukCustomer.taxProfileId ? { id: ukCustomer.taxProfileId } : null,
      },
      userErrors: [],
      warnings: [
        {
          code: 'ALREADY_IN_STATE',
          message: `Customer ${ukCustomer.accountId} already is billed in UK01 as ${profile!.customer_number}; nothing changed.`,
          field: null,
        },
      ],
      replayed: false,
    });
    expect(await counts()).toEqual(before);
  });

  it('20 concurrent identical calls create one profile; 20 calls under different keys too', async () => {
    const same = input({ accountId: freshProspect() });
    const answers = await Promise.all(Array.from({ length: 20 }, () => call<Payload>(tessera, ENABLE, same)));
    const profiles = await erpDb(tessera)
      .selectFrom('billing_profiles')
      .select('id')
      .where('account_id', '=', same.accountId as string)
      .execute();
    expect(profiles).toHaveLength(1);
    for (const answer of answers) {
      // Each is the answer, or (while the first runs) IDEMPOTENCY_IN_PROGRESS: never a second profile.
      if (answer.payload) expect(answer.payload.billingProfile?.id).toBe(profiles[0]!.id);
      else expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['IDEMPOTENCY_IN_PROGRESS']);
    }
    expect(answers.filter((answer) => answer.payload?.replayed === false)).toHaveLength(1);

    const accountId = freshProspect();
    const racing = await Promise.all(Array.from({ length: 20 }, () => call<Payload>(tessera, ENABLE, input({ accountId }))));
    const created = await erpDb(tessera).selectFrom('billing_profiles').select('id').where('account_id', '=', accountId).execute();
    expect(created).toHaveLength(1);
    expect(racing.map((answer) => answer.payload?.billingProfile?.id)).toEqual(Array(20).fill(created[0]!.id));
    expect(racing.map((answer) => answer.payload?.warnings.map((warning) => warning.code).join() ?? 'none').sort()).toEqual([
      '',
      ...Array(19).fill('ALREADY_IN_STATE'),
    ]);
    const events = await erpDb(tessera).selectFrom('outbox_events').select('event_id').where('aggregate_id', '=', created[0]!.id).execute();
    expect(events).toHaveLength(1);
  });

  it('customers enabled concurrently in one legal entity get consecutive numbers', async () => {
    const first = await nextUkNumber();
    const start = Number(first.slice('UK01-C'.length));
    const accounts = [freshProspect(), freshProspect()];
    const answers = await Promise.all(accounts.map((accountId) => call<Payload>(tessera, ENABLE, input({ accountId }))));
    expect(answers.map((answer) => answer.payload?.billingProfile?.customerNumber).sort()).toEqual([
      `UK01-C${String(start).padStart(5, '0')}`,
      `UK01-C${String(start + 1).padStart(5, '0')}`,
    ]);
  });

  describe('refuses, writing nothing', () => {
    async function expectRefused(request: Record<string, unknown>, error: UserError, claims?: Parameters<typeof call>[3]): Promise<void> {
      const before = await counts();
      const result = await call(tessera, ENABLE, request, claims ?? {});
      expect(envelope(result)).toEqual(refused('enableCustomerBilling', ['billingProfile'], error));
      expect(await counts()).toEqual(before);
      expect(await auditOf(tessera, request.idempotencyKey as string)).toEqual([['REJECTED', 'erp.enableCustomerBilling', 1, error.code]]);
    }

    it('NOT_FOUND for an unknown legal entity, or one the caller may not see', async () => {
      const accountId = prospects.at(-1)!;
      await expectRefused(input({ accountId, legalEntityId: 'le_XX99' }), {
        code: 'NOT_FOUND',
        message: 'LegalEntity "le_XX99" was not found.',
        field: 'legalEntityId',
      });
      await expectRefused(
        input({ accountId, legalEntityId: 'le_US01', currency: 'USD' }),
        { code: 'NOT_FOUND', message: 'LegalEntity "le_US01" was not found.', field: 'legalEntityId' },
        { claims: { sub: 'uk-finance', scope: 'crm:read erp:read erp:write', legal_entities: ['UK01'] } },
      );
    });

    it('NOT_FOUND for an account the CRM does not have, or the caller may not see', async () => {
      await expectRefused(input({ accountId: 'acc_nope' }), {
        code: 'NOT_FOUND',
        message: 'Account "acc_nope" was not found.',
        field: 'accountId',
      });
      const accountId = prospects.at(-1)!;
      await expectRefused(
        input({ accountId }),
        { code: 'NOT_FOUND', message: `Account "${accountId}" was not found.`, field: 'accountId' },
        { claims: { sub: 'partner', scope: 'crm:read erp:read erp:write', legal_entities: '*', partner_accounts: [ukCustomer.accountId] } },
      );
    });

    it('LEGAL_ENTITY_INACTIVE when the legal entity is not active', async () => {
      const db = erpDb(tessera);
      await db.updateTable('legal_entities').set({ status: 'INACTIVE' }).where('id', '=', 'le_UK01').execute();
      try {
        await expectRefused(input({ accountId: prospects.at(-1)! }), {
          code: 'LEGAL_ENTITY_INACTIVE',
          message: 'Legal entity UK01 is INACTIVE.',
          field: 'legalEntityId',
        });
      } finally {
        await db.updateTable('legal_entities').set({ status: 'ACTIVE' }).where('id', '=', 'le_UK01').execute();
      }
    });

    it('CUSTOMER_ON_CREDIT_HOLD for a customer on hold there, whatever the currency', async () => {
      const held = await erpDb(tessera)
        .selectFrom('billing_profiles')
        .innerJoin('legal_entities', 'legal_entities.id', 'billing_profiles.legal_entity_id')
        .select(['account_id', 'legal_entity_id', 'customer_number', 'currency', 'code'])
        .where('credit_hold', '=', 1)
        .orderBy('billing_profiles.id')
        .executeTakeFirstOrThrow();
      for (const currency of [held.currency, 'EUR']) {
        await expectRefused(input({ accountId: held.account_id, legalEntityId: held.legal_entity_id, currency }), {
          code: 'CUSTOMER_ON_CREDIT_HOLD',
          message: `Customer ${held.account_id} is on credit hold in ${held.code} (${held.customer_number}): finance must release the hold.`,
          field: 'accountId',
        });
      }
    });

    it('CURRENCY_MISMATCH for a customer billed there in another currency', async () => {
      const [profile] = await erpDb(tessera)
        .selectFrom('billing_profiles')
        .select('customer_number')
        .where('account_id', '=', ukCustomer.accountId)
        .where('legal_entity_id', '=', 'le_UK01')
        .execute();
      await expectRefused(input({ accountId: ukCustomer.accountId, currency: 'USD' }), {
        code: 'CURRENCY_MISMATCH',
        message: `Customer ${ukCustomer.accountId} is billed in GBP in UK01 (${profile!.customer_number}), not USD.`,
        field: 'currency',
      });
    });

    it('TAX_PROFILE_UNRESOLVED when neither the call nor the legal entity names a tax profile', async () => {
      const db = erpDb(tessera);
      await db.updateTable('legal_entities').set({ tax_profile_id: null }).where('id', '=', 'le_UK01').execute();
      try {
        const accountId = prospects.at(-1)!;
        await expectRefused(input({ accountId }), {
          code: 'TAX_PROFILE_UNRESOLVED',
          message: `No tax profile applies to customer ${accountId} in UK01 (neither the customer's nor the legal entity's).`,
          field: 'taxProfileId',
        });
      } finally {
        await db.updateTable('legal_entities').set({ tax_profile_id: ukTaxProfile }).where('id', '=', 'le_UK01').execute();
      }
    });

    it('NOT_FOUND for an unknown tax profile; PRECONDITION_FAILED for another party’s', async () => {
      const accountId = prospects.at(-1)!;
      await expectRefused(input({ accountId, taxProfileId: 'tax_nope' }), {
        code: 'NOT_FOUND',
        message: 'TaxProfile "tax_nope" was not found.',
        field: 'taxProfileId',
      });
      await expectRefused(input({ accountId, taxProfileId: customerTax.id }), {
        code: 'PRECONDITION_FAILED',
        message: `Tax profile ${customerTax.id} is another party's: give the customer's own or UK01's.`,
        field: 'taxProfileId',
      });
    });

    it('a refusal is stored under its key and replayed', async () => {
      const request = input({ accountId: 'acc_nope' });
      const first = await call(tessera, ENABLE, request);
      const replay = await call(tessera, ENABLE, request);
      expect(envelope(replay)).toEqual({
        status: 200,
        body: { data: { enableCustomerBilling: { ...(first.payload as object), replayed: true } } },
      });
    });
  });
});
