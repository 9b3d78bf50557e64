/**
 * What a saga definition says (docs/processes.md#sagas): the event that starts it, the events that
 * move it, and its steps in order. A `call` step calls one capability of the owning system (through
 * the `StepContext`'s client, with the step's deterministic idempotency key); a `wait` step waits
 * for a human step in another system, checked against that system's state whenever an event it
 * cares about arrives. Steps return what happened; the engine (executor.ts) records it.
 */
import type { EventEnvelope } from '../../kernel/events/envelope.ts';
import type { CapabilityClient } from './capabilityClient.ts';

export type StepOutcome =
  /** Done: `context` is merged into the process context; `links` name the records it created. */
  | { readonly kind: 'done'; readonly context?: Readonly<Record<string, unknown>>; readonly links?: readonly EntityLink[] }
  /** A business rule refused it: the process waits in BLOCKED until `retryProcess` after the owner fixed the cause. */
  | { readonly kind: 'blocked'; readonly code: string; readonly reason: string; readonly owner: string }
  /** It may succeed later (the system is down, timed out, 5xx): retried with backoff. */
  | { readonly kind: 'transient'; readonly code: string; readonly message: string }
  /** It can never succeed as it is (a bug, a forbidden call): the process fails (and compensates). */
  | { readonly kind: 'failed'; readonly code: string; readonly message: string };

export interface EntityLink {
  readonly entityType: string;
  readonly entityId: string;
}

export interface StepContext {
  readonly processId: string;
  readonly context: Readonly<Record<string, unknown>>;
  /** Calls capabilities and reads as `system:integration`, with this step's key, the process's correlation id and trace. */
  readonly client: CapabilityClient;
  /** The step's idempotency key, `process:<processId>:<step>`; a call that makes several writes suffixes it. */
  readonly idempotencyKey: string;
}

export interface CallStep {
  readonly kind: 'call';
  readonly name: string;
  /** The owner of the hand-off and who fixes it when it is BLOCKED by default. */
  readonly owner: string;
  readonly slaSeconds: number;
  run(step: StepContext): Promise<StepOutcome>;
  /** Undoes the step semantically (cancel, hold, credit: never a delete) when a later step fails for good. */
  compensate?(step: StepContext): Promise<StepOutcome>;
}

export interface WaitStep {
  readonly kind: 'wait';
  readonly name: string;
  readonly owner: string;
  readonly slaSeconds: number;
  /** Whether what the step waits for happened (reads the owning system's state). */
  satisfied(step: StepContext): Promise<StepOutcome | 'waiting'>;
}

export type StepDefinition = CallStep | WaitStep;

export interface SagaDefinition {
  /** Stored in `process_instances.kind`. */
  readonly kind: string;
  /** The event type that starts a process (one per subject). */
  readonly startsOn: string;
  /** The event types that move a started process (found through its links). */
  readonly movedBy: readonly string[];
  /** The subject and the scope attributes of the process a starting event opens. */
  subjectOf(event: EventEnvelope): { readonly type: string; readonly id: string; readonly accountId: string | null };
  readonly steps: readonly StepDefinition[];
}
