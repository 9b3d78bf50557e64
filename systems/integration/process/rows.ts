/** The saga engine's rows and its records, one into the other, in one place. */
import type { ProcessEventRow, ProcessInstanceRow, ProcessLinkRow, ProcessStepRow } from './tables.ts';
import type { ProcessEvent, ProcessInstance, ProcessLink, ProcessStatus, ProcessStep, StepStatus } from './types.ts';

export function processOf(row: ProcessInstanceRow): ProcessInstance {
  return {
    id: row.id,
    kind: row.kind,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    correlationId: row.correlation_id,
    traceId: row.trace_id,
    legalEntityId: row.legal_entity_id,
    accountId: row.account_id,
    status: row.status as ProcessStatus,
    currentStep: row.current_step,
    context: JSON.parse(row.context_json) as Record<string, unknown>,
    blocked:
      row.blocked_code === null ? null : { code: row.blocked_code, reason: row.blocked_reason ?? '', owner: row.blocked_owner ?? '' },
    version: row.version,
    nextRunAt: row.next_run_at,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export function stepOf(row: ProcessStepRow): ProcessStep {
  return {
    id: row.id,
    processId: row.process_id,
    name: row.name,
    seq: row.seq,
    status: row.status as StepStatus,
    attempts: row.attempts,
    idempotencyKey: row.idempotency_key,
    requestId: row.request_id,
    eventIds: JSON.parse(row.event_ids_json) as string[],
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    slaTargetSeconds: row.sla_target_seconds,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    retryAt: row.retry_at,
  };
}

export function processEventOf(row: ProcessEventRow): ProcessEvent {
  return {
    processId: row.process_id,
    eventId: row.event_id,
    type: row.type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
  };
}

export function processLinkOf(row: ProcessLinkRow): ProcessLink {
  return { processId: row.process_id, entityType: row.entity_type, entityId: row.entity_id };
}
