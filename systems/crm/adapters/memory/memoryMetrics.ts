/** The CRM's metric reads over the in-memory vendor: the same sums as sql/metricReads.ts (docs/metrics.md#weighted-pipeline). */
import { CLOSED_STAGES, type CrmMetricsReads, type PipelineTotals } from '../../ports/metricsPort.ts';
import type { Opportunity } from '../../ports/types.ts';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function createMemoryCrmMetricReads(opportunities: () => Promise<Opportunity[]>): CrmMetricsReads {
  return {
    pipelineTotals: async (filter) => {
      const groups = new Map<string, PipelineTotals>();
      for (const o of await opportunities()) {
        if (CLOSED_STAGES.includes(o.stage)) continue;
        if (filter.closing && (o.closeDate < filter.closing.from || o.closeDate > filter.closing.to)) continue;
        if (
          (filter.legalEntityId && o.legalEntityId !== filter.legalEntityId) ||
          (filter.currency && o.amount.currency !== filter.currency)
        )
          continue;
        const stage = filter.byStage ? o.stage : null;
        const key = `${o.amount.currency}|${stage ?? ''}`;
        const g = groups.get(key) ?? { stage, currency: o.amount.currency, opportunities: 0, amountE4: 0, weightedE6: 0n };
        groups.set(key, {
          ...g,
          opportunities: g.opportunities + 1,
          amountE4: g.amountE4 + o.amount.amountE4,
          weightedE6: g.weightedE6 + BigInt(o.amount.amountE4) * BigInt(o.probability),
        });
      }
      return [...groups.values()].sort((a, b) => cmp(a.currency, b.currency) || cmp(a.stage ?? '', b.stage ?? ''));
    },
  };
}
