/**
 * What the PSA write-port suites start from: principals, a clock, and per test a contract the CRM
 * would report (time and materials, US01, 2031) with the ERP's rate card, a free bookable resource,
 * and the records the capability path must produce, computed here from the inputs.
 */
import { principalFromClaims } from '../../../../auth/principal.ts';
import { addDays } from '../../../../systems/psa/capabilities/dates.ts';
import type { ContractFacts, RateCardFacts } from '../../../../systems/psa/capabilities/peerFacts.ts';
import type { Assignment, Project, Resource, Timecard, TimeEntry } from '../../../../systems/psa/ports/types.ts';
import type { PsaData } from './psaData.ts';

// After the weeks the suites book (2031-03 on): time is not booked in the future (docs/invariants.md#time-controls).
export const T0 = new Date('2031-06-02T09:00:00.000Z');
export const ALICE = principalFromClaims({ sub: 'alice', scope: 'psa:write', legal_entities: '*' });
export const APPROVER = principalFromClaims({ sub: 'psa-approver', scope: 'psa:write psa:approve', legal_entities: '*' });
/** 150.00 an hour. */
export const RATE_E4 = 1_500_000;

export interface Scenario {
  readonly n: number;
  readonly contract: ContractFacts;
  readonly rateCard: RateCardFacts;
  readonly resource: Resource;
  readonly roleName: string;
  /** The Monday of the week staffed and timed. */
  readonly week: string;
}

/** The `n`th test's scenario: its own contract, and its own week on the first free US01 resource. */
export function scenario(data: PsaData, n: number): Scenario {
  const resource = data.resources.find((r) => r.status === 'ACTIVE' && r.isBookable && r.homeLegalEntityId === 'le_US01')!;
  const accountId = data.projects.find((p) => p.legalEntityId === 'le_US01' && p.accountId !== null)!.accountId!;
  const contract: ContractFacts = {
    id: `ctr_port_${n}`,
    status: 'ACTIVE',
    legalEntityId: 'le_US01',
    accountId,
    billingMethod: 'TIME_AND_MATERIALS',
    totalContractValueE4: 1_000_000_000,
    currency: 'USD',
    startDate: '2031-01-01',
    endDate: '2031-12-31',
  };
  const rateCard: RateCardFacts = {
    id: 'rc_port',
    currency: 'USD',
    legalEntityId: 'le_US01',
    customerId: null,
    lines: [{ roleId: resource.primaryRoleId, billRateE4: RATE_E4, effectiveFrom: '2031-01-01', effectiveTo: null }],
  };
  const roleName = data.roles.find((r) => r.id === resource.primaryRoleId)!.name;
  return { n, contract, rateCard, resource, roleName, week: addDays('2031-03-03', 7 * n) };
}

export const facts = {
  activeContract: (s: Scenario) => ({ contract: { id: s.contract.id, status: 'ACTIVE', legalEntityId: 'le_US01' } }),
  billable: (s: Scenario) => ({
    contract: { id: s.contract.id, status: 'ACTIVE', legalEntityId: 'le_US01' },
    billingProfile: { creditHold: false },
  }),
};

export function expectedProject(s: Scenario, id: string): Project {
  return {
    id,
    code: `PORT-${s.n}`,
    name: `Port contract ${s.n}`,
    status: 'PLANNED',
    type: 'CUSTOMER_BILLABLE',
    billingMethod: 'TIME_AND_MATERIALS',
    accountId: s.contract.accountId,
    contractId: s.contract.id,
    legalEntityId: 'le_US01',
    startDate: '2031-01-01',
    endDate: '2031-12-31',
    currency: 'USD',
    projectManagerId: null,
    budgetHoursE2: null,
    plannedRevenueE4: null,
    aggregateVersion: 1,
  };
}

export function expectedAssignment(s: Scenario, ids: { id: string; projectId: string }): Assignment {
  return {
    ...ids,
    resourceId: s.resource.id,
    roleId: s.resource.primaryRoleId,
    status: 'CONFIRMED',
    startDate: s.week,
    endDate: addDays(s.week, 4),
    scheduledHoursE2: 4000,
    billRateE4: RATE_E4,
    costRateE4: s.resource.costRateE4,
    currency: 'USD',
    costCurrency: s.resource.costCurrency === 'USD' ? null : s.resource.costCurrency,
    isBillable: true,
    aggregateVersion: 1,
  };
}

export function expectedTimecard(s: Scenario, ids: { id: string; projectId: string; assignmentId: string }, submittedAt: string): Timecard {
  return {
    ...ids,
    resourceId: s.resource.id,
    weekStart: s.week,
    weekEnd: addDays(s.week, 6),
    status: 'SUBMITTED',
    submittedAt,
    approvedAt: null,
    approverId: null,
    totalHoursE2: 1550,
    totalBillableE4: 0,
    currency: 'USD',
    submittedBy: 'alice',
    decidedBy: null,
    rejectionReason: null,
    aggregateVersion: 1,
  };
}

/** The two entries the path submits: 8.00 hours on Monday, 7.50 on Tuesday. */
export const ENTRIES = (s: Scenario) => [
  { date: s.week, hours: '8.00' },
  { date: addDays(s.week, 1), hours: '7.50', notes: ' Workshop ' },
];

export function expectedEntries(s: Scenario, timecard: { id: string; projectId: string }): TimeEntry[] {
  const base = {
    timecardId: timecard.id,
    projectId: timecard.projectId,
    hourClass: 'BILLABLE',
    roleId: s.resource.primaryRoleId,
    billRateE4: null,
    billableE4: 0,
    billingStatus: 'UNAPPROVED',
    costRateE4: null,
    costCurrency: null,
  };
  return [
    { ...base, id: `te_${timecard.id.slice(3)}_001_000`, date: s.week, hoursE2: 800, notes: null },
    { ...base, id: `te_${timecard.id.slice(3)}_001_001`, date: addDays(s.week, 1), hoursE2: 750, notes: 'Workshop' },
  ];
}
