/**
 * The saga engine's durable state (docs/processes.md#state): one row per process instance, one per
 * step, the events a process has recorded, and the records it is linked to (opportunity, contract,
 * project, invoice), so `processStatus` and `Opportunity.process` find it. State is written per
 * step, so a process killed between or inside steps resumes from its last recorded state.
 */
import { column, type RowOf, type TablesOf } from '../../kernel/tableSpec.ts';

export const processTables = {
  process_instances: {
    columns: {
      id: column.id,
      /** The saga definition ('opportunityToProject', ...). */
      kind: column.text,
      /** The record that started it (the won opportunity): at most one process per kind and subject. */
      subject_type: column.text,
      subject_id: column.text,
      correlation_id: column.text,
      /** The W3C trace id every step's traceparent continues. */
      trace_id: column.text,
      legal_entity_id: column.optionalText,
      account_id: column.optionalText,
      /** RUNNING | WAITING | BLOCKED | COMPLETED | COMPENSATING | COMPENSATED | FAILED */
      status: column.text,
      current_step: column.optionalText,
      /** What the steps learned so far (contract id, project id, ...), as JSON. */
      context_json: column.text,
      blocked_code: column.optionalText,
      blocked_reason: column.optionalText,
      blocked_owner: column.optionalText,
      /** Optimistic concurrency: every state change increments it. */
      version: column.int,
      /** When an executor should look at it next (null: only an event or a retry moves it). */
      next_run_at: column.optionalText,
      /** The executor that holds the process and until when (a crashed executor's lease expires). */
      lease_owner: column.optionalText,
      lease_until: column.optionalText,
      started_at: column.text,
      updated_at: column.text,
      finished_at: column.optionalText,
    },
    unique: [['kind', 'subject_id']],
    indexes: [['correlation_id'], ['status', 'next_run_at']],
  },
  process_steps: {
    columns: {
      id: column.id,
      process_id: column.ref('process_instances'),
      name: column.text,
      /** Position in the saga's definition (compensations follow the steps). */
      seq: column.int,
      /** PENDING | RUNNING | WAITING | DONE | BLOCKED | FAILED | COMPENSATED | SKIPPED */
      status: column.text,
      attempts: column.int,
      /** The deterministic key of its capability call: `process:<processId>:<step>`. */
      idempotency_key: column.optionalText,
      /** The request id of its last capability call. */
      request_id: column.optionalText,
      /** The events that moved it (a waiting step's arriving event), as a JSON array of ids. */
      event_ids_json: column.text,
      error_code: column.optionalText,
      error_message: column.optionalText,
      /** The business SLA of the hand-off (docs/processes.md#sla), in seconds. */
      sla_target_seconds: column.optionalInt,
      started_at: column.optionalText,
      finished_at: column.optionalText,
      /** When the step may be attempted again after a transient failure. */
      retry_at: column.optionalText,
    },
    unique: [['process_id', 'name']],
    indexes: [['process_id']],
  },
  /** Every event a process recorded (the saga consumer's writes): once per process and event id. */
  process_events: {
    columns: {
      id: column.id,
      process_id: column.ref('process_instances'),
      event_id: column.text,
      type: column.text,
      aggregate_id: column.text,
      aggregate_version: column.int,
      occurred_at: column.text,
      received_at: column.text,
    },
    unique: [['process_id', 'event_id']],
    indexes: [['process_id', 'type']],
  },
  /** The records a process touches, by type and id: how `Project.process` and events find it. */
  process_links: {
    columns: {
      id: column.id,
      process_id: column.ref('process_instances'),
      entity_type: column.text,
      entity_id: column.text,
    },
    unique: [['entity_type', 'entity_id', 'process_id']],
    indexes: [['entity_id']],
  },
} as const;

export type ProcessTables = TablesOf<typeof processTables>;
export type ProcessInstanceRow = RowOf<typeof processTables.process_instances>;
export type ProcessStepRow = RowOf<typeof processTables.process_steps>;
export type ProcessEventRow = RowOf<typeof processTables.process_events>;
export type ProcessLinkRow = RowOf<typeof processTables.process_links>;
