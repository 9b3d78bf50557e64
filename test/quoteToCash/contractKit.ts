/**
 * What the quote-to-cash suites share: the firm's people (tokens of the roles that call each step),
 * calls and reads through the gateway, the UK customer, rate card and a free consultant found in
 * the demo data, a contract taken from a new opportunity to SIGNED in the CRM, and its project set
 * up in the PSA, the contract activated in the ERP and the project staffed
 * (docs/capabilities.md#opportunity-to-project, docs/capabilities.md#staffing).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { mutate, newKey } from '../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import type { TempStore } from '../harness/tempDatabase.ts';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const UK = ['UK01'];
export const SALES: PrincipalClaims = {
  sub: 'sam.seller@tessera.example',
  scope: 'crm:read crm:write erp:read',
  legal_entities: UK,
  client_id: 'crm-app',
};
export const SALES_DIRECTOR: PrincipalClaims = {
  sub: 'dana.director@tessera.example',
  scope: 'crm:read crm:write erp:read',
  legal_entities: UK,
};
export const DELIVERY: PrincipalClaims = {
  sub: 'pat.pm@tessera.example',
  scope: 'crm:read psa:read psa:write psa:approve erp:read',
  legal_entities: UK,
};
export const FINANCE: PrincipalClaims = {
  sub: 'fran.finance@tessera.example',
  scope: 'crm:read psa:read erp:read erp:write',
  legal_entities: UK,
  client_id: 'erp-sync',
};
export const DELIVERY_DIRECTOR: PrincipalClaims = {
  sub: 'dee.delivery@tessera.example',
  scope: 'psa:read psa:approve',
  legal_entities: UK,
};
export const CONTROLLER: PrincipalClaims = {
  sub: 'cole.controller@tessera.example',
  scope: 'crm:read psa:read erp:read erp:write',
  legal_entities: UK,
};
export const AUDITOR: PrincipalClaims = { sub: 'ada.auditor@tessera.example', scope: 'audit:read', legal_entities: UK };

export const ERRORS = 'userErrors { code message field } warnings { code message field } replayed';
export const FAILURE = '... on CapabilityFailure { errors { code message field } replayed }';

/** Calls and reads through the gateway as one of the firm's people (by token). */
export interface Gateway {
  /** A mutation that must answer HTTP 200 without GraphQL errors; its payload (refusals included). */
  call(token: string, query: string, input: Json, key?: string): Promise<Json>;
  /** A query that must answer without errors; its data. */
  read(token: string, query: string, variables?: Json): Promise<Json>;
}

export function gatewayOf(tessera: TestTessera): Gateway {
  return {
    async call(token, query, input, key = newKey()) {
      const result = await mutate<Json>(tessera, query, { idempotencyKey: key, ...input }, { token });
      expect(result.body.errors, JSON.stringify(result.body.errors)).toBeUndefined();
      expect(result.status).toBe(200);
      return result.payload!;
    },
    async read(token, query, variables = {}) {
      const body = await tessera.query(query, variables, token);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      return body.data as Json;
    },
  };
}

/** A token for each of the people above, by name. */
export async function tokensOf(tessera: TestTessera): Promise<Record<string, string>> {
  const people = { SALES, SALES_DIRECTOR, DELIVERY, DELIVERY_DIRECTOR, FINANCE, CONTROLLER, AUDITOR };
  const tokens: Record<string, string> = {};
  for (const [name, claims] of Object.entries(people)) tokens[name] = await tessera.token(claims);
  return tokens;
}

export interface UkParties {
  readonly customer: Json;
  readonly rateCard: Json;
  /** Bookable active UK consultants (rol_02), the fewest hours booked between `from` and `to` first. */
  readonly consultants: readonly Json[];
}

/**
 * Found in the demo data by what they are: a UK customer billed in GBP on NET_30 and not on credit
 * hold, the UK GBP rate card, and the consultants freest over the engagement's weeks.
 */
export async function ukParties(gateway: Gateway, token: string, window: { from: string; to: string }): Promise<UkParties> {
  const setup = await gateway.read(
    token,
    `{
    accounts(first: 100, filter: { type: [CUSTOMER] }) { nodes { id name billingProfiles { legalEntity { code } currency paymentTerms creditHold } } }
    rateCards { id currency legalEntity { code } }
    resources(first: 200, filter: { homeLegalEntityId: "le_UK01", roleId: "rol_02" }) {
      nodes { id email isBookable status assignments(status: [CONFIRMED, ACTIVE]) { startDate endDate scheduledHours } }
    }
  }`,
  );
  const customer = setup.accounts.nodes.find((account: Json) =>
    account.billingProfiles.some(
      (p: Json) => p.legalEntity.code === 'UK01' && p.currency === 'GBP' && p.paymentTerms === 'NET_30' && !p.creditHold,
    ),
  );
  const rateCard = setup.rateCards.find((card: Json) => card.legalEntity.code === 'UK01' && card.currency === 'GBP');
  const overlapping = (resource: Json) =>
    resource.assignments
      .filter((a: Json) => a.startDate <= window.to && a.endDate >= window.from)
      .reduce((sum: number, a: Json) => sum + Number(a.scheduledHours), 0);
  const consultants = setup.resources.nodes
    .filter((r: Json) => r.isBookable && r.status === 'ACTIVE')
    .sort((a: Json, b: Json) => overlapping(a) - overlapping(b) || a.id.localeCompare(b.id));
  if (!customer || !rateCard || consultants.length === 0) throw new Error('the demo data has no UK customer, rate card or consultant');
  return { customer, rateCard, consultants };
}

/** A consultant's token: submits their own time and expenses (and may not approve them). */
export function consultantToken(tessera: TestTessera, consultant: Json): Promise<string> {
  return tessera.token({ sub: consultant.email, scope: 'psa:read psa:write psa:approve erp:read', legal_entities: UK });
}

export interface Deal {
  readonly customerId: string;
  readonly name: string;
  readonly amount: string;
  readonly estimatedHours: string;
  readonly startDate: string;
  readonly endDate: string;
  /** The e-signature envelope's reference. */
  readonly envelope: string;
}

/**
 * A one-line time-and-materials opportunity in UK01 (GBP) taken by the seller to CLOSED_WON, its
 * contract submitted, approved by the sales director and signed: the contract's id (version 4).
 */
export async function signedContract(gateway: Gateway, tokens: Record<string, string>, deal: Deal): Promise<string> {
  const { call } = gateway;
  const opportunity = (
    await call(
      tokens.SALES!,
      `mutation ($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } ${ERRORS} } }`,
      {
        accountId: deal.customerId,
        name: deal.name,
        legalEntityId: 'le_UK01',
        currency: 'GBP',
        closeDate: '2026-11-30',
        lines: [
          {
            serviceOffering: 'Discovery',
            billingMethod: 'TIME_AND_MATERIALS',
            amount: deal.amount,
            estimatedHours: deal.estimatedHours,
            startDate: deal.startDate,
            endDate: deal.endDate,
          },
        ],
      },
    )
  ).opportunity;
  const STAGE = `mutation ($input: UpdateOpportunityStageInput!) { updateOpportunityStage(input: $input) { opportunity { aggregateVersion } ${ERRORS} } }`;
  await call(tokens.SALES!, STAGE, { opportunityId: opportunity.id, expectedVersion: 1, stage: 'QUALIFIED' });
  await call(tokens.SALES!, STAGE, { opportunityId: opportunity.id, expectedVersion: 2, stage: 'PROPOSAL' });
  await call(
    tokens.SALES!,
    `mutation ($input: CloseWinOpportunityInput!) { closeWinOpportunity(input: $input) { opportunity { stage } ${ERRORS} } }`,
    { opportunityId: opportunity.id, expectedVersion: 3 },
  );
  const contract = (
    await call(
      tokens.SALES!,
      `mutation ($input: CreateContractFromOpportunityInput!) { createContractFromOpportunity(input: $input) { contract { id } ${ERRORS} } }`,
      { opportunityId: opportunity.id },
    )
  ).contract;
  const TRANSITION = (field: string) =>
    `mutation ($input: ContractTransitionInput!) { ${field}(input: $input) { contract { status aggregateVersion } ${ERRORS} } }`;
  await call(tokens.SALES!, TRANSITION('submitContractForApproval'), { contractId: contract.id, expectedVersion: 1 });
  await call(tokens.SALES_DIRECTOR!, TRANSITION('approveContract'), { contractId: contract.id, expectedVersion: 2 });
  const signed = await call(
    tokens.SALES!,
    `mutation ($input: RecordContractSignatureInput!) { recordContractSignature(input: $input) { contract { status } ${ERRORS} } }`,
    {
      contractId: contract.id,
      expectedVersion: 3,
      signedAt: new Date(Date.now() + 1000).toISOString(),
      customerSignatory: 'Morgan Client',
      documentUrl: `https://sign.example/envelopes/${deal.envelope}`,
    },
  );
  expect(signed.contract).toEqual({ status: 'SIGNED' });
  return contract.id;
}

/** A PLANNED project delivering the contract at the rate card: its id and its contract's first line. */
export async function projectOn(
  gateway: Gateway,
  tokens: Record<string, string>,
  contractId: string,
  name: string,
  rateCardId: string,
): Promise<{ id: string; lineId: string }> {
  const project = (
    await gateway.call(
      tokens.DELIVERY!,
      `mutation ($input: CreateProjectFromContractInput!) { createProjectFromContract(input: $input) { project { id contract { lines { id } } } ${ERRORS} } }`,
      { contractId, name, rateCardId },
    )
  ).project;
  return { id: project.id, lineId: project.contract.lines[0].id };
}

/** The ERP puts the signed contract (version 4) in force: the answer (contract and revenue schedules) or the failure. */
export async function activateInErp(tessera: TestTessera, tokens: Record<string, string>, contractId: string): Promise<Json> {
  const activation = await mutate<Json>(
    tessera,
    `mutation ($input: ActivateContractV2Input!) { activateContractV2(input: $input) {
      ... on ActivateContractSuccess { contract { status aggregateVersion } revenueSchedules { allocatedAmount { amount } } } ${FAILURE} } }`,
    { idempotencyKey: newKey(), contractId, expectedVersion: 4 },
    { token: tokens.FINANCE! },
  );
  expect(activation.body.errors).toBeUndefined();
  return activation.payload!;
}

/**
 * The PLANNED project activated, a consultant requested (rol_02, `hours` over the window) and
 * confirmed: the assignment's id and frozen bill rate.
 */
export async function staffed(
  gateway: Gateway,
  tokens: Record<string, string>,
  projectId: string,
  staffing: { consultantId: string; from: string; to: string; hours: string; allowOverbook?: boolean },
): Promise<{ id: string; billRate: { amount: string } }> {
  const { call } = gateway;
  await call(
    tokens.DELIVERY!,
    `mutation ($input: ActivateProjectInput!) { activateProject(input: $input) { project { status } ${ERRORS} } }`,
    { projectId, expectedVersion: 1 },
  );
  const request = (
    await call(
      tokens.DELIVERY!,
      `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { resourceRequest { id } ${ERRORS} } }`,
      { projectId, roleId: 'rol_02', startDate: staffing.from, endDate: staffing.to, hours: staffing.hours },
    )
  ).resourceRequest;
  return (
    await call(
      tokens.DELIVERY!,
      `mutation ($input: ConfirmAssignmentInput!) { confirmAssignment(input: $input) { assignment { id billRate { amount } } ${ERRORS} } }`,
      {
        resourceRequestId: request.id,
        resourceId: staffing.consultantId,
        expectedVersion: 1,
        ...(staffing.allowOverbook ? { allowOverbook: true } : {}),
      },
    )
  ).assignment;
}

/**
 * A whole engagement: the deal signed in the CRM, its project set up in the PSA, the contract put
 * in force by the ERP and the project staffed with the consultant over the deal's first weeks.
 */
export async function engagement(
  tessera: TestTessera,
  gateway: Gateway,
  tokens: Record<string, string>,
  deal: Deal & { rateCardId: string; consultantId: string; staffedUntil: string },
): Promise<{
  contractId: string;
  project: { id: string; lineId: string };
  activation: Json;
  assignment: { id: string; billRate: { amount: string } };
}> {
  const contractId = await signedContract(gateway, tokens, deal);
  const project = await projectOn(gateway, tokens, contractId, deal.name, deal.rateCardId);
  const activation = await activateInErp(tessera, tokens, contractId);
  const assignment = await staffed(gateway, tokens, project.id, {
    consultantId: deal.consultantId,
    from: deal.startDate,
    to: deal.staffedUntil,
    hours: '40',
  });
  return { contractId, project, activation, assignment };
}

/** What a quote-to-cash suite runs on, set by the hooks suiteOn registers (read it inside tests). */
export interface Suite {
  tessera: TestTessera;
  gateway: Gateway;
  tokens: Record<string, string>;
}

/** Registers a suite's hooks: a Tessera seeded with `s` on a fresh store, the people's tokens and a gateway; removed after. */
export function suiteOn(makeStore: () => Promise<TempStore>): Suite {
  const suite = { tokens: {} } as Suite;
  let store: TempStore | undefined;
  beforeAll(async () => {
    store = await makeStore();
    suite.tessera = await startTestTessera({ scale: 's', store });
    suite.tokens = await tokensOf(suite.tessera);
    suite.gateway = gatewayOf(suite.tessera);
  });
  afterAll(async () => {
    await suite.tessera?.stop();
    await store?.remove();
  });
  return suite;
}
