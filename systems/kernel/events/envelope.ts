/**
 * The envelope every domain event travels in, from a system's outbox through the relay and a
 * transport to its consumers (docs/events.md#envelope). It carries what connects one trace from
 * the gateway request through events and saga steps: the correlation id (the process the event
 * belongs to), the causation id (the event or request that caused it) and the W3C `traceparent`.
 */
import type { SubgraphName } from '../subgraphName.ts';

export interface EventEnvelope {
  /** Unique per event (a UUID): consumers are idempotent by it. */
  readonly eventId: string;
  /** e.g. 'OpportunityWon', 'ContractSigned', 'InvoiceReleased'. */
  readonly type: string;
  /** The system whose outbox the event was written to (its system of record). */
  readonly source: SubgraphName;
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** The aggregate's version after the change: consumers order and deduplicate by it. */
  readonly aggregateVersion: number;
  /** ISO instant of the change. */
  readonly occurredAt: string;
  /** The process (opportunity to cash) the change belongs to: the request's correlation id. */
  readonly correlationId: string;
  /** The event or request that caused this one, when known. */
  readonly causationId: string | null;
  /** W3C trace context of the request that made the change (`00-<trace>-<span>-<flags>`), when known. */
  readonly traceparent: string | null;
  readonly legalEntityId: string | null;
  readonly payload: Readonly<Record<string, unknown>> | null;
}
