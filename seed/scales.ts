/**
 * The size of each dataset tier (docs/demo-data.md#tiers), expressed in what the reference systems' tables
 * hold. Everything else the generator produces (timecards, invoices, payments) follows from
 * these numbers and the distributions in the step modules.
 */
import type { SeedScale } from '../core/config/config.ts';

/** A dataset tier (`s` demo, `m` reference mid-size firm, `l` ten times `m`): the config's names. */
export type { SeedScale };

/** Project statuses a customer project can have on asOf (docs/state-machines.md#project). */
export type CustomerProjectStatus = 'ACTIVE' | 'ON_HOLD' | 'CLOSING' | 'CLOSED' | 'PLANNED' | 'DRAFT' | 'CANCELLED';

/** Internal (non-customer) projects every legal entity runs: where bench, leave and presales time goes. */
export type InternalKind = 'BENCH' | 'ABSENCE' | 'PRESALES';

/** The numbers that size one tier. */
export interface ScaleProfile {
  readonly scale: SeedScale;
  /** Months of time, billing and payment history before asOf. */
  readonly historyMonths: number;
  /** How many legal entities of the catalogue (in order). */
  readonly legalEntities: number;
  /** How many roles of the catalogue (in order). */
  readonly roles: number;
  readonly people: {
    readonly billableEmployees: number;
    /** Operations, sales and finance staff: not bookable, they approve internal time. */
    readonly nonBillable: number;
    readonly contractors: number;
    readonly subcontractors: number;
  };
  readonly accounts: {
    readonly salesforce: number;
    readonly hubspot: number;
    /** HubSpot companies that duplicate a Salesforce account (post-merger overlap). */
    readonly duplicates: number;
    /** Vendor accounts of the subcontractors. */
    readonly vendors: number;
  };
  readonly contacts: number;
  /** Opportunities in total: won (one per contract), open and lost. */
  readonly opportunities: number;
  /** Customer projects per status; each has its own contract. */
  readonly customerProjects: Readonly<Record<CustomerProjectStatus, number>>;
  /** Contracts that have no project yet (won, still in approval). */
  readonly contractsWithoutProject: number;
  readonly internalKinds: readonly InternalKind[];
  /** Customer-negotiated rate cards (discounted copies of the standard card). */
  readonly customerRateCards: number;
}

/** Customer projects ACTIVE at asOf: with the internal projects, the ~220 the benchmark expects for M. */
const M_ACTIVE_CUSTOMER = 205;

/** The tiers of docs/demo-data.md#tiers. */
export const SCALES: Readonly<Record<SeedScale, ScaleProfile>> = {
  s: {
    scale: 's',
    historyMonths: 6,
    legalEntities: 2,
    roles: 8,
    people: { billableEmployees: 28, nonBillable: 3, contractors: 1, subcontractors: 3 },
    accounts: { salesforce: 45, hubspot: 15, duplicates: 3, vendors: 2 },
    contacts: 150,
    opportunities: 40,
    customerProjects: { ACTIVE: 6, ON_HOLD: 1, CLOSING: 0, CLOSED: 2, PLANNED: 1, DRAFT: 0, CANCELLED: 0 },
    contractsWithoutProject: 2,
    internalKinds: ['BENCH'],
    customerRateCards: 0,
  },
  m: {
    scale: 'm',
    historyMonths: 12,
    legalEntities: 5,
    roles: 14,
    people: { billableEmployees: 330, nonBillable: 50, contractors: 5, subcontractors: 35 },
    accounts: { salesforce: 2000, hubspot: 1000, duplicates: 120, vendors: 12 },
    contacts: 12_000,
    opportunities: 1100,
    customerProjects: { ACTIVE: M_ACTIVE_CUSTOMER, ON_HOLD: 4, CLOSING: 8, CLOSED: 210, PLANNED: 28, DRAFT: 6, CANCELLED: 6 },
    contractsWithoutProject: 10,
    internalKinds: ['BENCH', 'ABSENCE', 'PRESALES'],
    customerRateCards: 40,
  },
  l: {
    scale: 'l',
    historyMonths: 12,
    legalEntities: 12,
    roles: 20,
    people: { billableEmployees: 3300, nonBillable: 500, contractors: 50, subcontractors: 350 },
    accounts: { salesforce: 20_000, hubspot: 10_000, duplicates: 1200, vendors: 120 },
    contacts: 120_000,
    opportunities: 11_000,
    customerProjects: { ACTIVE: 10 * M_ACTIVE_CUSTOMER, ON_HOLD: 40, CLOSING: 80, CLOSED: 2100, PLANNED: 280, DRAFT: 60, CANCELLED: 60 },
    contractsWithoutProject: 100,
    internalKinds: ['BENCH', 'ABSENCE', 'PRESALES'],
    customerRateCards: 400,
  },
};
