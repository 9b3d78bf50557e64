/** The values a capability (a mutation of a system of record) takes and gives back. */
import type { Principal } from '../../../auth/principal.ts';
import type { RecordScope } from '../../../policies/recordScope.ts';

/**
 * What a capability answers. A business-rule failure is a value, not an exception: it is stored
 * under the idempotency key and replayed like a success, but none of the effect's rows survive it.
 * `Result` must survive a JSON round trip: callers always get the stored (parsed) form.
 */
export type CapabilityOutcome<Result> =
  { readonly ok: true; readonly value: Result } | { readonly ok: false; readonly error: CapabilityRejection };

export interface CapabilityRejection {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

/** A domain event as the effect emits it; the runner adds id, time and correlation. */
export interface DomainEventDraft {
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly payload: unknown;
  readonly legalEntityId?: string | null;
  readonly causationId?: string | null;
}

export interface CapabilityCall {
  /** e.g. 'erp.postInvoice'. */
  readonly capability: string;
  readonly version: number;
  /** Financial capabilities keep their idempotency records at least 400 days, others at least 24 hours. */
  readonly financial: boolean;
  readonly idempotencyKey: string;
  readonly principal: Principal;
  readonly requestId: string;
  /** The process the call belongs to, written to the outbox with its events. @default requestId */
  readonly correlationId?: string;
  /** The W3C traceparent of the request that made the call, written to the outbox (docs/events.md#trace-context). */
  readonly traceparent?: string | null;
  readonly input: unknown;
  /** The clock for record, event and expiry times (tests inject one). */
  readonly now?: () => Date;
  /**
   * PostgreSQL only: how long to wait for a concurrent call holding the same key before answering
   * IDEMPOTENCY_IN_PROGRESS (default 5 s). SQLite waits for the connection's busy_timeout instead.
   */
  readonly inFlightWaitMs?: number;
  /** What the effect's ports may read. @default the principal's record scope */
  readonly scope?: RecordScope;
  /**
   * Remote systems only: how long an attempt owns the call before a retry may resume it (an
   * attempt that fails releases it at once). @default 60 s
   */
  readonly leaseMs?: number;
}

export interface CapabilityResult<Result> {
  readonly result: CapabilityOutcome<Result>;
  /** True when `result` is the stored answer of an earlier call with the same key and request. */
  readonly replayed: boolean;
}
