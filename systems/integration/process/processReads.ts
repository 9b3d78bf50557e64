/**
 * The saga engine's read port on SQL, bound to a record scope: a process is scoped by the legal
 * entity and the customer account of the record that started it (docs/model.md#record-policies),
 * and its steps, events and links are read only through a visible process.
 */
import type { Kysely } from 'kysely';
import type { RecordScope } from '../../../policies/recordScope.ts';
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import { inScope, keysetPage, noKeys } from '../../kernel/sqlPage.ts';
import { processEventOf, processLinkOf, processOf, stepOf } from './rows.ts';
import type { ProcessTables } from './tables.ts';
import type { ProcessEvent, ProcessInstance, ProcessLink, ProcessStatus, ProcessStep } from './types.ts';

export interface ProcessFilter {
  readonly kind?: readonly string[] | null;
  readonly status?: readonly ProcessStatus[] | null;
}

export interface ProcessReads {
  processesByIds(ids: readonly string[]): Promise<ProcessInstance[]>;
  processByCorrelationId(correlationId: string): Promise<ProcessInstance | null>;
  processesPage(filter: ProcessFilter, page: PageRequest): Promise<Page<ProcessInstance>>;
  /** The processes linked to each entity id (an opportunity, a project, an invoice), visible ones only. */
  linksByEntityIds(entityIds: readonly string[]): Promise<ProcessLink[]>;
  stepsByProcessIds(processIds: readonly string[]): Promise<ProcessStep[]>;
  eventsByProcessIds(processIds: readonly string[]): Promise<ProcessEvent[]>;
  linksByProcessIds(processIds: readonly string[]): Promise<ProcessLink[]>;
}

const SCOPED = { legalEntity: 'legal_entity_id', account: 'account_id' } as const;

export function createProcessReads(db: Kysely<ProcessTables>, scope: RecordScope): ProcessReads {
  const processes = () => inScope(db.selectFrom('process_instances'), scope, SCOPED);
  const visibleIds = () => processes().select('id');
  return {
    processesByIds: async (ids) => (noKeys(ids) ? [] : (await processes().selectAll().where('id', 'in', ids).execute()).map(processOf)),
    processByCorrelationId: async (correlationId) => {
      const row = await processes().selectAll().where('correlation_id', '=', correlationId).orderBy('id').executeTakeFirst();
      return row ? processOf(row) : null;
    },
    processesPage: async (filter, page) => {
      let query = processes();
      if (filter.kind?.length) query = query.where('kind', 'in', [...filter.kind]);
      if (filter.status?.length) query = query.where('status', 'in', [...filter.status]);
      const { rows, total } = await keysetPage(query, page);
      return { rows: rows.map(processOf), total };
    },
    linksByEntityIds: async (entityIds) =>
      noKeys(entityIds)
        ? []
        : (
            await db
              .selectFrom('process_links')
              .selectAll()
              .where('entity_id', 'in', entityIds)
              .where('process_id', 'in', visibleIds())
              .orderBy('id')
              .execute()
          ).map(processLinkOf),
    stepsByProcessIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await db
              .selectFrom('process_steps')
              .selectAll()
              .where('process_id', 'in', ids)
              .where('process_id', 'in', visibleIds())
              .orderBy('process_id')
              .orderBy('seq')
              .execute()
          ).map(stepOf),
    eventsByProcessIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await db
              .selectFrom('process_events')
              .selectAll()
              .where('process_id', 'in', ids)
              .where('process_id', 'in', visibleIds())
              .orderBy('received_at')
              .orderBy('id')
              .execute()
          ).map(processEventOf),
    linksByProcessIds: async (ids) =>
      noKeys(ids)
        ? []
        : (
            await db
              .selectFrom('process_links')
              .selectAll()
              .where('process_id', 'in', ids)
              .where('process_id', 'in', visibleIds())
              .orderBy('id')
              .execute()
          ).map(processLinkOf),
  };
}
