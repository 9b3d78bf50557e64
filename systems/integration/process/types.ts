/** The saga engine's records as the integration system's ports speak them (docs/processes.md#state). */

export const PROCESS_STATUSES = ['RUNNING', 'WAITING', 'BLOCKED', 'COMPLETED', 'COMPENSATING', 'COMPENSATED', 'FAILED'] as const;
export type ProcessStatus = (typeof PROCESS_STATUSES)[number];

export const STEP_STATUSES = ['PENDING', 'RUNNING', 'WAITING', 'DONE', 'BLOCKED', 'FAILED', 'COMPENSATED', 'SKIPPED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** A process that has ended: nothing moves it any more except nothing. */
export const FINISHED: ReadonlySet<ProcessStatus> = new Set(['COMPLETED', 'COMPENSATED']);

export interface ProcessBlock {
  readonly code: string;
  readonly reason: string;
  readonly owner: string;
}

export interface ProcessInstance {
  readonly id: string;
  readonly kind: string;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly correlationId: string;
  readonly traceId: string;
  readonly legalEntityId: string | null;
  readonly accountId: string | null;
  readonly status: ProcessStatus;
  readonly currentStep: string | null;
  readonly context: Readonly<Record<string, unknown>>;
  readonly blocked: ProcessBlock | null;
  readonly version: number;
  readonly nextRunAt: string | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

export interface ProcessStep {
  readonly id: string;
  readonly processId: string;
  readonly name: string;
  readonly seq: number;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly idempotencyKey: string | null;
  readonly requestId: string | null;
  readonly eventIds: readonly string[];
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly slaTargetSeconds: number | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly retryAt: string | null;
}

export interface ProcessEvent {
  readonly processId: string;
  readonly eventId: string;
  readonly type: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly occurredAt: string;
  readonly receivedAt: string;
}

export interface ProcessLink {
  readonly processId: string;
  readonly entityType: string;
  readonly entityId: string;
}
