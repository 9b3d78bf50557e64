/** The CRM's metric field (schema/crm/metrics.graphql): the weighted pipeline, per currency (docs/metrics.md#weighted-pipeline). */
import { money } from '../kernel/decimal.ts';
import { metricPeriod, type MetricPeriodInput } from '../kernel/metricPeriod.ts';
import type { CrmContext } from './context.ts';

interface PipelineArgs {
  readonly closing?: MetricPeriodInput | null;
  readonly legalEntityId?: string | null;
  readonly currency?: string | null;
  readonly byStage?: boolean | null;
}

export const crmMetricQueries = {
  weightedPipeline: async (_: unknown, args: PipelineArgs, ctx: CrmContext) => {
    const totals = await ctx.read.pipelineTotals({
      closing: args.closing ? metricPeriod(args.closing) : null,
      legalEntityId: args.legalEntityId ?? null,
      currency: args.currency ?? null,
      byStage: args.byStage ?? false,
    });
    return totals.map((t) => ({
      stage: t.stage,
      currency: t.currency,
      opportunityCount: t.opportunities,
      amount: money(t.amountE4, t.currency),
      // amount e4 × probability (percent) is e6: one rounding to e4, half up (amounts are not negative).
      weightedAmount: money(Number((t.weightedE6 + 50n) / 100n), t.currency),
    }));
  },
};
