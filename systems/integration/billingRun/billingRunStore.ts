/**
 * The billing run's part of the integration ports (docs/processes.md#billing-run): reads within
 * the caller's record scope (a run is the legal entity's: an operator of UK01 sees UK01's runs),
 * and the one write of `startBillingRun`, inside its capability's transaction.
 */
import type { Kysely } from 'kysely';
import { seesLegalEntity, type RecordScope } from '../../../policies/recordScope.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import { inScope } from '../../kernel/sqlPage.ts';
import { insertRun, runningRun, type NewRun } from './runStore.ts';
import type { BillingRunProjectRow, BillingRunRow, BillingRunTables } from './tables.ts';

export interface BillingRunReads {
  runsByIds(ids: readonly string[]): Promise<BillingRunRow[]>;
  runs(filter: { legalEntityId?: string | null; status?: string | null }, limit: number): Promise<BillingRunRow[]>;
  projectsByRunIds(runIds: readonly string[]): Promise<BillingRunProjectRow[]>;
}

export interface BillingRunWrites {
  /** A new RUNNING run; refused with BILLING_RUN_IN_PROGRESS while one of the same legal entity and cut-off runs. */
  start(run: NewRun, now: Date): Promise<BillingRunRow>;
}

const SCOPED = { legalEntity: 'legal_entity_id' } as const;

export function createBillingRunReads(db: Kysely<BillingRunTables>, scope: RecordScope): BillingRunReads {
  const runs = () => inScope(db.selectFrom('billing_runs'), scope, SCOPED);
  return {
    runsByIds: (ids) => (ids.length === 0 ? Promise.resolve([]) : runs().selectAll().where('id', 'in', ids).execute()),
    runs: (filter, limit) => {
      let query = runs().selectAll();
      if (filter.legalEntityId) query = query.where('legal_entity_id', '=', filter.legalEntityId);
      if (filter.status) query = query.where('status', '=', filter.status);
      return query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },
    projectsByRunIds: (runIds) =>
      runIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('billing_run_projects')
            .selectAll()
            .where('run_id', 'in', runs().select('id').where('id', 'in', runIds))
            .orderBy('run_id')
            .orderBy('project_id')
            .execute(),
  };
}

export function createBillingRunWrites(trx: Kysely<BillingRunTables>, scope: RecordScope): BillingRunWrites {
  return {
    async start(run, now) {
      if (!seesLegalEntity(scope, run.legalEntityId))
        throw rejected('NOT_FOUND', `Legal entity ${run.legalEntityId} does not exist.`, 'legalEntityId');
      const running = await runningRun(trx, run.legalEntityId, run.cutoffDate);
      if (running) {
        throw rejected(
          'BILLING_RUN_IN_PROGRESS',
          `Billing run ${running.id} of ${run.legalEntityId} for the cut-off ${run.cutoffDate} is still running (${running.phase}).`,
          'cutoff',
        );
      }
      return insertRun(trx, run, now);
    },
  };
}
