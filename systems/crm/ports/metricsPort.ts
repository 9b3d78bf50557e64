/**
 * The CRM's metric reads (docs/metrics.md#weighted-pipeline): open opportunities summed per currency
 * (and stage) in one SQL statement, within the caller's record scope. Part of `CrmReadPort`.
 */
import type { MetricPeriod } from '../../kernel/metricPeriod.ts';

/** Stages of opportunities no longer in the pipeline (docs/state-machines.md#opportunity). */
export const CLOSED_STAGES: readonly string[] = ['CLOSED_WON', 'CLOSED_LOST'];

export interface PipelineTotals {
  /** Null unless grouped by stage. */
  readonly stage: string | null;
  readonly currency: string;
  readonly opportunities: number;
  readonly amountE4: number;
  /** Σ amount × probability, e6 (one rounding to e4 left to the caller). */
  readonly weightedE6: bigint;
}

export interface CrmMetricsReads {
  /** Open opportunities (closing in the period, if given) per currency, and per stage when asked. */
  pipelineTotals(filter: {
    readonly closing: MetricPeriod | null;
    readonly legalEntityId: string | null;
    readonly currency: string | null;
    readonly byStage: boolean;
  }): Promise<PipelineTotals[]>;
}
