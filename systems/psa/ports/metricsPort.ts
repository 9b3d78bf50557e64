/**
 * The PSA's metric reads (docs/metrics.md): aggregates computed where the rows are (one SQL
 * statement per call on the SQL adapter, whatever the number of keys), bound to the caller's
 * record scope like every read. Part of `PsaReadPort`.
 */
import type { MetricPeriod } from '../../kernel/metricPeriod.ts';

/** Approved hours (e2) by hour class. */
export interface HourClassTotals {
  readonly billableE2: number;
  readonly nonBillableE2: number;
  readonly creditedE2: number;
  readonly excludedE2: number;
}

export type UtilizationDimension = 'RESOURCE' | 'PRACTICE' | 'LEGAL_ENTITY' | 'MONTH';

/** One group of the utilization population: the grouped dimensions set, the others null. */
export interface UtilizationGroupKey {
  readonly resourceId: string | null;
  readonly practice: string | null;
  readonly legalEntityId: string | null;
}

export interface UtilizationHours extends UtilizationGroupKey, HourClassTotals {
  readonly month: string | null;
}

export interface UtilizationPopulation extends UtilizationGroupKey {
  readonly resources: number;
}

/** A standard rate (docs/metrics.md#realization): the bill rate of a role on a legal entity's standard card. */
export interface StandardRate {
  readonly legalEntityId: string;
  readonly roleId: string;
  readonly currency: string;
  readonly billRateE4: number;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
}

export type RealizationDimension = 'PROJECT' | 'LEGAL_ENTITY' | 'PORTFOLIO';

export interface RealizationTotals {
  readonly projectId: string | null;
  readonly legalEntityId: string | null;
  readonly currency: string;
  readonly billableHoursE2: number;
  /** CREDITED hours: in the standard value, never billed (docs/metrics.md#hour-classes). */
  readonly creditedHoursE2: number;
  readonly pricedHoursE2: number;
  /** e4: Σ hours × standard rate, rounded once to e4 (half away from zero). */
  readonly standardValueE4: number;
  readonly billableValueE4: number;
  readonly billedValueE4: number;
  /** Billed value of the priced entries only: the realization's numerator. */
  readonly pricedBilledValueE4: number;
}

export interface ProjectCostTotals {
  /** Σ hours × frozen cost rate (e4, per cost currency). */
  readonly costsE4: ReadonlyMap<string, number>;
  readonly costedHoursE2: number;
  readonly uncostedHoursE2: number;
}

export interface PsaMetricsReads {
  /**
   * Approved hours by hour class of the bookable, not terminated resources the scope sees (by home
   * legal entity), dated in the period, grouped by `groupBy`; a partner sees none.
   */
  utilizationHours(
    period: MetricPeriod,
    groupBy: readonly UtilizationDimension[],
    legalEntityId: string | null,
  ): Promise<UtilizationHours[]>;
  /** The same population counted per group (MONTH is not a dimension of it). */
  utilizationPopulation(groupBy: readonly UtilizationDimension[], legalEntityId: string | null): Promise<UtilizationPopulation[]>;
  /** Approved hours by class per resource (only resources the scope sees; absent without time). */
  resourceHourTotals(resourceIds: readonly string[], period: MetricPeriod): Promise<Map<string, HourClassTotals>>;
  /** Approved BILLABLE and CREDITED time dated in the period on visible projects, valued at the standard rates. */
  realizationTotals(
    period: MetricPeriod,
    groupBy: RealizationDimension,
    filter: { readonly legalEntityId: string | null; readonly currency: string | null },
    rates: readonly StandardRate[],
  ): Promise<RealizationTotals[]>;
  /** Direct cost to date per project (approved entries; projects without approved time absent). */
  projectCostTotals(projectIds: readonly string[]): Promise<Map<string, ProjectCostTotals>>;
}
