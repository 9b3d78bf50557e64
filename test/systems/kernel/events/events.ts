/** Envelopes for the event tests. */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../../../../systems/kernel/events/envelope.ts';

/** A fresh envelope (a new event id) of `type` about `aggregateId` at `version`. */
export function envelope(type: string, aggregateId: string, version: number, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    eventId: randomUUID(),
    type,
    source: 'crm',
    aggregateType: 'Opportunity',
    aggregateId,
    aggregateVersion: version,
    occurredAt: '2025-01-01T00:00:00.000Z',
    correlationId: 'corr-1',
    causationId: null,
    traceparent: null,
    legalEntityId: null,
    payload: { version },
    ...overrides,
  };
}
