/**
 * activateContract through the gateway, v1 (payload, deprecated) and V2 (result union): a SIGNED
 * contract becomes ACTIVE in the CRM while the ERP writes its terms, ERP projects and revenue
 * schedules (Σ allocated = contract value exactly). Every guard refused with its code and field,
 * leaving no row behind; replays, key reuse across versions, scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  ACTIVATE_V1,
  ACTIVATE_V2,
  auditOf,
  call,
  contractFixture,
  crmDb,
  envelope,
  erpDb,
  erpState,
  eventsOfRequest,
  failed,
  newKey,
  pick,
  refused,
  requestIdOf,
  seededCustomers,
  type ContractSpec,
  type Customer,
  type UserError,
} from './erpKit.ts';

let tessera: TestTessera;
let us: Customer;
let uk: Customer;
/** A seeded account with no billing profile anywhere (a prospect). */
let prospectId: string;
let usCard: string;
let ukCard: string;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  const customers = await seededCustomers(tessera);
  us = pick(
    customers,
    'US01 customer',
    (c) =>
      c.legalEntityId === 'le_US01' &&
      c.taxProfileId === 'tax_01' &&
      !customers.some((o) => o.accountId === c.accountId && o.legalEntityId !== 'le_US01'),
  );
  uk = pick(customers, 'UK01 customer', (c) => c.legalEntityId === 'le_UK01');
  const body = await tessera.query(
    `{ accounts(filter: { type: [PROSPECT] }, first: 50) { nodes { id } } rateCards { id legalEntity { id } customer { id } } }`,
  );
  const data = body.data as {
    accounts: { nodes: { id: string }[] };
    rateCards: { id: string; legalEntity: { id: string }; customer: { id: string } | null }[];
  };
  prospectId = pick(data.accounts.nodes, 'prospect', (a) => !customers.some((c) => c.accountId === a.id)).id;
  usCard = pick(data.rateCards, 'US01 standard card', (card) => card.legalEntity.id === 'le_US01' && card.customer === null).id;
  ukCard = pick(data.rateCards, 'UK01 standard card', (card) => card.legalEntity.id === 'le_UK01' && card.customer === null).id;
});
afterAll(() => tessera?.stop());

const ACTIVATION_ENTITIES = ['contract', 'terms', 'revenueSchedules'];

/** A fixed-fee contract of 1000.00 with one project and milestones summing to it. */
function fixedFee(customer: Customer, overrides: Partial<ContractSpec> = {}): ContractSpec {
  return {
    customer,
    billingMethod: 'FIXED_FEE',
    totalContractValue: '1000.00',
    lines: [{ billingMethod: 'FIXED_FEE', amount: '1000.00' }],
    projects: [{ plannedRevenue: '1000.00', milestones: ['400.00', '600.00'] }],
    ...overrides,
  };
}

async function crmContract(id: string): Promise<{ status: string; aggregateVersion: number; activatedAt: string | null }> {
  const body = await tessera.query(`query ($id: ID!) { contract(id: $id) { status aggregateVersion activatedAt } }`, { id });
  return (body.data as { contract: { status: string; aggregateVersion: number; activatedAt: string | null } }).contract;
}

describe('activateContractV2 on the seeded SIGNED contract', () => {
  it('activates it: terms from the billing profile, one schedule of the whole value, the seeded forecast superseded, the CRM ACTIVE', async () => {
    const body = await tessera.query(`{ contracts(filter: { status: [SIGNED] }, first: 5) { nodes {
      id aggregateVersion account { id } legalEntity { id } totalContractValue { amount currency } billingMethod poNumber poRequired
      projects { id revenueSchedules { id status } } } } }`);
    const seeded = pick(
      (
        body.data as {
          contracts: {
            nodes: {
              id: string;
              aggregateVersion: number;
              account: { id: string };
              legalEntity: { id: string };
              totalContractValue: { amount: string; currency: string };
              billingMethod: string;
              poNumber: string | null;
              poRequired: boolean;
              projects: { id: string; revenueSchedules: { id: string; status: string }[] }[];
            }[];
          };
        }
      ).contracts.nodes,
      'SIGNED contract with one project',
      (c) => c.projects.length === 1,
    );
    const profile = pick(
      await seededCustomers(tessera),
      'its billing profile',
      (c) => c.accountId === seeded.account.id && c.legalEntityId === seeded.legalEntity.id,
    );
    const forecast = seeded.projects[0]!.revenueSchedules;
    expect(forecast.map((s) => s.status)).toEqual(['PLANNED']);
    const key = newKey();
    const result = await call<Record<string, unknown>>(tessera, ACTIVATE_V2, {
      idempotencyKey: key,
      contractId: seeded.id,
      expectedVersion: seeded.aggregateVersion,
    });
    const payload = result.payload as { revenueSchedules: { id: string }[]; terms: { activatedAt: string } };
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        data: {
          activateContractV2: {
            __typename: 'ActivateContractSuccess',
            contract: { id: seeded.id, status: 'ACTIVE', aggregateVersion: seeded.aggregateVersion + 1 },
            terms: {
              contract: { id: seeded.id },
              paymentTerms: profile.paymentTerms,
              poNumber: seeded.poNumber,
              poRequired: seeded.poRequired,
              taxProfile: { id: profile.taxProfileId },
              activatedAt: payload.terms.activatedAt,
              aggregateVersion: 2,
            },
            revenueSchedules: [
              {
                id: payload.revenueSchedules[0]!.id,
                project: { id: seeded.projects[0]!.id },
                method: seeded.billingMethod === 'TIME_AND_MATERIALS' ? 'AS_INVOICED' : 'MILESTONE_OUTPUT',
                status: 'PLANNED',
                allocatedAmount: seeded.totalContractValue,
                recognizedToDate: { amount: '0.00', currency: seeded.totalContractValue.currency },
                aggregateVersion: 1,
              },
            ],
            warnings: [],
            replayed: false,
          },
        },
      },
    });
    // The forecast the seed held for the project is superseded, not edited away.
    const schedules = await erpDb(tessera)
      .selectFrom('revenue_schedules')
      .select(['id', 'status', 'aggregate_version'])
      .where('project_id', '=', seeded.projects[0]!.id)
      .orderBy('status')
      .execute();
    expect(schedules).toEqual([
      { id: payload.revenueSchedules[0]!.id, status: 'PLANNED', aggregate_version: 1 },
      { id: forecast[0]!.id, status: 'SUPERSEDED', aggregate_version: 2 },
    ]);
    const events = await eventsOfRequest(tessera, requestIdOf(result));
    expect(events).toEqual([
      {
        type: 'ContractActivated',
        aggregateType: 'Contract',
        aggregateId: seeded.id,
        aggregateVersion: seeded.aggregateVersion + 1,
        correlationId: requestIdOf(result),
        legalEntityId: seeded.legalEntity.id,
        payload: {
          contractId: seeded.id,
          accountId: seeded.account.id,
          legalEntityId: seeded.legalEntity.id,
          totalContractValue: seeded.totalContractValue,
          paymentTerms: profile.paymentTerms,
          poNumber: seeded.poNumber,
          taxProfileId: profile.taxProfileId,
          resumed: false,
          erpProjectsCreated: [],
          revenueSchedules: [
            {
              id: payload.revenueSchedules[0]!.id,
              projectId: seeded.projects[0]!.id,
              method: seeded.billingMethod === 'TIME_AND_MATERIALS' ? 'AS_INVOICED' : 'MILESTONE_OUTPUT',
              allocated: seeded.totalContractValue,
            },
          ],
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([['SUCCEEDED', 'erp.activateContract', 2, null]]);
    // The CRM recorded the step under the deterministic key, as system:erp.
    const step = await crmDb(tessera)
      .selectFrom('idempotency_records')
      .select(['principal_sub', 'capability', 'status'])
      .where('idempotency_key', '=', `erp.activateContract:${seeded.id}`)
      .execute();
    expect(step).toEqual([{ principal_sub: 'system:erp', capability: 'crm.recordContractActivation', status: 'COMPLETED' }]);
    expect((await crmContract(seeded.id)).activatedAt).not.toBeNull();
  });
});

describe('activateContract v1 on a time-and-materials contract with three projects', () => {
  it('splits the value by planned revenue, the remainder on the last; takes the given terms and PO; opens ERP projects', async () => {
    const fixture = await contractFixture(tessera, {
      customer: us,
      billingMethod: 'TIME_AND_MATERIALS',
      totalContractValue: '1000.00',
      lines: [{ billingMethod: 'TIME_AND_MATERIALS', notToExceed: '1200.00', rateCardId: usCard }],
      projects: [{ plannedRevenue: '100.00' }, { plannedRevenue: '200.00' }, { plannedRevenue: null }],
    });
    const result = await call<Record<string, unknown>>(tessera, ACTIVATE_V1, {
      idempotencyKey: newKey(),
      contractId: fixture.contractId,
      paymentTerms: 'NET_15',
      poNumber: ' PO-77 ',
      poRequired: true,
    });
    const payload = result.payload as { revenueSchedules: { id: string }[]; terms: { activatedAt: string } };
    const schedule = (index: number, amount: string) => ({
      id: payload.revenueSchedules[index]!.id,
      project: { id: fixture.projectIds[index] },
      method: 'AS_INVOICED',
      status: 'PLANNED',
      allocatedAmount: { amount, currency: 'USD' },
      recognizedToDate: { amount: '0.00', currency: 'USD' },
      aggregateVersion: 1,
    });
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        data: {
          activateContract: {
            contract: { id: fixture.contractId, status: 'ACTIVE', aggregateVersion: 2 },
            terms: {
              contract: { id: fixture.contractId },
              paymentTerms: 'NET_15',
              poNumber: 'PO-77',
              poRequired: true,
              taxProfile: { id: us.taxProfileId },
              activatedAt: payload.terms.activatedAt,
              aggregateVersion: 1,
            },
            revenueSchedules: [schedule(0, '333.33'), schedule(1, '666.66'), schedule(2, '0.01')],
            userErrors: [],
            warnings: [],
            replayed: false,
          },
        },
      },
    });
    expect(result.headers.get('deprecation')).toBe(`@${Date.parse('2026-11-01T00:00:00Z') / 1000}`);
    expect(result.headers.get('sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
    const projects = await erpDb(tessera)
      .selectFrom('erp_projects')
      .selectAll()
      .where('project_id', 'in', [...fixture.projectIds])
      .orderBy('project_id')
      .execute();
    expect(projects.map((p) => ({ ...p, erp_project_number: /^US01-J\d{5}$/.test(p.erp_project_number) }))).toEqual(
      fixture.projectIds.map((id) => ({
        project_id: id,
        erp_project_number: true,
        legal_entity_id: 'le_US01',
        currency: 'USD',
        revenue_method: 'AS_INVOICED',
        account_id: us.accountId,
      })),
    );
    expect(new Set(projects.map((p) => p.erp_project_number)).size).toBe(3);
    const [event] = await eventsOfRequest(tessera, requestIdOf(result));
    expect((event?.payload as { erpProjectsCreated: string[] }).erpProjectsCreated).toEqual(fixture.projectIds);
  });

  it('v1 without expectedVersion activates; V2 checks it against the CRM contract', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us));
    const stale = await call(tessera, ACTIVATE_V2, { idempotencyKey: newKey(), contractId: fixture.contractId, expectedVersion: 2 });
    expect(envelope(stale)).toEqual(
      failed('activateContractV2', {
        code: 'VERSION_CONFLICT',
        field: 'expectedVersion',
        message: 'Contract is at version 1, not 2: it changed since you read it. Read it again, then decide.',
      }),
    );
    const staleV1 = await call(tessera, ACTIVATE_V1, { idempotencyKey: newKey(), contractId: fixture.contractId, expectedVersion: 3 });
    expect(envelope(staleV1)).toEqual(
      refused('activateContract', ACTIVATION_ENTITIES, {
        code: 'VERSION_CONFLICT',
        field: 'expectedVersion',
        message: 'Contract is at version 1, not 3: it changed since you read it. Read it again, then decide.',
      }),
    );
    const missing = await call(tessera, ACTIVATE_V2, { idempotencyKey: newKey(), contractId: fixture.contractId });
    expect(missing.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const v1 = await call<{ contract: { status: string } }>(tessera, ACTIVATE_V1, {
      idempotencyKey: newKey(),
      contractId: fixture.contractId,
    });
    expect(v1.payload?.contract).toEqual({ id: fixture.contractId, status: 'ACTIVE', aggregateVersion: 2 });
  });
});

describe('an ACTIVE contract', () => {
  it('answers ALREADY_IN_STATE and changes nothing (v1 payload and V2 member)', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us));
    const first = await call<{ terms: unknown; revenueSchedules: unknown }>(tessera, ACTIVATE_V2, {
      idempotencyKey: newKey(),
      contractId: fixture.contractId,
      expectedVersion: 1,
    });
    const before = await erpState(tessera);
    const again = await call(tessera, ACTIVATE_V2, { idempotencyKey: newKey(), contractId: fixture.contractId, expectedVersion: 1 });
    const warning = {
      code: 'ALREADY_IN_STATE',
      message: `Contract ${fixture.contractId} already is ACTIVE; nothing changed.`,
      field: null,
    };
    expect(envelope(again)).toEqual({
      status: 200,
      body: {
        data: {
          activateContractV2: {
            __typename: 'ActivateContractSuccess',
            contract: { id: fixture.contractId, status: 'ACTIVE', aggregateVersion: 2 },
            terms: first.payload?.terms,
            revenueSchedules: first.payload?.revenueSchedules,
            warnings: [warning],
            replayed: false,
          },
        },
      },
    });
    const v1 = await call(tessera, ACTIVATE_V1, { idempotencyKey: newKey(), contractId: fixture.contractId });
    expect(envelope(v1)).toEqual({
      status: 200,
      body: {
        data: {
          activateContract: {
            contract: { id: fixture.contractId, status: 'ACTIVE', aggregateVersion: 2 },
            terms: first.payload?.terms,
            revenueSchedules: first.payload?.revenueSchedules,
            userErrors: [],
            warnings: [warning],
            replayed: false,
          },
        },
      },
    });
    expect(await erpState(tessera)).toEqual(before);
  });
});

describe('an activation whose ERP part was lost after the CRM recorded it', () => {
  it('is completed by the retry: terms and schedules written, the CRM step changes nothing more', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us));
    // What the CRM holds when its step committed but its answer never reached the ERP (rolled back).
    await crmDb(tessera)
      .updateTable('contracts')
      .set({ status: 'ACTIVE', activated_at: '2026-11-26T08:00:00.000Z', aggregate_version: 2 })
      .where('id', '=', fixture.contractId)
      .execute();
    const retry = await call<{
      __typename: string;
      contract: unknown;
      terms: { activatedAt: string | null };
      revenueSchedules: unknown[];
      warnings: unknown[];
    }>(tessera, ACTIVATE_V2, { idempotencyKey: newKey(), contractId: fixture.contractId, expectedVersion: 1 });
    expect(retry.payload).toMatchObject({
      __typename: 'ActivateContractSuccess',
      contract: { id: fixture.contractId, status: 'ACTIVE', aggregateVersion: 2 },
      terms: { paymentTerms: us.paymentTerms, aggregateVersion: 1 },
      revenueSchedules: [{ project: { id: fixture.projectIds[0] }, allocatedAmount: { amount: '1000.00', currency: 'USD' } }],
      warnings: [],
    });
    expect(retry.payload?.terms.activatedAt).not.toBeNull();
    const [event] = await eventsOfRequest(tessera, requestIdOf(retry));
    expect(event).toMatchObject({ type: 'ContractActivated', aggregateVersion: 2, payload: { resumed: true } });
    // Complete now: the next call is ALREADY_IN_STATE.
    const again = await call<{ warnings: UserError[] }>(tessera, ACTIVATE_V2, {
      idempotencyKey: newKey(),
      contractId: fixture.contractId,
      expectedVersion: 2,
    });
    expect(again.payload?.warnings.map((w) => w.code)).toEqual(['ALREADY_IN_STATE']);
  });
});

describe('every guard refuses with its code and field, and leaves no row', () => {
  /** Refused by both versions with `error`; the ERP and the CRM contract unchanged. */
  async function expectRefused(contractId: string, error: UserError, extra: Record<string, unknown> = {}): Promise<void> {
    const before = await erpState(tessera);
    const contractBefore = await crmContract(contractId).catch(() => null);
    const v2 = await call(tessera, ACTIVATE_V2, { idempotencyKey: newKey(), contractId, expectedVersion: 1, ...extra });
    expect(envelope(v2)).toEqual(failed('activateContractV2', error));
    const v1 = await call(tessera, ACTIVATE_V1, { idempotencyKey: newKey(), contractId, ...extra });
    expect(envelope(v1)).toEqual(refused('activateContract', ACTIVATION_ENTITIES, error));
    // Only the two REJECTED audit rows and idempotency records were written (neither is counted).
    expect(await erpState(tessera)).toEqual(before);
    expect(await crmContract(contractId).catch(() => null)).toEqual(contractBefore);
  }

  it('NOT_FOUND for an unknown contract', async () => {
    await expectRefused('ctr_nope', { code: 'NOT_FOUND', message: 'Contract "ctr_nope" was not found.', field: 'contractId' });
  });

  it('NOT_FOUND for a contract of a legal entity the caller may not see', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us));
    const result = await call(
      tessera,
      ACTIVATE_V2,
      { idempotencyKey: newKey(), contractId: fixture.contractId, expectedVersion: 1 },
      {
        claims: { sub: 'uk-finance', scope: 'crm:read psa:read erp:read erp:write', legal_entities: ['UK01'] },
      },
    );
    expect(envelope(result)).toEqual(
      failed('activateContractV2', { code: 'NOT_FOUND', message: `Contract "${fixture.contractId}" was not found.`, field: 'contractId' }),
    );
    expect((await crmContract(fixture.contractId)).status).toBe('SIGNED');
  });

  it.each(['APPROVED', 'IN_APPROVAL', 'CANCELLED'])('CONTRACT_NOT_SIGNED for a %s contract', async (status) => {
    const fixture = await contractFixture(tessera, fixedFee(us, { status }));
    await expectRefused(fixture.contractId, {
      code: 'CONTRACT_NOT_SIGNED',
      message: `Contract ${fixture.contractId} is ${status}: only a SIGNED contract is activated.`,
      field: 'contractId',
    });
  });

  it('LEGAL_ENTITY_INACTIVE when the legal entity is not active', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us));
    const db = erpDb(tessera);
    await db.updateTable('legal_entities').set({ status: 'INACTIVE' }).where('id', '=', 'le_US01').execute();
    try {
      await expectRefused(fixture.contractId, {
        code: 'LEGAL_ENTITY_INACTIVE',
        message: 'Legal entity US01 is INACTIVE.',
        field: 'contractId',
      });
    } finally {
      await db.updateTable('legal_entities').set({ status: 'ACTIVE' }).where('id', '=', 'le_US01').execute();
    }
  });

  it('CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY when the customer has no billing profile there', async () => {
    const fixture = await contractFixture(tessera, fixedFee({ ...us, legalEntityId: 'le_UK01', currency: 'GBP' }));
    await expectRefused(fixture.contractId, {
      code: 'CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY',
      message: `Customer ${us.accountId} has no billing profile in legal entity UK01.`,
      field: 'contractId',
    });
  });

  it('CURRENCY_MISMATCH when the contract is not in the currency the customer is billed in', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us, { currency: 'EUR' }));
    await expectRefused(fixture.contractId, {
      code: 'CURRENCY_MISMATCH',
      message: 'The contract is in EUR; the customer is billed in USD in US01.',
      field: 'contractId',
    });
  });

  describe('with a billing profile finance keyed without tax or terms', () => {
    const prospect = (): Customer => ({
      accountId: prospectId,
      legalEntityId: 'le_UK01',
      currency: 'GBP',
      paymentTerms: '',
      taxProfileId: null,
    });

    beforeAll(async () => {
      await erpDb(tessera)
        .insertInto('billing_profiles')
        .values({
          id: 'bp_test_prospect',
          account_id: prospectId,
          legal_entity_id: 'le_UK01',
          customer_number: 'UK01-CTEST1',
          currency: 'GBP',
          payment_terms: '',
          credit_hold: 0,
          tax_profile_id: null,
          aggregate_version: 1,
        })
        .execute();
    });

    it('PAYMENT_TERMS_MISSING when neither the input nor the profile gives terms', async () => {
      const fixture = await contractFixture(tessera, fixedFee(prospect()));
      await expectRefused(fixture.contractId, {
        code: 'PAYMENT_TERMS_MISSING',
        message: "No payment terms: give paymentTerms, or set them on the customer's billing profile in UK01.",
        field: 'paymentTerms',
      });
    });

    it('TAX_PROFILE_UNRESOLVED when neither the profile nor the legal entity has a tax profile', async () => {
      const fixture = await contractFixture(tessera, fixedFee(prospect()));
      const db = erpDb(tessera);
      const le = await db.selectFrom('legal_entities').select('tax_profile_id').where('id', '=', 'le_UK01').executeTakeFirstOrThrow();
      await db.updateTable('legal_entities').set({ tax_profile_id: null }).where('id', '=', 'le_UK01').execute();
      try {
        await expectRefused(
          fixture.contractId,
          {
            code: 'TAX_PROFILE_UNRESOLVED',
            message: `No tax profile applies to customer ${prospectId} in UK01 (neither the customer's nor the legal entity's).`,
            field: 'contractId',
          },
          { paymentTerms: 'NET_30' },
        );
      } finally {
        await db.updateTable('legal_entities').set({ tax_profile_id: le.tax_profile_id }).where('id', '=', 'le_UK01').execute();
      }
    });

    it("falls back to the legal entity's tax profile and takes the terms from the input", async () => {
      const fixture = await contractFixture(tessera, fixedFee(prospect()));
      const result = await call<{ terms: { paymentTerms: string; taxProfile: { id: string } } }>(tessera, ACTIVATE_V1, {
        idempotencyKey: newKey(),
        contractId: fixture.contractId,
        paymentTerms: 'NET_45',
      });
      expect(result.payload?.terms).toMatchObject({ paymentTerms: 'NET_45', taxProfile: { id: 'tax_02' } });
    });
  });

  it('PO_REQUIRED when a PO is required and none is given', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us));
    await expectRefused(
      fixture.contractId,
      { code: 'PO_REQUIRED', message: 'The contract requires a purchase order number.', field: 'poNumber' },
      { poRequired: true, poNumber: '  ' },
    );
  });

  it('PRECONDITION_FAILED when the PSA holds no billing line, or no project', async () => {
    const noLines = await contractFixture(tessera, fixedFee(us, { lines: [] }));
    await expectRefused(noLines.contractId, {
      code: 'PRECONDITION_FAILED',
      message: `Contract ${noLines.contractId} has no billing lines in the PSA.`,
      field: 'contractId',
    });
    const noProjects = await contractFixture(tessera, fixedFee(us, { projects: [] }));
    await expectRefused(noProjects.contractId, {
      code: 'PRECONDITION_FAILED',
      message: `No PSA project delivers contract ${noProjects.contractId}: revenue cannot be allocated.`,
      field: 'contractId',
    });
  });

  it('LEGAL_ENTITY_MISMATCH when a project belongs to another legal entity', async () => {
    const fixture = await contractFixture(
      tessera,
      fixedFee(us, { projects: [{ plannedRevenue: '1000.00', milestones: ['1000.00'], legalEntityId: 'le_UK01' }] }),
    );
    await expectRefused(fixture.contractId, {
      code: 'LEGAL_ENTITY_MISMATCH',
      message: `Project ${fixture.projectIds[0]} belongs to le_UK01, the contract to le_US01.`,
      field: 'contractId',
    });
  });

  const tm = (rateCardId: string | null, startDate = '2027-01-04'): Partial<ContractSpec> => ({
    billingMethod: 'TIME_AND_MATERIALS',
    startDate,
    lines: [{ billingMethod: 'TIME_AND_MATERIALS', rateCardId }],
    projects: [{ plannedRevenue: '1000.00' }],
  });

  it.each<[string, () => Partial<ContractSpec>, () => string]>([
    ['no rate card', () => tm(null), () => 'has no rate card'],
    ['a rate card the ERP does not hold', () => tm('rc_missing'), () => 'names rate card rc_missing, which the ERP does not hold'],
    ['the rate card of another legal entity', () => tm(ukCard), () => `uses rate card ${ukCard} of le_UK01, not of le_US01`],
    [
      'no rate in force at the start',
      () => tm(usCard, '2024-06-03'),
      () => `uses rate card ${usCard}, which has no rate in force on 2024-06-03`,
    ],
  ])('RATE_CARD_NOT_EFFECTIVE for a T&M line with %s', async (_, spec, why) => {
    const fixture = await contractFixture(tessera, fixedFee(us, spec()));
    await expectRefused(fixture.contractId, {
      code: 'RATE_CARD_NOT_EFFECTIVE',
      message: `A time-and-materials line ${why()}.`,
      field: 'contractId',
    });
  });

  it('RATE_CARD_NOT_EFFECTIVE for a rate card in another currency', async () => {
    const fixture = await contractFixture(tessera, fixedFee(uk, tm(ukCard)));
    await erpDb(tessera).updateTable('rate_cards').set({ currency: 'EUR' }).where('id', '=', ukCard).execute();
    try {
      await expectRefused(fixture.contractId, {
        code: 'RATE_CARD_NOT_EFFECTIVE',
        message: `A time-and-materials line uses rate card ${ukCard} in EUR, not in GBP.`,
        field: 'contractId',
      });
    } finally {
      await erpDb(tessera).updateTable('rate_cards').set({ currency: 'GBP' }).where('id', '=', ukCard).execute();
    }
  });

  it('MILESTONES_DO_NOT_SUM when the milestones miss the fixed-fee amount by a cent', async () => {
    const fixture = await contractFixture(
      tessera,
      fixedFee(us, { projects: [{ plannedRevenue: '1000.00', milestones: ['400.00', '599.99'] }] }),
    );
    await expectRefused(fixture.contractId, {
      code: 'MILESTONES_DO_NOT_SUM',
      message: 'The milestones sum to 999.99, the fixed-fee lines to 1000.00 USD.',
      field: 'contractId',
    });
  });
});

describe('idempotency', () => {
  it('the same key and input replays the stored answer, even after the contract moved on', async () => {
    const fixture = await contractFixture(tessera, fixedFee(uk, { totalContractValue: '1000.00' }));
    const input = { idempotencyKey: newKey(), contractId: fixture.contractId, expectedVersion: 1 };
    const first = await call(tessera, ACTIVATE_V2, input);
    const before = await erpState(tessera);
    const again = await call(tessera, ACTIVATE_V2, input);
    expect(envelope(again)).toEqual({
      status: 200,
      body: { data: { activateContractV2: { ...(first.payload as object), replayed: true } } },
    });
    expect(await erpState(tessera)).toEqual(before);
    expect(await eventsOfRequest(tessera, requestIdOf(again))).toEqual([]);
    expect(await auditOf(tessera, input.idempotencyKey)).toEqual([
      ['SUCCEEDED', 'erp.activateContract', 2, null],
      ['REPLAYED', 'erp.activateContract', 2, null],
    ]);
  });

  it('a rejection is stored and replayed too', async () => {
    const input = { idempotencyKey: newKey(), contractId: 'ctr_never', expectedVersion: 1 };
    await call(tessera, ACTIVATE_V2, input);
    const again = await call(tessera, ACTIVATE_V2, input);
    expect(envelope(again)).toEqual(
      failed('activateContractV2', { code: 'NOT_FOUND', message: 'Contract "ctr_never" was not found.', field: 'contractId' }, true),
    );
  });

  it('the same key with another input, or with the other version, is IDEMPOTENCY_KEY_REUSED', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us));
    const key = newKey();
    await call(tessera, ACTIVATE_V1, { idempotencyKey: key, contractId: fixture.contractId, expectedVersion: 1 });
    const reused = {
      message: 'The idempotency key was already used for a different erp.activateContract request. Use a new key for a new request.',
      extensions: { code: 'IDEMPOTENCY_KEY_REUSED', serviceName: 'erp' },
    };
    const otherVersion = await call(tessera, ACTIVATE_V2, { idempotencyKey: key, contractId: fixture.contractId, expectedVersion: 1 });
    expect(envelope(otherVersion)).toEqual({ status: 200, body: { errors: [{ ...reused, path: ['activateContractV2'] }], data: null } });
    const otherInput = await call(tessera, ACTIVATE_V1, {
      idempotencyKey: key,
      contractId: fixture.contractId,
      expectedVersion: 1,
      poNumber: 'PO-9',
    });
    expect(envelope(otherInput)).toEqual({ status: 200, body: { errors: [{ ...reused, path: ['activateContract'] }], data: null } });
  });
});

describe('scopes', () => {
  it('without erp:write the call is FORBIDDEN before anything runs', async () => {
    const fixture = await contractFixture(tessera, fixedFee(us));
    const result = await call(
      tessera,
      ACTIVATE_V2,
      { idempotencyKey: newKey(), contractId: fixture.contractId, expectedVersion: 1 },
      {
        claims: { sub: 'reader', scope: 'crm:read psa:read erp:read', legal_entities: '*' },
      },
    );
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'Not authorized to read Mutation.activateContractV2 (requires scope erp:write).',
            path: ['activateContractV2'],
            extensions: { code: 'FORBIDDEN', coordinate: 'Mutation.activateContractV2', reason: 'requires scope erp:write' },
          },
        ],
        data: null,
      },
    });
    expect((await crmContract(fixture.contractId)).status).toBe('SIGNED');
  });
});
