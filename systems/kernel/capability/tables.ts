/**
 * The tables every reference system carries for its capabilities (mutations): the idempotency
 * records, the append-only audit log and the transactional outbox. `defineReferenceSystem` adds
 * them as the system's second migration, so each system of record keeps its own, written in the
 * same local transaction as the effect they describe.
 */
import { column, type RowOf, type TablesOf } from '../tableSpec.ts';

export const capabilityTables = {
  /**
   * One row per (principal, client, capability, key); `client_id` is '' when the token names no
   * client, so the unique constraint holds (NULLs would never collide). `response_json` holds the
   * stored `CapabilityOutcome`; for a local system `status` is 'IN_PROGRESS' only inside the writing
   * transaction; for a remote one, while an attempt calls the vendor.
   */
  idempotency_records: {
    columns: {
      id: column.id,
      principal_sub: column.text,
      client_id: column.text,
      capability: column.text,
      idempotency_key: column.text,
      request_hash: column.text,
      status: column.text,
      response_json: column.text,
      created_at: column.text,
      expires_at: column.text,
      /**
       * Remote systems only (see adapter.ts): until when the attempt holding an IN_PROGRESS record
       * owns it. A retry after that (the attempt failed, or its process died) resumes the call.
       */
      lease_until: column.later(2, { type: 'text', nullable: true }),
      /** Remote systems only: how many attempts the call took. */
      attempts: column.later(2, { type: 'integer', default: 1 }),
    },
    unique: [['principal_sub', 'client_id', 'capability', 'idempotency_key']],
    indexes: [['expires_at']],
  },
  /** Append-only: nothing in Tessera updates or deletes these rows, and no API exposes a way to. */
  audit_log: {
    columns: {
      id: column.id,
      occurred_at: column.text,
      request_id: column.text,
      principal_sub: column.text,
      client_id: column.optionalText,
      capability: column.text,
      version: column.int,
      idempotency_key: column.text,
      inputs_digest: column.text,
      outcome: column.text,
      error_code: column.optionalText,
      duration_ms: column.int,
    },
    indexes: [['occurred_at'], ['request_id']],
  },
  /**
   * Domain events waiting for the relay; `published_at` is null until it has published them.
   * `correlation_id` is the request's correlation id (the process it belongs to).
   */
  outbox_events: {
    columns: {
      event_id: column.id,
      type: column.text,
      aggregate_type: column.text,
      aggregate_id: column.text,
      aggregate_version: column.int,
      occurred_at: column.text,
      correlation_id: column.text,
      causation_id: column.optionalText,
      legal_entity_id: column.optionalText,
      payload_json: column.text,
      published_at: column.optionalText,
      /** The W3C traceparent of the request that made the change (docs/events.md#trace-context); added by migration 3. */
      trace_parent: column.later(3, { type: 'text', nullable: true }),
    },
    indexes: [['published_at']],
  },
} as const;

export type CapabilityTables = TablesOf<typeof capabilityTables>;
export type IdempotencyRecordRow = RowOf<typeof capabilityTables.idempotency_records>;
export type AuditLogRow = RowOf<typeof capabilityTables.audit_log>;
export type OutboxEventRow = RowOf<typeof capabilityTables.outbox_events>;

export type IdempotencyStatus = 'IN_PROGRESS' | 'COMPLETED';
export type AuditOutcome = 'SUCCEEDED' | 'REJECTED' | 'REPLAYED' | 'FAILED';
