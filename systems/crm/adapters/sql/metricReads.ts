/** The CRM's metric reads on SQL (docs/metrics.md#weighted-pipeline): one `GROUP BY` statement. */
import { sql, type Kysely } from 'kysely';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { inScope } from '../../../kernel/sqlPage.ts';
import { CLOSED_STAGES, type CrmMetricsReads } from '../../ports/metricsPort.ts';
import type { CrmTables } from './tables.ts';

const DEAL = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;

export function createSqlCrmMetricReads(db: Kysely<CrmTables>, scope: RecordScope): CrmMetricsReads {
  return {
    pipelineTotals: async (filter) => {
      const rows = await inScope(db.selectFrom('opportunities'), scope, DEAL)
        .select([
          (filter.byStage ? sql<string | null>`stage` : sql<string | null>`null`).as('stage'),
          'currency',
          sql<number>`count(*)`.as('opportunities'),
          sql<number>`sum(amount_e4)`.as('amount'),
          sql<number>`sum(amount_e4 * probability)`.as('weighted'),
        ])
        .where('stage', 'not in', CLOSED_STAGES)
        .$if(filter.closing !== null, (q) =>
          q.where('close_date', '>=', filter.closing?.from ?? '').where('close_date', '<=', filter.closing?.to ?? ''),
        )
        .$if(filter.legalEntityId !== null, (q) => q.where('legal_entity_id', '=', filter.legalEntityId ?? ''))
        .$if(filter.currency !== null, (q) => q.where('currency', '=', filter.currency ?? ''))
        .groupBy('currency')
        .$if(filter.byStage, (q) => q.groupBy('stage'))
        .orderBy('currency')
        .$if(filter.byStage, (q) => q.orderBy('stage'))
        .execute();
      return rows.map((row) => ({
        stage: row.stage,
        currency: row.currency,
        opportunities: Number(row.opportunities),
        amountE4: Number(row.amount),
        weightedE6: BigInt(String(row.weighted ?? 0)),
      }));
    },
  };
}
