/** Writes the rows that accompany every capability call: audit entries and outbox events. */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Principal } from '../../../auth/principal.ts';
import type { AuditOutcome, CapabilityTables, IdempotencyRecordRow } from './tables.ts';
import type { CapabilityCall, DomainEventDraft } from './types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Financial keys are kept at least 400 days (a fiscal year plus close), others at least 24 hours. */
export function idempotencyExpiry(createdAt: Date, financial: boolean): Date {
  return new Date(createdAt.getTime() + (financial ? 400 * DAY_MS : DAY_MS));
}

/** The unique key of an idempotency record: principal, client ('' for none), capability, key. */
export interface IdempotencyKeyColumns {
  readonly principal_sub: string;
  readonly client_id: string;
  readonly capability: string;
  readonly idempotency_key: string;
}

export function idempotencyKeyColumns(principal: Principal, capability: string, idempotencyKey: string): IdempotencyKeyColumns {
  return { principal_sub: principal.sub, client_id: principal.clientId ?? '', capability, idempotency_key: idempotencyKey };
}

/** The idempotency record holding `key`, if any. */
export function findIdempotencyRecord(db: Kysely<CapabilityTables>, key: IdempotencyKeyColumns): Promise<IdempotencyRecordRow | undefined> {
  return db
    .selectFrom('idempotency_records')
    .selectAll()
    .where('principal_sub', '=', key.principal_sub)
    .where('client_id', '=', key.client_id)
    .where('capability', '=', key.capability)
    .where('idempotency_key', '=', key.idempotency_key)
    .executeTakeFirst();
}

export interface AuditEntry {
  readonly call: CapabilityCall;
  readonly inputsDigest: string;
  readonly occurredAt: Date;
  readonly outcome: AuditOutcome;
  readonly errorCode: string | null;
  readonly durationMs: number;
}

/**
 * An audit row id that sorts in time order (the audit query pages by id): the milliseconds since
 * the epoch, zero-padded, then 64 random bits for calls in the same millisecond.
 */
export function auditId(at: Date): string {
  return `aud_${String(at.getTime()).padStart(15, '0')}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** Appends one audit row. Audit rows are only ever inserted: nothing updates or deletes them. */
export async function appendAudit(db: Kysely<CapabilityTables>, entry: AuditEntry): Promise<void> {
  const { call } = entry;
  await db
    .insertInto('audit_log')
    .values({
      id: auditId(entry.occurredAt),
      occurred_at: entry.occurredAt.toISOString(),
      request_id: call.requestId,
      principal_sub: call.principal.sub,
      client_id: call.principal.clientId,
      capability: call.capability,
      version: call.version,
      idempotency_key: call.idempotencyKey,
      inputs_digest: entry.inputsDigest,
      outcome: entry.outcome,
      error_code: entry.errorCode,
      duration_ms: Math.max(0, Math.round(entry.durationMs)),
    })
    .execute();
}

/** Inserts the events an effect emitted, enveloped, in emission order. */
export async function insertOutboxEvents(
  db: Kysely<CapabilityTables>,
  events: readonly DomainEventDraft[],
  /** What the events are correlated with: a capability call, or a connector's poll (connectors/changeCapture.ts). */
  call: Pick<CapabilityCall, 'requestId' | 'correlationId' | 'traceparent'>,
  occurredAt: Date,
): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('outbox_events')
    .values(
      events.map((event) => ({
        event_id: randomUUID(),
        type: event.type,
        aggregate_type: event.aggregateType,
        aggregate_id: event.aggregateId,
        aggregate_version: event.aggregateVersion,
        occurred_at: occurredAt.toISOString(),
        correlation_id: call.correlationId ?? call.requestId,
        trace_parent: call.traceparent ?? null,
        causation_id: event.causationId ?? null,
        legal_entity_id: event.legalEntityId ?? null,
        payload_json: JSON.stringify(event.payload ?? null),
        published_at: null,
      })),
    )
    .execute();
}
