/** The NATS transport's names, filters and wire format, without a server (docs/events.md#nats-transport). */
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, envelopeHeaders } from '../../../../systems/kernel/events/nats/codec.ts';
import { durableName, natsNames } from '../../../../systems/kernel/events/nats/names.ts';
import { supportsMultipleFilters, wants } from '../../../../systems/kernel/events/nats/setup.ts';
import type { EventConsumer } from '../../../../systems/kernel/events/transport.ts';
import { envelope } from './events.ts';

const consumer = (name: string, types: EventConsumer['types']): EventConsumer => ({ name, types, handle: async () => {} });

describe('NATS names', () => {
  it('derives the stream, subjects and filters from the prefix', () => {
    const names = natsNames('acme-prod');
    expect([names.stream, names.streamSubjects, names.allEvents]).toEqual([
      'ACME_PROD_EVENTS',
      ['acme-prod.events.>', 'acme-prod.replay.>'],
      'acme-prod.events.>',
    ]);
    expect(names.eventSubject('crm', 'OpportunityWon')).toBe('acme-prod.events.crm.OpportunityWon');
    expect(names.typeFilter('ContractSigned')).toBe('acme-prod.events.*.ContractSigned');
    expect(names.replaySubject('sagas')).toBe('acme-prod.replay.sagas');
  });

  it('refuses a prefix, source or type that would not be one subject token', () => {
    for (const prefix of ['', '1abc', 'a.b', 'a*', 'a b', 'x'.repeat(33)]) expect(() => natsNames(prefix)).toThrow(TypeError);
    const names = natsNames('t');
    expect(() => names.eventSubject('crm', 'Opportunity.Won')).toThrow('event type "Opportunity.Won" cannot be a NATS subject token');
    expect(() => names.eventSubject('c>', 'X')).toThrow('event source "c>" cannot be a NATS subject token');
    expect(() => names.typeFilter('*')).toThrow(TypeError);
  });

  it('keeps a token-safe consumer name as its durable, and gives any other a distinct sanitized one', () => {
    expect(durableName('webhooks-out_1')).toBe('webhooks-out_1');
    const a = durableName('saga:opportunity.toProject');
    const b = durableName('saga_opportunity_toProject');
    const c = durableName('saga:opportunity:toProject');
    expect(a).toMatch(/^saga_opportunity_toProject-[0-9a-f]{8}$/);
    expect(new Set([a, b, c]).size).toBe(3);
    expect(durableName('saga:opportunity.toProject')).toBe(a);
    expect(() => durableName('')).toThrow('an event consumer needs a name');
  });

  it('a consumer wants its types from any source, or everything, and only its own replays', () => {
    const names = natsNames('t');
    const sagas = consumer('sagas', ['OpportunityWon']);
    const audit = consumer('audit', 'all');
    const cases = [
      't.events.crm.OpportunityWon',
      't.events.erp.InvoiceReleased',
      't.replay.sagas',
      't.replay.audit',
      'u.events.crm.OpportunityWon',
    ];
    expect(cases.map((subject) => [wants(names, sagas, subject), wants(names, audit, subject)])).toEqual([
      [true, true],
      [false, true],
      [true, false],
      [false, true],
      [false, false],
    ]);
  });

  it('filters by several subjects on the server from NATS 2.10', () => {
    expect(['2.9.10', '2.10.0', '2.11.3', '3.0.0', '1.99.0', undefined].map(supportsMultipleFilters)).toEqual([
      false,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('NATS wire format', () => {
  it('round-trips an envelope and carries its id, correlation id and traceparent in headers', () => {
    const event = envelope('OpportunityWon', 'opp-1', 3, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      causationId: 'req-1',
    });
    expect(decodeEnvelope(encodeEnvelope(event))).toEqual(event);
    const headers = envelopeHeaders(event, `replay:r1`);
    expect([headers.get('Nats-Msg-Id'), headers.get('Tessera-Correlation-Id'), headers.get('traceparent')]).toEqual([
      'replay:r1',
      'corr-1',
      event.traceparent,
    ]);
    expect(envelopeHeaders(envelope('X', 'a', 1), 'id').has('traceparent')).toBe(false);
  });

  it('refuses a body that is not an envelope', () => {
    const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const event = envelope('OpportunityWon', 'opp-1', 1);
    expect(() => decodeEnvelope(new TextEncoder().encode('not json'))).toThrow(SyntaxError);
    expect(() => decodeEnvelope(bytes([1]))).toThrow('event message has no string eventId');
    expect(() => decodeEnvelope(bytes({ ...event, aggregateVersion: '1' }))).toThrow('no integer aggregateVersion');
    expect(() => decodeEnvelope(bytes({ ...event, causationId: 7 }))).toThrow('causationId is not a string or null');
    expect(() => decodeEnvelope(bytes({ ...event, payload: [1] }))).toThrow('payload is not an object or null');
  });
});
