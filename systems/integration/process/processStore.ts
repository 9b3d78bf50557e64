/**
 * The saga engine's own writes (docs/processes.md#state): starting a process, recording an event in
 * it, claiming a due one with a lease, and writing a step's transition. Every update names the
 * version it read and increments it, so two executors never record the same step twice.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../../kernel/events/envelope.ts';
import type { EntityLink, SagaDefinition } from './definition.ts';
import type { ProcessInstanceRow, ProcessStepRow, ProcessTables } from './tables.ts';

export class LeaseLost extends Error {
  constructor(processId: string) {
    super(`process ${processId} changed under this executor: it no longer holds it`);
    this.name = 'LeaseLost';
  }
}

/** Opens the process `event` starts, unless its subject already has one; answers the process id, or null for a duplicate. */
export async function startProcess(
  trx: Kysely<ProcessTables>,
  definition: SagaDefinition,
  event: EventEnvelope,
  now: Date,
): Promise<string | null> {
  const subject = definition.subjectOf(event);
  const id = `prc_${randomUUID()}`;
  const at = now.toISOString();
  const traceId = event.traceparent?.split('-')[1] ?? randomUUID().replaceAll('-', '');
  const inserted = await trx
    .insertInto('process_instances')
    .values({
      id,
      kind: definition.kind,
      subject_type: subject.type,
      subject_id: subject.id,
      correlation_id: event.correlationId,
      trace_id: traceId,
      legal_entity_id: event.legalEntityId,
      account_id: subject.accountId,
      status: 'RUNNING',
      current_step: definition.steps[0]!.name,
      context_json: JSON.stringify({ subjectId: subject.id }),
      blocked_code: null,
      blocked_reason: null,
      blocked_owner: null,
      version: 1,
      next_run_at: at,
      lease_owner: null,
      lease_until: null,
      started_at: at,
      updated_at: at,
      finished_at: null,
    })
    .onConflict((conflict) => conflict.columns(['kind', 'subject_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) return null;
  await trx
    .insertInto('process_steps')
    .values(
      definition.steps.map((step, seq) => ({
        id: `${id}:${step.name}`,
        process_id: id,
        name: step.name,
        seq,
        status: 'PENDING',
        attempts: 0,
        idempotency_key: null,
        request_id: null,
        event_ids_json: JSON.stringify(seq === 0 ? [event.eventId] : []),
        error_code: null,
        error_message: null,
        sla_target_seconds: step.slaSeconds,
        started_at: null,
        finished_at: null,
        retry_at: null,
      })),
    )
    .execute();
  await addLinks(trx, id, [{ entityType: subject.type, entityId: subject.id }]);
  return id;
}

export async function addLinks(trx: Kysely<ProcessTables>, processId: string, links: readonly EntityLink[]): Promise<void> {
  if (links.length === 0) return;
  await trx
    .insertInto('process_links')
    .values(
      links.map((link) => ({
        id: `${processId}:${link.entityType}:${link.entityId}`,
        process_id: processId,
        entity_type: link.entityType,
        entity_id: link.entityId,
      })),
    )
    .onConflict((conflict) => conflict.columns(['entity_type', 'entity_id', 'process_id']).doNothing())
    .execute();
}

/** The processes of `kind` linked to `entityId`. */
export async function processesLinkedTo(db: Kysely<ProcessTables>, kind: string, entityId: string): Promise<ProcessInstanceRow[]> {
  return db
    .selectFrom('process_instances')
    .selectAll()
    .where('kind', '=', kind)
    .where('id', 'in', db.selectFrom('process_links').select('process_id').where('entity_id', '=', entityId))
    .execute();
}

/**
 * Records `event` in the process once (a duplicate changes nothing) and, when the process waits,
 * makes it due now: the executor looks again at what it waits for. Answers whether it was new.
 */
export async function recordEvent(
  trx: Kysely<ProcessTables>,
  process: ProcessInstanceRow,
  event: EventEnvelope,
  now: Date,
): Promise<boolean> {
  const inserted = await trx
    .insertInto('process_events')
    .values({
      id: `${process.id}:${event.eventId}`,
      process_id: process.id,
      event_id: event.eventId,
      type: event.type,
      aggregate_id: event.aggregateId,
      aggregate_version: event.aggregateVersion,
      occurred_at: event.occurredAt,
      received_at: now.toISOString(),
    })
    .onConflict((conflict) => conflict.columns(['process_id', 'event_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) return false;
  if (process.current_step !== null) {
    const step = await trx
      .selectFrom('process_steps')
      .select('event_ids_json')
      .where('id', '=', `${process.id}:${process.current_step}`)
      .executeTakeFirst();
    if (step) {
      const ids = [...(JSON.parse(step.event_ids_json) as string[]), event.eventId];
      await trx
        .updateTable('process_steps')
        .set({ event_ids_json: JSON.stringify(ids) })
        .where('id', '=', `${process.id}:${process.current_step}`)
        .execute();
    }
  }
  if (process.status === 'WAITING') {
    // Incremented without reading it: an executor looking at it loses its lease, and it is due again at once.
    await trx
      .updateTable('process_instances')
      .set((eb) => ({
        next_run_at: now.toISOString(),
        updated_at: now.toISOString(),
        lease_owner: null,
        lease_until: null,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', process.id)
      .where('status', '=', 'WAITING')
      .execute();
  }
  return true;
}

/** Claims one due process for `owner` until `now + leaseMs`; answers its row (version already incremented) or null. */
export async function claimDue(db: Kysely<ProcessTables>, owner: string, now: Date, leaseMs: number): Promise<ProcessInstanceRow | null> {
  const at = now.toISOString();
  const candidates = await db
    .selectFrom('process_instances')
    .selectAll()
    .where('status', 'in', ['RUNNING', 'WAITING', 'COMPENSATING'])
    .where('next_run_at', '<=', at)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
    .orderBy('next_run_at')
    .orderBy('id')
    .limit(10)
    .execute();
  for (const row of candidates) {
    const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
    const claimed = await db
      .updateTable('process_instances')
      .set({ lease_owner: owner, lease_until: leaseUntil, version: row.version + 1 })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) return { ...row, lease_owner: owner, lease_until: leaseUntil, version: row.version + 1 };
  }
  return null;
}

export async function stepsOf(db: Kysely<ProcessTables>, processId: string): Promise<Map<string, ProcessStepRow>> {
  const rows = await db.selectFrom('process_steps').selectAll().where('process_id', '=', processId).execute();
  return new Map(rows.map((row) => [row.name, row]));
}

/**
 * Writes a change of the process and of one step in one transaction, if the process is still at
 * `version` (else LeaseLost); answers the new version.
 */
export async function writeChange(
  db: Kysely<ProcessTables>,
  processId: string,
  version: number,
  process: Partial<Omit<ProcessInstanceRow, 'id' | 'version'>>,
  step: { readonly name: string; readonly values: Partial<Omit<ProcessStepRow, 'id' | 'process_id'>> } | null,
  links: readonly EntityLink[] = [],
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('process_instances')
      .set({ ...process, version: version + 1 })
      .where('id', '=', processId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new LeaseLost(processId);
    if (step) await trx.updateTable('process_steps').set(step.values).where('id', '=', `${processId}:${step.name}`).execute();
    await addLinks(trx, processId, links);
    return version + 1;
  });
}
