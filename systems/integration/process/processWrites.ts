/**
 * The saga engine's operations as capabilities call them (docs/processes.md#retry): written in the
 * capability's transaction on the integration store, so the idempotency record, the change and its
 * audit entry commit together. The executor's own state changes are in processStore.ts.
 */
import type { Kysely } from 'kysely';
import type { RecordScope } from '../../../policies/recordScope.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import { createProcessReads } from './processReads.ts';
import type { ProcessTables } from './tables.ts';
import type { ProcessInstance } from './types.ts';

export interface ProcessWrites {
  /**
   * Resumes a BLOCKED or FAILED process at the step that stopped it: the step is PENDING again and
   * the process due now. A RUNNING or WAITING one is left as it is (`changed: false`); a finished
   * one is refused (INVALID_STATE_TRANSITION); one outside the scope is NOT_FOUND.
   */
  retry(processId: string, now: Date): Promise<{ readonly process: ProcessInstance; readonly changed: boolean }>;
}

export function createProcessWrites(trx: Kysely<ProcessTables>, scope: RecordScope): ProcessWrites {
  const reads = createProcessReads(trx, scope);
  return {
    async retry(processId, now) {
      const [process] = await reads.processesByIds([processId]);
      if (!process) throw rejected('NOT_FOUND', `Process ${JSON.stringify(processId)} was not found.`, 'processId');
      if (process.status === 'RUNNING' || process.status === 'WAITING') return { process, changed: false };
      if (process.status !== 'BLOCKED' && process.status !== 'FAILED') {
        throw rejected(
          'INVALID_STATE_TRANSITION',
          `Process ${processId} is ${process.status}: only a BLOCKED or FAILED one can be retried.`,
        );
      }
      const at = now.toISOString();
      // A refusal is stored under its key and replayed (docs/processes.md#retry): the steps it
      // blocked call under the next generation of their keys, counted in the context.
      const stopped = await trx
        .selectFrom('process_steps')
        .select('name')
        .where('process_id', '=', processId)
        .where('status', '=', 'BLOCKED')
        .execute();
      const row = await trx.selectFrom('process_instances').select('context_json').where('id', '=', processId).executeTakeFirstOrThrow();
      const context = JSON.parse(row.context_json) as { unblocked?: Record<string, number> };
      const unblocked = { ...context.unblocked };
      for (const { name } of stopped) unblocked[name] = (unblocked[name] ?? 0) + 1;
      await trx
        .updateTable('process_steps')
        .set({ status: 'PENDING', error_code: null, error_message: null, retry_at: null })
        .where('process_id', '=', processId)
        .where('status', 'in', ['BLOCKED', 'FAILED'])
        .execute();
      await trx
        .updateTable('process_instances')
        .set({
          status: 'RUNNING',
          context_json: JSON.stringify({ ...context, unblocked }),
          blocked_code: null,
          blocked_reason: null,
          blocked_owner: null,
          next_run_at: at,
          updated_at: at,
          version: process.version + 1,
        })
        .where('id', '=', processId)
        .where('version', '=', process.version)
        .execute();
      const [retried] = await reads.processesByIds([processId]);
      return { process: retried!, changed: true };
    },
  };
}
