/**
 * An envelope on the wire (docs/events.md#nats-transport): the JSON of the envelope as the body,
 * and headers for what NATS and operators read without parsing it: `Nats-Msg-Id` (publish
 * deduplication), the correlation id and the W3C `traceparent`.
 */
import { headers as natsHeaders, type MsgHdrs } from 'nats';
import type { EventEnvelope } from '../envelope.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const CORRELATION_HEADER = 'Tessera-Correlation-Id';
export const TRACEPARENT_HEADER = 'traceparent';

export function encodeEnvelope(event: EventEnvelope): Uint8Array {
  return encoder.encode(JSON.stringify(event));
}

/** Headers of a message carrying `event`; `msgId` is what the stream deduplicates it by. */
export function envelopeHeaders(event: EventEnvelope, msgId: string): MsgHdrs {
  const headers = natsHeaders();
  headers.set('Nats-Msg-Id', msgId);
  headers.set(CORRELATION_HEADER, event.correlationId);
  if (event.traceparent) headers.set(TRACEPARENT_HEADER, event.traceparent);
  return headers;
}

const STRING_FIELDS = ['eventId', 'type', 'source', 'aggregateType', 'aggregateId', 'occurredAt', 'correlationId'] as const;
const NULLABLE_STRING_FIELDS = ['causationId', 'traceparent', 'legalEntityId'] as const;

/** The envelope in a message body; throws when the body is not one (a message nobody of ours wrote). */
export function decodeEnvelope(data: Uint8Array): EventEnvelope {
  const value: unknown = JSON.parse(decoder.decode(data));
  if (typeof value !== 'object' || value === null) throw new TypeError('event message body is not an object');
  const record = value as Record<string, unknown>;
  for (const field of STRING_FIELDS) {
    if (typeof record[field] !== 'string') throw new TypeError(`event message has no string ${field}`);
  }
  for (const field of NULLABLE_STRING_FIELDS) {
    if (record[field] !== null && typeof record[field] !== 'string') throw new TypeError(`event message ${field} is not a string or null`);
  }
  if (!Number.isSafeInteger(record.aggregateVersion)) throw new TypeError('event message has no integer aggregateVersion');
  if (record.payload !== null && (typeof record.payload !== 'object' || Array.isArray(record.payload))) {
    throw new TypeError('event message payload is not an object or null');
  }
  return value as EventEnvelope;
}
