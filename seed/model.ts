/**
 * The generator's working model: the dataset being built (rows, exactly as the tables hold them)
 * and the plans the steps hand to each other. A plan keeps what rows do not carry (day numbers,
 * allocation, hold dates) so later steps never parse the ISO text back.
 */
import type { crmTables } from '../systems/crm/adapters/sql/tables.ts';
import type { erpTables, RevenueScheduleLineRow } from '../systems/erp/adapters/sql/tables.ts';
import type { ExpenseRow } from '../systems/psa/adapters/sql/expenseTables.ts';
import type { psaTables } from '../systems/psa/adapters/sql/tables.ts';
import type { FirstTablesOf } from '../systems/kernel/tableSpec.ts';
import type { Day, SeedCalendar } from './calendar.ts';
import type { LegalEntitySpec, RoleSpec } from './catalog.ts';
import type { IdPrefix } from './ids.ts';
import type { Rng } from './random.ts';
import type { InternalKind, ScaleProfile } from './scales.ts';

/** Every table of one system as an array of its rows. */
export type TableRows<Tables> = { [T in keyof Tables]: Tables[T][] };

/**
 * A generated dataset: the rows of every table of the three reference systems, in the shape of
 * their first migration (columns and tables that capabilities added later start at their defaults).
 */
export interface Dataset {
  readonly crm: TableRows<FirstTablesOf<typeof crmTables>>;
  /** The PSA's first tables, and the expenses (a table of migration 4; none in a data set for an older store). */
  readonly psa: TableRows<FirstTablesOf<typeof psaTables>> & { expenses: ExpenseRow[] };
  /** The ERP's first tables, and the revenue lines recognition posted (a table of migration 3). */
  readonly erp: TableRows<FirstTablesOf<typeof erpTables>> & { revenue_schedule_lines: RevenueScheduleLineRow[] };
}

/** A dataset with every table present and empty. */
export function emptyDataset(): Dataset {
  return {
    crm: { accounts: [], contacts: [], opportunities: [], opportunity_lines: [], contracts: [] },
    psa: {
      roles: [],
      resources: [],
      projects: [],
      contract_lines: [],
      milestones: [],
      assignments: [],
      resource_requests: [],
      timecards: [],
      time_entries: [],
      billing_drafts: [],
      billing_draft_items: [],
      expenses: [],
    },
    erp: {
      tax_profiles: [],
      legal_entities: [],
      accounting_periods: [],
      rate_cards: [],
      rate_card_lines: [],
      billing_profiles: [],
      contract_terms: [],
      erp_projects: [],
      invoices: [],
      invoice_lines: [],
      payments: [],
      payment_applications: [],
      revenue_schedules: [],
      revenue_schedule_lines: [],
    },
  };
}

/** A legal entity with its catalogue entry and tax profile. */
export interface LegalEntityPlan {
  readonly index: number;
  readonly id: string;
  readonly spec: LegalEntitySpec;
  readonly currency: string;
  readonly taxProfileId: string;
}

/** A role with its catalogue entry. */
export interface RolePlan {
  readonly index: number;
  readonly id: string;
  readonly spec: RoleSpec;
}

/** One effective-dated version of a rate card line. */
export interface RateVersion {
  readonly from: Day;
  /** Last day in force; null for the open-ended latest version. */
  readonly to: Day | null;
  readonly billE4: number;
  readonly costE4: number;
}

/** A rate card: versions per role, for the assignment rate lookup. */
export interface RateCardPlan {
  readonly id: string;
  readonly le: number;
  readonly accountId: string | null;
  readonly currency: string;
  /** Versions per role index, oldest first. */
  readonly byRole: readonly (readonly RateVersion[])[];
}

/** How a resource relates to the firm (and whether it delivers). */
export type ResourceKind = 'BILLABLE' | 'NON_BILLABLE' | 'CONTRACTOR' | 'SUBCONTRACTOR';

/** A resource with its home legal entity, role, cost and assignments. */
export interface ResourcePlan {
  readonly index: number;
  readonly id: string;
  readonly kind: ResourceKind;
  readonly le: number;
  readonly role: number;
  readonly bookable: boolean;
  /** Cost per hour in the home legal entity's currency. */
  readonly costE4: number;
  /** Assignments of this resource, in creation order. */
  readonly assignments: number[];
}

/** A customer project, or one of the internal kinds. */
export type ProjectKind = 'CUSTOMER' | InternalKind;
/** How a project's contract line bills. */
export type BillingMethod = 'TIME_AND_MATERIALS' | 'FIXED_FEE' | 'MILESTONE' | 'RETAINER';

/** A billing milestone; `actual` and `approvedOn` say how far it has come by asOf. */
export interface MilestonePlan {
  readonly id: string;
  readonly name: string;
  readonly target: Day;
  readonly amountE4: number;
  readonly requiresSignOff: boolean;
  /** Day the milestone was delivered (COMPLETE), or null. */
  actual: Day | null;
  /** Day it became billable (accepted, or completed when no sign-off is needed), or null. */
  approvedOn: Day | null;
}

/** A project with everything later steps derive rows from. */
export interface ProjectPlan {
  readonly index: number;
  readonly id: string;
  readonly code: string;
  readonly name: string;
  /** The service sold (names the contract and the opportunity). */
  readonly offering: string;
  readonly kind: ProjectKind;
  readonly le: number;
  /** Account index, or -1 for internal projects. */
  readonly account: number;
  status: string;
  billingMethod: BillingMethod | null;
  start: Day;
  end: Day;
  /** Day the project went ON_HOLD: no time from then on. */
  holdDay: Day | null;
  /** On hold for credit: no billing drafts from holdDay on. */
  creditHold: boolean;
  /** Staffing demand in full-time equivalents. */
  fte: number;
  rateCard: RateCardPlan | null;
  /** Project manager resource index, or -1 until staffed. */
  pm: number;
  contractId: string | null;
  contractLineId: string | null;
  budgetHoursE2: number;
  plannedRevenueE4: number;
  /** Total contract value (FF and milestone: the milestone sum; retainer: fee x months). */
  contractValueE4: number;
  retainerFeeE4: number;
  readonly milestones: MilestonePlan[];
  /** Assignment indices. */
  readonly assignments: number[];
}

/** A booking of a resource on a project, with its locked bill rate. */
export interface AssignmentPlan {
  readonly index: number;
  readonly id: string;
  readonly project: number;
  readonly resource: number;
  readonly role: number;
  readonly start: Day;
  readonly end: Day;
  /** Share of an 8-hour day. */
  readonly alloc: number;
  readonly status: string;
  readonly billRateE4: number | null;
  /** The resource's cost per hour and its currency (the home legal entity's), frozen on approved time. */
  readonly costE4: number;
  readonly costCurrency: string;
}

/** What every step can reach: the tier, the clock, the seeded streams and the rows built so far. */
export interface SeedContext {
  readonly profile: ScaleProfile;
  readonly rng: Rng;
  readonly cal: SeedCalendar;
  readonly data: Dataset;
  /** ISO text of a day number, cached: the hot loops write the same few hundred dates. */
  readonly iso: (day: Day) => string;
  /** The next canonical ID of a type; one counter per prefix for the whole dataset. */
  readonly nextId: (prefix: IdPrefix) => string;
}

/** Throws when a lookup misses (or a value is unset): a generator bug, never bad input. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`seed generator: missing ${what}`);
  return value;
}
