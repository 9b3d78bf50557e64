/**
 * The contract capabilities of the CRM through the gateway: a DRAFT contract from a won
 * opportunity (value, term and billing method from its lines), then submit → approve (by someone
 * else) → sign. Exact payloads, events and audit entries; every guard refused with its code and
 * field; the system-only activation step unreachable through the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { newKey, startWith } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import {
  APPROVER,
  APPROVE_CONTRACT,
  CLOSE_LOSE,
  CONTRACT_FIELDS,
  CREATE_CONTRACT,
  DEFAULT_SUB,
  SIGN_CONTRACT,
  SUBMIT_CONTRACT,
  UK_ONLY,
  accepted,
  auditOf,
  call,
  crmDb,
  envelope,
  eventsOf,
  eventsOfRequest,
  openOpportunity,
  opportunityInput,
  refused,
  requestIdOf,
  rowCounts,
  salesforceCustomer,
  seededAccounts,
  succeeded,
  withoutTime,
  wonOpportunity,
  type Contract,
  type ContractPayload,
  type LineInput,
  type Opportunity,
  type OpportunityPayload,
  type SeededAccount,
} from './crmKit.ts';

let tessera: TestTessera;
let customer: SeededAccount;
/** The capabilities' clock: the real one, unless a test holds it at an instant. */
let heldAt: Date | null = null;

beforeAll(async () => {
  [tessera, customer] = await startWith(async (started) => salesforceCustomer(await seededAccounts(started)), {
    now: () => heldAt ?? new Date(),
  });
});
afterAll(() => tessera?.stop());

/** Three lines: the fixed-fee one is the largest; the milestone starts first, the fixed fee ends last. */
const LINES: LineInput[] = [
  {
    serviceOffering: 'Advisory',
    billingMethod: 'TIME_AND_MATERIALS',
    amount: '30000.00',
    estimatedHours: '200',
    startDate: '2027-01-04',
    endDate: '2027-06-30',
  },
  { serviceOffering: 'Platform build', billingMethod: 'FIXED_FEE', amount: '45000.00', startDate: '2027-02-15', endDate: '2027-09-30' },
  { serviceOffering: 'Go-live', billingMethod: 'MILESTONE', amount: '5000.50', startDate: '2026-12-01', endDate: '2027-03-31' },
];

const CONTRACT_QUERY = `query Contract($id: ID!) { contract(id: $id) { ${CONTRACT_FIELDS} } }`;

async function readContract(id: string): Promise<Contract> {
  const body = await tessera.query(CONTRACT_QUERY, { id });
  return (body.data as { contract: Contract }).contract;
}

async function won(lines: LineInput[] = LINES, legalEntityId = 'le_US01'): Promise<Opportunity> {
  return wonOpportunity(
    tessera,
    opportunityInput(customer.id, { lines, legalEntityId, currency: legalEntityId === 'le_UK01' ? 'GBP' : 'USD' }),
  );
}

async function draft(opportunity?: Opportunity): Promise<Contract> {
  const source = opportunity ?? (await won());
  return accepted(
    await call<ContractPayload>(tessera, CREATE_CONTRACT, { idempotencyKey: newKey(), opportunityId: source.id }),
    'contract',
  );
}

async function transition(query: string, contract: Contract, as?: PrincipalClaims): Promise<Contract> {
  const input = { idempotencyKey: newKey(), contractId: contract.id, expectedVersion: contract.aggregateVersion };
  const result = await call<ContractPayload>(tessera, query, input, as ? { claims: as } : {});
  return accepted(result, 'contract');
}

async function approved(): Promise<Contract> {
  return transition(APPROVE_CONTRACT, await transition(SUBMIT_CONTRACT, await draft()), APPROVER);
}

/** A valid signature input for `contract`, `overrides` replacing fields. */
function signature(contract: Contract, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idempotencyKey: newKey(),
    contractId: contract.id,
    expectedVersion: contract.aggregateVersion,
    signedAt: new Date(Date.parse(contract.approvedAt!) + 86_400_000).toISOString(),
    customerSignatory: 'Jane Roe, CFO',
    documentUrl: 'https://sign.example.com/envelopes/8f2c/completed',
    ...overrides,
  };
}

describe('createContractFromOpportunity', () => {
  it('drafts the contract of a won opportunity: TCV = sum of lines, term = min start to max end, billing method of the largest line', async () => {
    const opportunity = await won();
    const key = newKey();
    const result = await call<ContractPayload>(tessera, CREATE_CONTRACT, { idempotencyKey: key, opportunityId: opportunity.id });
    const id = result.payload?.contract?.id ?? '';
    expect(id).toMatch(/^ctr_[0-9a-f]{20}$/);
    const requestId = requestIdOf(result);
    const [event, ...more] = await eventsOfRequest(tessera, requestId);
    expect(more).toEqual([]);
    const contractNumber = `SOW-US01-${event!.occurredAt.slice(0, 4)}-${id.slice(4, 12).toUpperCase()}`;
    expect(contractNumber).toMatch(/^SOW-US01-\d{4}-[0-9A-F]{8}$/);
    const expected: Contract = {
      id,
      contractNumber,
      version: 1,
      title: opportunity.name,
      status: 'DRAFT',
      account: { id: customer.id },
      opportunity: { id: opportunity.id },
      legalEntity: { id: 'le_US01' },
      startDate: '2026-12-01',
      endDate: '2027-09-30',
      totalContractValue: { amount: '80000.50', currency: 'USD' },
      billingMethod: 'FIXED_FEE',
      signedAt: null,
      customerSignatory: null,
      approvedAt: null,
      documentUrl: null,
      activatedAt: null,
      aggregateVersion: 1,
    };
    expect(envelope(result)).toEqual(succeeded('createContractFromOpportunity', expected));
    expect(withoutTime(event!)).toEqual({
      type: 'ContractCreated',
      aggregateType: 'Contract',
      aggregateId: id,
      aggregateVersion: 1,
      correlationId: requestId,
      causationId: null,
      legalEntityId: 'le_US01',
      payload: {
        contractId: id,
        contractNumber,
        status: 'DRAFT',
        opportunityId: opportunity.id,
        totalContractValue: { amount: '80000.50', currency: 'USD' },
      },
      publishedAt: null,
    });
    expect(await auditOf(tessera, key)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'crm.createContractFromOpportunity',
        version: 1,
        principalSub: DEFAULT_SUB,
        idempotencyKey: key,
        requestId,
        errorCode: null,
      },
    ]);
    expect(await readContract(id)).toEqual(expected);
  });

  it('takes a title when given one (trimmed), the opportunity name when it is blank, and numbers UK01 contracts SOW-UK01-…', async () => {
    const titled = await call<ContractPayload>(tessera, CREATE_CONTRACT, {
      idempotencyKey: newKey(),
      opportunityId: (await won()).id,
      title: '  Master SOW 2027  ',
    });
    expect(accepted(titled, 'contract').title).toBe('Master SOW 2027');
    const uk = await won(LINES.slice(0, 1), 'le_UK01');
    const blank = accepted(
      await call<ContractPayload>(tessera, CREATE_CONTRACT, { idempotencyKey: newKey(), opportunityId: uk.id, title: '   ' }),
      'contract',
    );
    expect(blank).toMatchObject({
      title: uk.name,
      legalEntity: { id: 'le_UK01' },
      totalContractValue: { amount: '30000.00', currency: 'GBP' },
      billingMethod: 'TIME_AND_MATERIALS',
      startDate: '2027-01-04',
      endDate: '2027-06-30',
    });
    expect(blank.contractNumber).toMatch(new RegExp(`^SOW-UK01-\\d{4}-${blank.id.slice(4, 12).toUpperCase()}$`));
  });

  it('refuses an opportunity that is not won (PRECONDITION_FAILED), open or lost', async () => {
    const open = await openOpportunity(tessera, opportunityInput(customer.id));
    const before = await rowCounts(tessera);
    const result = await call(tessera, CREATE_CONTRACT, { idempotencyKey: newKey(), opportunityId: open.id });
    expect(envelope(result)).toEqual(
      refused('createContractFromOpportunity', {
        code: 'PRECONDITION_FAILED',
        message: `Opportunity ${open.id} is PROSPECTING: only a won opportunity becomes a contract.`,
        field: 'opportunityId',
      }),
    );
    const lost = await call<OpportunityPayload>(tessera, CLOSE_LOSE, {
      idempotencyKey: newKey(),
      opportunityId: open.id,
      expectedVersion: 1,
      lossReason: 'No budget',
    });
    expect(accepted(lost, 'opportunity').stage).toBe('CLOSED_LOST');
    const again = await call(tessera, CREATE_CONTRACT, { idempotencyKey: newKey(), opportunityId: open.id });
    expect(envelope(again)).toEqual(
      refused('createContractFromOpportunity', {
        code: 'PRECONDITION_FAILED',
        message: `Opportunity ${open.id} is CLOSED_LOST: only a won opportunity becomes a contract.`,
        field: 'opportunityId',
      }),
    );
    expect((await rowCounts(tessera)).contracts).toBe(before.contracts);
  });

  it('refuses a second contract for the same opportunity (CONTRACT_ALREADY_EXISTS), while the same key replays the first', async () => {
    const opportunity = await won();
    const key = newKey();
    const first = await call<ContractPayload>(tessera, CREATE_CONTRACT, { idempotencyKey: key, opportunityId: opportunity.id });
    const contract = accepted(first, 'contract');
    const second = await call(tessera, CREATE_CONTRACT, { idempotencyKey: newKey(), opportunityId: opportunity.id });
    expect(envelope(second)).toEqual(
      refused('createContractFromOpportunity', {
        code: 'CONTRACT_ALREADY_EXISTS',
        message: `Opportunity ${opportunity.id} already has contract ${contract.id}.`,
        field: 'opportunityId',
      }),
    );
    const replay = await call(tessera, CREATE_CONTRACT, { idempotencyKey: key, opportunityId: opportunity.id });
    expect(envelope(replay)).toEqual(succeeded('createContractFromOpportunity', contract, { replayed: true }));
    const rows = await crmDb(tessera).selectFrom('contracts').select('id').where('opportunity_id', '=', opportunity.id).execute();
    expect(rows).toEqual([{ id: contract.id }]);
    expect((await eventsOf(tessera, contract.id)).map((e) => e.type)).toEqual(['ContractCreated']);
  });

  it('answers a US01 opportunity to a UK01-only caller exactly like a missing one (NOT_FOUND)', async () => {
    const opportunity = await won();
    const hidden = await call(tessera, CREATE_CONTRACT, { idempotencyKey: newKey(), opportunityId: opportunity.id }, { claims: UK_ONLY });
    const missing = await call(tessera, CREATE_CONTRACT, { idempotencyKey: newKey(), opportunityId: 'opp_missing' }, { claims: UK_ONLY });
    expect(envelope(hidden)).toEqual(
      refused('createContractFromOpportunity', {
        code: 'NOT_FOUND',
        message: `Opportunity "${opportunity.id}" was not found.`,
        field: 'opportunityId',
      }),
    );
    expect(JSON.stringify(hidden.body).replaceAll(opportunity.id, 'ID')).toBe(JSON.stringify(missing.body).replaceAll('opp_missing', 'ID'));
  });
});

describe('submit → approve → sign', () => {
  it('moves DRAFT → IN_APPROVAL → APPROVED (by another person) → SIGNED, one version and one event per step', async () => {
    const created = await draft();
    const base = { contractId: created.id, contractNumber: created.contractNumber };
    const eventOf = async (requestId: string) => (await eventsOfRequest(tessera, requestId)).map(withoutTime);
    const envelopeOf = (requestId: string, version: number, type: string, payload: Record<string, unknown>) => [
      {
        type,
        aggregateType: 'Contract',
        aggregateId: created.id,
        aggregateVersion: version,
        correlationId: requestId,
        causationId: null,
        legalEntityId: 'le_US01',
        payload: { ...base, ...payload },
        publishedAt: null,
      },
    ];

    const submitKey = newKey();
    const submitted = await call<ContractPayload>(tessera, SUBMIT_CONTRACT, {
      idempotencyKey: submitKey,
      contractId: created.id,
      expectedVersion: 1,
    });
    const inApproval: Contract = { ...created, status: 'IN_APPROVAL', aggregateVersion: 2 };
    expect(envelope(submitted)).toEqual(succeeded('submitContractForApproval', inApproval));
    expect(await eventOf(requestIdOf(submitted))).toEqual(
      envelopeOf(requestIdOf(submitted), 2, 'ContractSubmittedForApproval', { status: 'IN_APPROVAL', submittedBy: DEFAULT_SUB }),
    );
    expect(await auditOf(tessera, submitKey)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'crm.submitContractForApproval',
        version: 1,
        principalSub: DEFAULT_SUB,
        idempotencyKey: submitKey,
        requestId: requestIdOf(submitted),
        errorCode: null,
      },
    ]);

    const approveKey = newKey();
    heldAt = new Date('2026-11-20T09:30:00.125Z');
    const approval = await call<ContractPayload>(
      tessera,
      APPROVE_CONTRACT,
      { idempotencyKey: approveKey, contractId: created.id, expectedVersion: 2 },
      { claims: APPROVER },
    ).finally(() => {
      heldAt = null;
    });
    const approvedAt = approval.payload?.contract?.approvedAt ?? '';
    expect(approvedAt).toBe('2026-11-20T09:30:00.125Z');
    const approvedContract: Contract = { ...inApproval, status: 'APPROVED', approvedAt, aggregateVersion: 3 };
    expect(envelope(approval)).toEqual(succeeded('approveContract', approvedContract));
    expect(await eventOf(requestIdOf(approval))).toEqual(
      envelopeOf(requestIdOf(approval), 3, 'ContractApproved', { status: 'APPROVED', approvedBy: APPROVER.sub }),
    );
    expect(await auditOf(tessera, approveKey)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'crm.approveContract',
        version: 1,
        principalSub: APPROVER.sub,
        idempotencyKey: approveKey,
        requestId: requestIdOf(approval),
        errorCode: null,
      },
    ]);

    // The signature instant, a day after approval, given with an offset: stored in UTC.
    const signedAtUtc = new Date(Date.parse(approvedAt) + 86_400_000).toISOString();
    const signedAtParis = new Date(Date.parse(signedAtUtc) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
    const signKey = newKey();
    const signing = await call<ContractPayload>(tessera, SIGN_CONTRACT, {
      idempotencyKey: signKey,
      contractId: created.id,
      expectedVersion: 3,
      signedAt: signedAtParis,
      customerSignatory: '  Jane Roe, CFO ',
      documentUrl: 'https://sign.example.com/envelopes/8f2c/completed',
    });
    const signed: Contract = {
      ...approvedContract,
      status: 'SIGNED',
      signedAt: signedAtUtc,
      customerSignatory: 'Jane Roe, CFO',
      documentUrl: 'https://sign.example.com/envelopes/8f2c/completed',
      aggregateVersion: 4,
    };
    expect(envelope(signing)).toEqual(succeeded('recordContractSignature', signed));
    expect(await eventOf(requestIdOf(signing))).toEqual(
      envelopeOf(requestIdOf(signing), 4, 'ContractSigned', {
        status: 'SIGNED',
        signedAt: signedAtUtc,
        customerSignatory: 'Jane Roe, CFO',
      }),
    );
    expect(await auditOf(tessera, signKey)).toEqual([
      {
        outcome: 'SUCCEEDED',
        capability: 'crm.recordContractSignature',
        version: 1,
        principalSub: DEFAULT_SUB,
        idempotencyKey: signKey,
        requestId: requestIdOf(signing),
        errorCode: null,
      },
    ]);

    expect((await eventsOf(tessera, created.id)).map((e) => [e.type, e.aggregateVersion])).toEqual([
      ['ContractCreated', 1],
      ['ContractSubmittedForApproval', 2],
      ['ContractApproved', 3],
      ['ContractSigned', 4],
    ]);
    expect(await readContract(created.id)).toEqual(signed);
    const row = await crmDb(tessera)
      .selectFrom('contracts')
      .select(['submitted_by', 'approved_by', 'approved_at', 'signed_at', 'activated_at'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      submitted_by: DEFAULT_SUB,
      approved_by: APPROVER.sub,
      approved_at: approvedAt,
      signed_at: signedAtUtc,
      activated_at: null,
    });
  });

  it('refuses approval by the submitter (SEGREGATION_OF_DUTIES), whatever the case of the subject', async () => {
    const submitted = await transition(SUBMIT_CONTRACT, await draft());
    const error = {
      code: 'SEGREGATION_OF_DUTIES',
      message: 'You submitted this contract: another person must approve it.',
      field: 'contractId',
    };
    const self = await call(tessera, APPROVE_CONTRACT, { idempotencyKey: newKey(), contractId: submitted.id, expectedVersion: 2 });
    expect(envelope(self)).toEqual(refused('approveContract', error));
    const shouting = { sub: DEFAULT_SUB.toUpperCase(), scope: 'crm:read crm:write erp:read', legal_entities: '*' as const };
    const selfAgain = await call(
      tessera,
      APPROVE_CONTRACT,
      { idempotencyKey: newKey(), contractId: submitted.id, expectedVersion: 2 },
      { claims: shouting },
    );
    expect(envelope(selfAgain)).toEqual(refused('approveContract', error));
    expect(await readContract(submitted.id)).toEqual(submitted);
    expect((await eventsOf(tessera, submitted.id)).map((e) => e.type)).toEqual(['ContractCreated', 'ContractSubmittedForApproval']);
  });

  it('refuses a signature dated before the approval (field signedAt), and accepts one at the approval instant', async () => {
    const contract = await approved();
    const early = new Date(Date.parse(contract.approvedAt!) - 1_000).toISOString();
    const result = await call(tessera, SIGN_CONTRACT, signature(contract, { signedAt: early }));
    expect(envelope(result)).toEqual(
      refused('recordContractSignature', {
        code: 'PRECONDITION_FAILED',
        message: `The signature (${early}) predates the approval (${contract.approvedAt}).`,
        field: 'signedAt',
      }),
    );
    const onTime = await call<ContractPayload>(tessera, SIGN_CONTRACT, signature(contract, { signedAt: contract.approvedAt }));
    expect(accepted(onTime, 'contract')).toMatchObject({ status: 'SIGNED', signedAt: contract.approvedAt, aggregateVersion: 4 });
  });

  it.each([
    [
      'an http documentUrl',
      { documentUrl: 'http://sign.example.com/envelopes/1' },
      'documentUrl',
      'documentUrl must be an https URL of the signed document.',
    ],
    [
      'a documentUrl that is not a URL',
      { documentUrl: 'signed.pdf' },
      'documentUrl',
      'documentUrl must be an https URL of the signed document.',
    ],
    ['a blank signatory', { customerSignatory: '  ' }, 'customerSignatory', 'Name the customer signatory.'],
  ])('refuses %s (PRECONDITION_FAILED)', async (_name, overrides, field, message) => {
    const contract = await approved();
    const result = await call(tessera, SIGN_CONTRACT, signature(contract, overrides));
    expect(envelope(result)).toEqual(refused('recordContractSignature', { code: 'PRECONDITION_FAILED', message, field }));
    expect(await readContract(contract.id)).toEqual(contract);
  });

  it('refuses steps out of order (INVALID_STATE_TRANSITION) and repeats with a new key (ALREADY_IN_STATE)', async () => {
    const created = await draft();
    const approve = await call(
      tessera,
      APPROVE_CONTRACT,
      { idempotencyKey: newKey(), contractId: created.id, expectedVersion: 1 },
      { claims: APPROVER },
    );
    expect(envelope(approve)).toEqual(
      refused('approveContract', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Contract is DRAFT: approveContract cannot move it to APPROVED.',
        field: null,
      }),
    );
    const sign = await call(tessera, SIGN_CONTRACT, { ...signature({ ...created, approvedAt: new Date().toISOString() }) });
    expect(envelope(sign)).toEqual(
      refused('recordContractSignature', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Contract is DRAFT: recordContractSignature cannot move it to SIGNED.',
        field: null,
      }),
    );
    const submitted = await transition(SUBMIT_CONTRACT, created);
    const again = await call(tessera, SUBMIT_CONTRACT, { idempotencyKey: newKey(), contractId: created.id, expectedVersion: 2 });
    expect(envelope(again)).toEqual(
      succeeded('submitContractForApproval', submitted, {
        warnings: [{ code: 'ALREADY_IN_STATE', message: 'Contract already is IN_APPROVAL; nothing changed.', field: null }],
      }),
    );
    expect((await eventsOf(tessera, created.id)).map((e) => e.aggregateVersion)).toEqual([1, 2]);
  });

  it('refuses a stale expectedVersion (VERSION_CONFLICT)', async () => {
    const created = await draft();
    const ahead = await call(tessera, SUBMIT_CONTRACT, { idempotencyKey: newKey(), contractId: created.id, expectedVersion: 2 });
    expect(envelope(ahead)).toEqual(
      refused('submitContractForApproval', {
        code: 'VERSION_CONFLICT',
        message: 'Contract is at version 1, not 2: it changed since you read it. Read it again, then decide.',
        field: 'expectedVersion',
      }),
    );
    const submitted = await transition(SUBMIT_CONTRACT, created);
    const stale = await call(
      tessera,
      APPROVE_CONTRACT,
      { idempotencyKey: newKey(), contractId: created.id, expectedVersion: 1 },
      { claims: APPROVER },
    );
    expect(envelope(stale)).toEqual(
      refused('approveContract', {
        code: 'VERSION_CONFLICT',
        message: 'Contract is at version 2, not 1: it changed since you read it. Read it again, then decide.',
        field: 'expectedVersion',
      }),
    );
    expect(await readContract(created.id)).toEqual(submitted);
  });

  it('answers a US01 contract to a UK01-only caller exactly like a missing one (NOT_FOUND), on every step', async () => {
    const contract = await approved();
    const steps: [string, string, Record<string, unknown>][] = [
      ['submitContractForApproval', SUBMIT_CONTRACT, { expectedVersion: 3 }],
      ['approveContract', APPROVE_CONTRACT, { expectedVersion: 3 }],
      ['recordContractSignature', SIGN_CONTRACT, { ...signature(contract), idempotencyKey: undefined, contractId: undefined }],
    ];
    for (const [field, query, rest] of steps) {
      const hidden = await call(tessera, query, { ...rest, idempotencyKey: newKey(), contractId: contract.id }, { claims: UK_ONLY });
      const missing = await call(tessera, query, { ...rest, idempotencyKey: newKey(), contractId: 'ctr_missing' }, { claims: UK_ONLY });
      expect(envelope(hidden)).toEqual(
        refused(field, { code: 'NOT_FOUND', message: `Contract "${contract.id}" was not found.`, field: 'contractId' }),
      );
      expect(JSON.stringify(hidden.body).replaceAll(contract.id, 'ID')).toBe(JSON.stringify(missing.body).replaceAll('ctr_missing', 'ID'));
    }
    expect(await readContract(contract.id)).toEqual(contract);
  });
});

describe('recordContractActivation', () => {
  it("is a system step: the gateway's schema does not have it (GRAPHQL_VALIDATION_FAILED)", async () => {
    const contract = await draft();
    const before = await rowCounts(tessera);
    const response = await tessera.request({
      query: `mutation { recordContractActivation(input: { idempotencyKey: "${newKey()}", contractId: "${contract.id}" }) { contract { status } replayed } }`,
    });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'Cannot query field "recordContractActivation" on type "Mutation". Did you mean "recordContractSignature"?',
            locations: [{ line: 1, column: 12 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ],
      },
    });
    // Its input type is hidden too.
    const typed = await tessera.request({
      query: 'mutation Activate($input: RecordContractActivationInput!) { recordContractSignature(input: $input) { replayed } }',
      variables: { input: { contractId: contract.id } },
    });
    expect(typed.status).toBe(400);
    // (graphql-js adds "Did you mean ..." with the nearest names of the whole supergraph: not pinned here.)
    expect(typed.body.errors?.map((e) => [e.extensions?.code, e.message.split('. Did you mean')[0]])).toContainEqual([
      'GRAPHQL_VALIDATION_FAILED',
      'Unknown type "RecordContractActivationInput"',
    ]);
    expect(await rowCounts(tessera)).toEqual(before);
    expect(await readContract(contract.id)).toEqual(contract);
  });
});
