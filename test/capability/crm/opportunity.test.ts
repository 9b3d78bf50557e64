/**
 * The opportunity capabilities of the CRM through the gateway: createOpportunity,
 * updateOpportunityStage, closeWinOpportunity, closeLoseOpportunity. Happy paths with the exact
 * payload, the outbox event and the audit entry of every call; every precondition refused with its
 * code, message and field; hidden records answered exactly like missing ones.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { erpDb } from '../../harness/capabilityRows.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  CLOSE_LOSE,
  CLOSE_WIN,
  CREATE_OPPORTUNITY,
  DEFAULT_SUB,
  EXPECTED_SOURCE_STAGE,
  EXPECTED_STAGE_DEFAULTS,
  OPPORTUNITY_FIELDS,
  SALES_OPS,
  UK_ONLY,
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
  pick,
  refused,
  requestIdOf,
  rowCounts,
  salesforceCustomer,
  seededAccounts,
  succeeded,
  withoutTime,
  type LineInput,
  type Opportunity,
  type OpportunityPayload,
  type SeededAccount,
} from './crmKit.ts';

/** A legal entity this suite adds to the ERP (the seed has only active ones). */
const INACTIVE_LE = { id: 'le_DE09', code: 'DE09' };

let tessera: TestTessera;
/** A Salesforce customer and a HubSpot prospect (their stage names differ). */
let salesforce: SeededAccount;
let hubspot: SeededAccount;
let partnerOwn: SeededAccount;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  const accounts = await seededAccounts(tessera);
  salesforce = salesforceCustomer(accounts);
  hubspot = pick(accounts, 'HubSpot account', (a) => a.sourceSystem === 'hubspot');
  partnerOwn = pick(
    accounts,
    'second Salesforce customer',
    (a) => a.type === 'CUSTOMER' && a.sourceSystem === 'salesforce' && a.id !== salesforce.id,
  );
  await sql`insert into legal_entities (id, code, name, legal_name, country, functional_currency, intercompany_enabled, status, tax_profile_id)
    values (${INACTIVE_LE.id}, ${INACTIVE_LE.code}, 'Dormant GmbH', 'Dormant Consulting GmbH', 'DE', 'EUR', 0, 'INACTIVE', null)`.execute(
    erpDb(tessera),
  );
});
afterAll(() => tessera?.stop());

const OPPORTUNITY_QUERY = `query Opportunity($id: ID!) { opportunity(id: $id) { ${OPPORTUNITY_FIELDS} } }`;

async function readOpportunity(id: string): Promise<Opportunity> {
  const body = await tessera.query(OPPORTUNITY_QUERY, { id });
  return (body.data as { opportunity: Opportunity }).opportunity;
}

function stageFields(sourceSystem: string, stage: string) {
  return { stage, sourceStage: EXPECTED_SOURCE_STAGE[sourceSystem]![stage]!, ...EXPECTED_STAGE_DEFAULTS[stage]! };
}

/** The same answer for a hidden record and a missing one, apart from the id quoted back. */
function sameAnswer(hidden: { body: unknown }, hiddenId: string, missing: { body: unknown }, missingId: string): void {
  expect(JSON.stringify(hidden.body).replaceAll(hiddenId, 'ID')).toBe(JSON.stringify(missing.body).replaceAll(missingId, 'ID'));
}

describe('the seed this suite starts from', () => {
  it('has the two active legal entities (plus the inactive one this suite adds) and accounts from both CRMs', async () => {
    const body = await tessera.query('{ legalEntities { id code status } }');
    expect(body).toEqual({
      data: {
        legalEntities: [
          { id: 'le_DE09', code: 'DE09', status: 'INACTIVE' },
          { id: 'le_UK01', code: 'UK01', status: 'ACTIVE' },
          { id: 'le_US01', code: 'US01', status: 'ACTIVE' },
        ],
      },
    });
    expect([salesforce.sourceSystem, hubspot.sourceSystem]).toEqual(['salesforce', 'hubspot']);
  });
});

describe('createOpportunity', () => {
  it('opens a PROSPECTING opportunity whose amount is the sum of its lines, with one event and one audit entry', async () => {
    const lines: LineInput[] = [
      {
        serviceOffering: 'Solution design',
        billingMethod: 'TIME_AND_MATERIALS',
        amount: '7300.25',
        estimatedHours: '40.5',
        startDate: '2027-01-04',
        endDate: '2027-02-26',
      },
      { serviceOffering: 'Implementation', billingMethod: 'FIXED_FEE', amount: '12500', startDate: '2027-03-01', endDate: '2027-06-30' },
      {
        serviceOffering: 'Hypercare',
        billingMethod: 'RETAINER',
        amount: '199.75',
        estimatedHours: '8',
        startDate: '2027-07-01',
        endDate: '2027-07-31',
      },
    ];
    const key = newKey();
    const input = opportunityInput(salesforce.id, {
      idempotencyKey: key,
      name: '  Data platform rebuild  ',
      closeDate: '2027-02-15',
      lines,
    });
    const result = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input });
    const id = result.payload?.opportunity?.id ?? '';
    expect(id).toMatch(/^opp_[0-9a-f]{20}$/);
    const expectedLines = [
      {
        serviceOffering: 'Solution design',
        billingMethod: 'TIME_AND_MATERIALS',
        amount: { amount: '7300.25', currency: 'USD' },
        estimatedHours: '40.50',
        startDate: '2027-01-04',
        endDate: '2027-02-26',
      },
      {
        serviceOffering: 'Implementation',
        billingMethod: 'FIXED_FEE',
        amount: { amount: '12500.00', currency: 'USD' },
        estimatedHours: null,
        startDate: '2027-03-01',
        endDate: '2027-06-30',
      },
      {
        serviceOffering: 'Hypercare',
        billingMethod: 'RETAINER',
        amount: { amount: '199.75', currency: 'USD' },
        estimatedHours: '8.00',
        startDate: '2027-07-01',
        endDate: '2027-07-31',
      },
    ];
    expect(envelope(result)).toEqual(
      succeeded('createOpportunity', {
        id,
        name: 'Data platform rebuild',
        ...stageFields('salesforce', 'PROSPECTING'),
        type: 'NEW_BUSINESS',
        amount: { amount: '20000.00', currency: 'USD' },
        closeDate: '2027-02-15',
        lossReason: null,
        legalEntity: { id: 'le_US01' },
        account: { id: salesforce.id },
        // Lines come back in id order (random ids), not input order.
        lines: expect.arrayContaining(expectedLines),
        aggregateVersion: 1,
      }),
    );
    expect(result.payload?.opportunity?.lines).toHaveLength(3);

    const requestId = requestIdOf(result);
    expect((await eventsOfRequest(tessera, requestId)).map(withoutTime)).toEqual([
      {
        type: 'OpportunityCreated',
        aggregateType: 'Opportunity',
        aggregateId: id,
        aggregateVersion: 1,
        correlationId: requestId,
        causationId: null,
        legalEntityId: 'le_US01',
        payload: { opportunityId: id, stage: 'PROSPECTING', accountId: salesforce.id, amount: { amount: '20000.00', currency: 'USD' } },
        publishedAt: null,
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'crm.createOpportunity',
        version: 1,
        principalSub: DEFAULT_SUB,
        idempotencyKey: key,
        requestId,
        errorCode: null,
      },
    ]);
    // The rows: e4 amounts, e2 hours, the reference CRM as the source of the record.
    const db = crmDb(tessera);
    const row = await db.selectFrom('opportunities').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({
      id,
      account_id: salesforce.id,
      name: 'Data platform rebuild',
      stage: 'PROSPECTING',
      source_stage: 'Prospecting',
      probability: 10,
      forecast_category: 'PIPELINE',
      type: 'NEW_BUSINESS',
      amount_e4: 200_000_000,
      currency: 'USD',
      close_date: '2027-02-15',
      loss_reason: null,
      legal_entity_id: 'le_US01',
      primary_contact_id: null,
      source_system: 'salesforce',
      source_id: id,
      aggregate_version: 1,
    });
    const lineRows = await db
      .selectFrom('opportunity_lines')
      .select(['service_offering', 'amount_e4', 'estimated_hours_e2'])
      .where('opportunity_id', '=', id)
      .execute();
    expect(lineRows).toHaveLength(3);
    expect(lineRows).toEqual(
      expect.arrayContaining([
        { service_offering: 'Solution design', amount_e4: 73_002_500, estimated_hours_e2: 4050 },
        { service_offering: 'Implementation', amount_e4: 125_000_000, estimated_hours_e2: null },
        { service_offering: 'Hypercare', amount_e4: 1_997_500, estimated_hours_e2: 800 },
      ]),
    );
    expect(await readOpportunity(id)).toEqual(result.payload?.opportunity);
  });

  it("keeps the type it is given, and names the stage the way the account's CRM does (HubSpot)", async () => {
    const opened = await openOpportunity(
      tessera,
      opportunityInput(hubspot.id, { type: 'EXPANSION', legalEntityId: 'le_UK01', currency: 'GBP' }),
    );
    expect(opened).toMatchObject({
      type: 'EXPANSION',
      stage: 'PROSPECTING',
      sourceStage: 'appointmentscheduled',
      amount: { amount: '1000.00', currency: 'GBP' },
      legalEntity: { id: 'le_UK01' },
    });
  });

  const line = (overrides: Partial<LineInput>): LineInput => ({
    serviceOffering: 'Build',
    billingMethod: 'FIXED_FEE',
    amount: '500.00',
    startDate: '2027-01-01',
    endDate: '2027-01-31',
    ...overrides,
  });
  const preconditions: [string, () => Record<string, unknown>, { code: string; message: string; field: string }][] = [
    [
      'an unknown account',
      () => ({ accountId: 'acc_missing' }),
      { code: 'NOT_FOUND', message: 'Account "acc_missing" was not found.', field: 'accountId' },
    ],
    [
      'an unknown legal entity',
      () => ({ legalEntityId: 'le_ZZ99' }),
      { code: 'NOT_FOUND', message: 'LegalEntity "le_ZZ99" was not found.', field: 'legalEntityId' },
    ],
    [
      'an inactive legal entity',
      () => ({ legalEntityId: INACTIVE_LE.id, currency: 'EUR' }),
      { code: 'LEGAL_ENTITY_INACTIVE', message: 'Legal entity le_DE09 is INACTIVE.', field: 'legalEntityId' },
    ],
    ['a blank name', () => ({ name: '   ' }), { code: 'PRECONDITION_FAILED', message: 'An opportunity needs a name.', field: 'name' }],
    [
      'no lines',
      () => ({ lines: [] }),
      { code: 'PRECONDITION_FAILED', message: 'An opportunity needs at least one line.', field: 'lines' },
    ],
    [
      'a zero line amount',
      () => ({ lines: [line({ amount: '0.00' })] }),
      { code: 'PRECONDITION_FAILED', message: 'A line amount must be positive.', field: 'lines.0.amount' },
    ],
    [
      'a negative amount on the second line',
      () => ({ lines: [line({}), line({ amount: '-0.01' })] }),
      { code: 'PRECONDITION_FAILED', message: 'A line amount must be positive.', field: 'lines.1.amount' },
    ],
    [
      'a line that ends before it starts',
      () => ({ lines: [line({}), line({}), line({ startDate: '2027-02-01', endDate: '2027-01-31' })] }),
      { code: 'PRECONDITION_FAILED', message: 'A line ends before it starts.', field: 'lines.2.endDate' },
    ],
  ];
  it.each(preconditions)('refuses %s, writing nothing', async (_name, overrides, error) => {
    const before = await rowCounts(tessera);
    const result = await call(tessera, CREATE_OPPORTUNITY, { ...opportunityInput(salesforce.id), ...overrides() });
    expect(envelope(result)).toEqual(refused('createOpportunity', error));
    const after = await rowCounts(tessera);
    expect(after).toEqual({ ...before, audit_log: before.audit_log! + 1, idempotency_records: before.idempotency_records! + 1 });
  });

  it("answers an account outside a partner's accounts exactly like a missing one (NOT_FOUND)", async () => {
    const partner = {
      sub: 'partner-1',
      scope: 'crm:read crm:write erp:read',
      legal_entities: '*' as const,
      partner_accounts: [partnerOwn.id],
    };
    const hidden = await call(tessera, CREATE_OPPORTUNITY, { ...opportunityInput(salesforce.id) }, { claims: partner });
    const missing = await call(tessera, CREATE_OPPORTUNITY, { ...opportunityInput('acc_nope') }, { claims: partner });
    expect(envelope(hidden)).toEqual(
      refused('createOpportunity', { code: 'NOT_FOUND', message: `Account "${salesforce.id}" was not found.`, field: 'accountId' }),
    );
    sameAnswer(hidden, salesforce.id, missing, 'acc_nope');
    // Its own customer is fine.
    const own = await openOpportunity(tessera, opportunityInput(partnerOwn.id), partner);
    expect(own.account).toEqual({ id: partnerOwn.id });
  });

  it('answers a legal entity outside the token exactly like an unknown one (NOT_FOUND)', async () => {
    const hidden = await call(
      tessera,
      CREATE_OPPORTUNITY,
      { ...opportunityInput(salesforce.id, { legalEntityId: 'le_US01' }) },
      { claims: UK_ONLY },
    );
    const missing = await call(
      tessera,
      CREATE_OPPORTUNITY,
      { ...opportunityInput(salesforce.id, { legalEntityId: 'le_ZZ99' }) },
      { claims: UK_ONLY },
    );
    expect(envelope(hidden)).toEqual(
      refused('createOpportunity', { code: 'NOT_FOUND', message: 'LegalEntity "le_US01" was not found.', field: 'legalEntityId' }),
    );
    sameAnswer(hidden, 'le_US01', missing, 'le_ZZ99');
  });
});

describe('the opportunity pipeline', () => {
  it('moves PROSPECTING → QUALIFIED → PROPOSAL → NEGOTIATION → CLOSED_WON: stage defaults, one version and one event per step', async () => {
    const lines: LineInput[] = [
      { serviceOffering: 'Assessment', billingMethod: 'FIXED_FEE', amount: '15000.00', startDate: '2027-01-04', endDate: '2027-02-26' },
      {
        serviceOffering: 'Delivery',
        billingMethod: 'TIME_AND_MATERIALS',
        amount: '60000.50',
        estimatedHours: '400',
        startDate: '2027-03-01',
        endDate: '2027-09-30',
      },
    ];
    const opened = await openOpportunity(tessera, opportunityInput(salesforce.id, { lines }));
    expect(opened).toMatchObject({
      ...stageFields('salesforce', 'PROSPECTING'),
      amount: { amount: '75000.50', currency: 'USD' },
      aggregateVersion: 1,
    });
    let current: Opportunity = opened;
    for (const stage of ['QUALIFIED', 'PROPOSAL', 'NEGOTIATION']) {
      const key = newKey();
      const result = await call<OpportunityPayload>(tessera, UPDATE_STAGE, {
        idempotencyKey: key,
        opportunityId: current.id,
        expectedVersion: current.aggregateVersion,
        stage,
      });
      const expected: Opportunity = { ...current, ...stageFields('salesforce', stage), aggregateVersion: current.aggregateVersion + 1 };
      expect(envelope(result)).toEqual(succeeded('updateOpportunityStage', expected));
      const requestId = requestIdOf(result);
      expect((await eventsOfRequest(tessera, requestId)).map(withoutTime)).toEqual([
        {
          type: 'OpportunityStageChanged',
          aggregateType: 'Opportunity',
          aggregateId: current.id,
          aggregateVersion: expected.aggregateVersion,
          correlationId: requestId,
          causationId: null,
          legalEntityId: 'le_US01',
          payload: { opportunityId: current.id, stage, from: current.stage, to: stage },
          publishedAt: null,
        },
      ]);
      expect(await auditOf(tessera, key)).toEqual([
        {
          outcome: 'SUCCEEDED',
          capability: 'crm.updateOpportunityStage',
          version: 1,
          principalSub: DEFAULT_SUB,
          idempotencyKey: key,
          requestId,
          errorCode: null,
        },
      ]);
      current = expected;
    }

    const key = newKey();
    const won = await call<OpportunityPayload>(tessera, CLOSE_WIN, { idempotencyKey: key, opportunityId: current.id, expectedVersion: 4 });
    const requestId = requestIdOf(won);
    const [event] = await eventsOfRequest(tessera, requestId);
    // Won today: the close date becomes the day it was won.
    const today = event!.occurredAt.slice(0, 10);
    const expected: Opportunity = { ...current, ...stageFields('salesforce', 'CLOSED_WON'), closeDate: today, aggregateVersion: 5 };
    expect(envelope(won)).toEqual(succeeded('closeWinOpportunity', expected));
    expect(withoutTime(event!)).toEqual({
      type: 'OpportunityWon',
      aggregateType: 'Opportunity',
      aggregateId: current.id,
      aggregateVersion: 5,
      correlationId: requestId,
      causationId: null,
      legalEntityId: 'le_US01',
      payload: {
        opportunityId: current.id,
        stage: 'CLOSED_WON',
        accountId: salesforce.id,
        amount: { amount: '75000.50', currency: 'USD' },
      },
      publishedAt: null,
    });
    expect(await auditOf(tessera, key)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'crm.closeWinOpportunity',
        version: 1,
        principalSub: DEFAULT_SUB,
        idempotencyKey: key,
        requestId,
        errorCode: null,
      },
    ]);
    const all = await eventsOf(tessera, current.id);
    expect(all.map((e) => [e.type, e.aggregateVersion])).toEqual([
      ['OpportunityCreated', 1],
      ['OpportunityStageChanged', 2],
      ['OpportunityStageChanged', 3],
      ['OpportunityStageChanged', 4],
      ['OpportunityWon', 5],
    ]);
    expect(await readOpportunity(current.id)).toEqual(expected);
  });

  it('closes lost (HubSpot stage names) with the reason trimmed, and a SALES_OPS user reopens it to QUALIFIED', async () => {
    const qualified = await moveThrough(tessera, await openOpportunity(tessera, opportunityInput(hubspot.id)), ['QUALIFIED']);
    expect(qualified).toMatchObject({ ...stageFields('hubspot', 'QUALIFIED'), aggregateVersion: 2 });
    const lost = await call<OpportunityPayload>(tessera, CLOSE_LOSE, {
      idempotencyKey: newKey(),
      opportunityId: qualified.id,
      expectedVersion: 2,
      lossReason: '  Budget frozen  ',
    });
    const requestId = requestIdOf(lost);
    const [event] = await eventsOfRequest(tessera, requestId);
    const lostExpected: Opportunity = {
      ...qualified,
      ...stageFields('hubspot', 'CLOSED_LOST'),
      lossReason: 'Budget frozen',
      closeDate: event!.occurredAt.slice(0, 10),
      aggregateVersion: 3,
    };
    expect(envelope(lost)).toEqual(succeeded('closeLoseOpportunity', lostExpected));
    expect(withoutTime(event!)).toEqual({
      type: 'OpportunityLost',
      aggregateType: 'Opportunity',
      aggregateId: qualified.id,
      aggregateVersion: 3,
      correlationId: requestId,
      causationId: null,
      legalEntityId: 'le_US01',
      payload: { opportunityId: qualified.id, stage: 'CLOSED_LOST', lossReason: 'Budget frozen' },
      publishedAt: null,
    });

    // Reopening is privileged: without the role, FORBIDDEN and nothing changes.
    const forbiddenKey = newKey();
    const forbidden = await call(tessera, UPDATE_STAGE, {
      idempotencyKey: forbiddenKey,
      opportunityId: qualified.id,
      expectedVersion: 3,
      stage: 'QUALIFIED',
    });
    expect(envelope(forbidden)).toEqual(
      refused('updateOpportunityStage', {
        code: 'FORBIDDEN',
        message: 'Reopening a lost opportunity needs the SALES_OPS role.',
        field: 'stage',
      }),
    );
    expect(await auditOf(tessera, forbiddenKey)).toEqual([
      expect.objectContaining({ outcome: 'REJECTED', errorCode: 'FORBIDDEN', principalSub: DEFAULT_SUB }),
    ]);
    // Even with the role, a lost opportunity reopens only to QUALIFIED.
    const toProposal = await call(
      tessera,
      UPDATE_STAGE,
      { idempotencyKey: newKey(), opportunityId: qualified.id, expectedVersion: 3, stage: 'PROPOSAL' },
      { claims: SALES_OPS },
    );
    expect(envelope(toProposal)).toEqual(
      refused('updateOpportunityStage', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Opportunity is CLOSED_LOST: updateOpportunityStage cannot move it to PROPOSAL.',
        field: null,
      }),
    );
    expect(await eventsOf(tessera, qualified.id)).toHaveLength(3);

    const reopenKey = newKey();
    const reopened = await call(
      tessera,
      UPDATE_STAGE,
      { idempotencyKey: reopenKey, opportunityId: qualified.id, expectedVersion: 3, stage: 'QUALIFIED' },
      { claims: SALES_OPS },
    );
    const reopenedExpected: Opportunity = {
      ...lostExpected,
      ...stageFields('hubspot', 'QUALIFIED'),
      lossReason: null,
      aggregateVersion: 4,
    };
    expect(envelope(reopened)).toEqual(succeeded('updateOpportunityStage', reopenedExpected));
    const reopenRequest = requestIdOf(reopened);
    expect((await eventsOfRequest(tessera, reopenRequest)).map(withoutTime)).toEqual([
      {
        type: 'OpportunityStageChanged',
        aggregateType: 'Opportunity',
        aggregateId: qualified.id,
        aggregateVersion: 4,
        correlationId: reopenRequest,
        causationId: null,
        legalEntityId: 'le_US01',
        payload: { opportunityId: qualified.id, stage: 'QUALIFIED', from: 'CLOSED_LOST', to: 'QUALIFIED' },
        publishedAt: null,
      },
    ]);
    expect(await auditOf(tessera, reopenKey)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'crm.updateOpportunityStage',
        version: 1,
        principalSub: 'sales-ops',
        idempotencyKey: reopenKey,
        requestId: reopenRequest,
        errorCode: null,
      },
    ]);
  });
});

describe('transitions that are refused', () => {
  async function prospecting(): Promise<Opportunity> {
    return openOpportunity(tessera, opportunityInput(salesforce.id));
  }

  /** Nothing changed: the same version, and no event after the creation one. */
  async function unchanged(opportunity: Opportunity): Promise<void> {
    expect(await readOpportunity(opportunity.id)).toEqual(opportunity);
    expect((await eventsOf(tessera, opportunity.id)).map((e) => e.type)).toEqual(['OpportunityCreated']);
  }

  it('refuses a stage the pipeline does not reach from here (PROSPECTING → NEGOTIATION)', async () => {
    const opened = await prospecting();
    const result = await call(tessera, UPDATE_STAGE, {
      idempotencyKey: newKey(),
      opportunityId: opened.id,
      expectedVersion: 1,
      stage: 'NEGOTIATION',
    });
    expect(envelope(result)).toEqual(
      refused('updateOpportunityStage', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Opportunity is PROSPECTING: updateOpportunityStage cannot move it to NEGOTIATION.',
        field: null,
      }),
    );
    await unchanged(opened);
  });

  it.each(['CLOSED_WON', 'CLOSED_LOST'])('refuses updateOpportunityStage to %s: closing has its own capabilities', async (stage) => {
    const negotiation = await moveThrough(tessera, await prospecting(), ['QUALIFIED', 'NEGOTIATION']);
    const result = await call(tessera, UPDATE_STAGE, {
      idempotencyKey: newKey(),
      opportunityId: negotiation.id,
      expectedVersion: 3,
      stage,
    });
    expect(envelope(result)).toEqual(
      refused('updateOpportunityStage', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Use closeWinOpportunity or closeLoseOpportunity to close an opportunity.',
        field: 'stage',
      }),
    );
    expect(await readOpportunity(negotiation.id)).toEqual(negotiation);
  });

  it('refuses to win an opportunity still PROSPECTING or QUALIFIED', async () => {
    const opened = await prospecting();
    const result = await call(tessera, CLOSE_WIN, { idempotencyKey: newKey(), opportunityId: opened.id, expectedVersion: 1 });
    expect(envelope(result)).toEqual(
      refused('closeWinOpportunity', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Opportunity is PROSPECTING: closeWinOpportunity cannot move it to CLOSED_WON.',
        field: null,
      }),
    );
    await unchanged(opened);
    const qualified = await moveThrough(tessera, opened, ['QUALIFIED']);
    const again = await call(tessera, CLOSE_WIN, { idempotencyKey: newKey(), opportunityId: qualified.id, expectedVersion: 2 });
    expect(envelope(again)).toEqual(
      refused('closeWinOpportunity', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Opportunity is QUALIFIED: closeWinOpportunity cannot move it to CLOSED_WON.',
        field: null,
      }),
    );
  });

  it('answers the current stage with a different key as ALREADY_IN_STATE: no version change, no event', async () => {
    const qualified = await moveThrough(tessera, await prospecting(), ['QUALIFIED']);
    const key = newKey();
    const result = await call(tessera, UPDATE_STAGE, {
      idempotencyKey: key,
      opportunityId: qualified.id,
      expectedVersion: 2,
      stage: 'QUALIFIED',
    });
    expect(envelope(result)).toEqual(
      succeeded('updateOpportunityStage', qualified, {
        warnings: [{ code: 'ALREADY_IN_STATE', message: 'Opportunity already is QUALIFIED; nothing changed.', field: null }],
      }),
    );
    expect(await eventsOfRequest(tessera, requestIdOf(result))).toEqual([]);
    expect((await eventsOf(tessera, qualified.id)).map((e) => e.aggregateVersion)).toEqual([1, 2]);
    expect(await auditOf(tessera, key)).toEqual([expect.objectContaining({ outcome: 'SUCCEEDED', errorCode: null })]);
    expect(await readOpportunity(qualified.id)).toEqual(qualified);
  });

  it('requires a loss reason that is not blank (LOSS_REASON_REQUIRED)', async () => {
    const opened = await prospecting();
    const result = await call(tessera, CLOSE_LOSE, {
      idempotencyKey: newKey(),
      opportunityId: opened.id,
      expectedVersion: 1,
      lossReason: ' \t ',
    });
    expect(envelope(result)).toEqual(
      refused('closeLoseOpportunity', { code: 'LOSS_REASON_REQUIRED', message: 'Say why the opportunity was lost.', field: 'lossReason' }),
    );
    await unchanged(opened);
  });

  it('refuses a stale expectedVersion (VERSION_CONFLICT), on every opportunity transition', async () => {
    const qualified = await moveThrough(tessera, await prospecting(), ['QUALIFIED']);
    const conflict = {
      code: 'VERSION_CONFLICT',
      message: 'Opportunity is at version 2, not 1: it changed since you read it. Read it again, then decide.',
      field: 'expectedVersion',
    };
    const stage = await call(tessera, UPDATE_STAGE, {
      idempotencyKey: newKey(),
      opportunityId: qualified.id,
      expectedVersion: 1,
      stage: 'PROPOSAL',
    });
    expect(envelope(stage)).toEqual(refused('updateOpportunityStage', conflict));
    const lose = await call(tessera, CLOSE_LOSE, {
      idempotencyKey: newKey(),
      opportunityId: qualified.id,
      expectedVersion: 1,
      lossReason: 'No budget',
    });
    expect(envelope(lose)).toEqual(refused('closeLoseOpportunity', conflict));
    const ahead = await call(tessera, CLOSE_WIN, { idempotencyKey: newKey(), opportunityId: qualified.id, expectedVersion: 3 });
    expect(envelope(ahead)).toEqual(
      refused('closeWinOpportunity', {
        ...conflict,
        message: 'Opportunity is at version 2, not 3: it changed since you read it. Read it again, then decide.',
      }),
    );
    expect(await readOpportunity(qualified.id)).toEqual(qualified);
  });

  it('keeps CLOSED_WON final: no stage change, no loss; winning again is ALREADY_IN_STATE', async () => {
    const proposal = await moveThrough(tessera, await prospecting(), ['QUALIFIED', 'PROPOSAL']);
    const won = (
      await call<OpportunityPayload>(tessera, CLOSE_WIN, { idempotencyKey: newKey(), opportunityId: proposal.id, expectedVersion: 3 })
    ).payload!.opportunity!;
    expect(won).toMatchObject({ stage: 'CLOSED_WON', aggregateVersion: 4 });
    const back = await call(tessera, UPDATE_STAGE, {
      idempotencyKey: newKey(),
      opportunityId: won.id,
      expectedVersion: 4,
      stage: 'NEGOTIATION',
    });
    expect(envelope(back)).toEqual(
      refused('updateOpportunityStage', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Opportunity is CLOSED_WON: updateOpportunityStage cannot move it to NEGOTIATION.',
        field: null,
      }),
    );
    const lose = await call(tessera, CLOSE_LOSE, {
      idempotencyKey: newKey(),
      opportunityId: won.id,
      expectedVersion: 4,
      lossReason: 'Changed our mind',
    });
    expect(envelope(lose)).toEqual(
      refused('closeLoseOpportunity', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Opportunity is CLOSED_WON: closeLoseOpportunity cannot move it to CLOSED_LOST.',
        field: null,
      }),
    );
    const again = await call(tessera, CLOSE_WIN, { idempotencyKey: newKey(), opportunityId: won.id, expectedVersion: 4 });
    expect(envelope(again)).toEqual(
      succeeded('closeWinOpportunity', won, {
        warnings: [{ code: 'ALREADY_IN_STATE', message: 'Opportunity already is CLOSED_WON; nothing changed.', field: null }],
      }),
    );
    expect(await readOpportunity(won.id)).toEqual(won);
    expect(await eventsOf(tessera, won.id)).toHaveLength(4);
  });

  it('answers a US01 opportunity to a UK01-only caller exactly like a missing one (NOT_FOUND), on every transition', async () => {
    const proposal = await moveThrough(tessera, await prospecting(), ['QUALIFIED', 'PROPOSAL']);
    const calls: [string, string, Record<string, unknown>][] = [
      ['updateOpportunityStage', UPDATE_STAGE, { expectedVersion: 3, stage: 'NEGOTIATION' }],
      ['closeWinOpportunity', CLOSE_WIN, { expectedVersion: 3 }],
      ['closeLoseOpportunity', CLOSE_LOSE, { expectedVersion: 3, lossReason: 'Lost to a competitor' }],
    ];
    for (const [field, query, rest] of calls) {
      const hidden = await call(tessera, query, { idempotencyKey: newKey(), opportunityId: proposal.id, ...rest }, { claims: UK_ONLY });
      const missing = await call(tessera, query, { idempotencyKey: newKey(), opportunityId: 'opp_missing', ...rest }, { claims: UK_ONLY });
      expect(envelope(hidden)).toEqual(
        refused(field, { code: 'NOT_FOUND', message: `Opportunity "${proposal.id}" was not found.`, field: 'opportunityId' }),
      );
      sameAnswer(hidden, proposal.id, missing, 'opp_missing');
    }
    expect(await readOpportunity(proposal.id)).toEqual(proposal);
  });
});

describe('inputs the Decimal scalar accepts but the capability cannot store exactly', () => {
  it('refuses estimated hours finer than a hundredth as a user error on the line', async () => {
    const input = opportunityInput(salesforce.id, { lines: [{ ...aLine(), estimatedHours: '1.125' }] });
    const result = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input });
    expect(result.body.errors).toBeUndefined();
    expect(result.payload).toEqual({
      opportunity: null,
      warnings: [],
      replayed: false,
      userErrors: [{ code: 'MONEY_PRECISION', message: '1.125 has more decimals than allowed here (2).', field: 'lines.0.estimatedHours' }],
    });
  });

  it('refuses cents below the currency minor unit', async () => {
    const input = opportunityInput(salesforce.id, { lines: [{ ...aLine(), amount: '100.555' }] });
    const result = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input });
    expect(result.payload).toEqual({
      opportunity: null,
      warnings: [],
      replayed: false,
      userErrors: [{ code: 'MONEY_PRECISION', message: '100.555 has more decimals than USD allows (2).', field: 'lines.0.amount' }],
    });
  });

  it('refuses an amount too large to be stored exactly, writing nothing', async () => {
    const before = await rowCounts(tessera);
    const input = opportunityInput(salesforce.id, { lines: [{ ...aLine(), amount: '999999999999999' }] });
    const result = await call<OpportunityPayload>(tessera, CREATE_OPPORTUNITY, { ...input });
    expect(result.body.errors).toBeUndefined();
    expect(result.payload).toEqual({
      opportunity: null,
      warnings: [],
      replayed: false,
      userErrors: [{ code: 'MONEY_PRECISION', message: '999999999999999 is larger than 100000000000 USD.', field: 'lines.0.amount' }],
    });
    expect((await rowCounts(tessera)).opportunities).toBe(before.opportunities);
  });
});

function aLine(): LineInput {
  return {
    serviceOffering: 'Build',
    billingMethod: 'TIME_AND_MATERIALS',
    amount: '100.00',
    startDate: '2027-01-01',
    endDate: '2027-01-31',
  };
}
