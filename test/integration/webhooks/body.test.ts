/** What a partner receives of an event: the payload without the firm's people who acted. */
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../systems/kernel/events/envelope.ts';
import { webhookBody } from '../../../systems/integration/webhooks/consumer.ts';

const event = (payload: EventEnvelope['payload']): EventEnvelope => ({
  eventId: 'evt-1',
  type: 'ContractApproved',
  source: 'crm',
  aggregateType: 'Contract',
  aggregateId: 'con_1',
  aggregateVersion: 3,
  occurredAt: '2026-12-01T10:00:00.000Z',
  correlationId: 'corr-1',
  causationId: null,
  traceparent: null,
  legalEntityId: 'le_UK01',
  payload,
});

describe('webhook body', () => {
  it('is {id, type, occurredAt, data} with every actor field (…By) left out and the rest kept as is', () => {
    const body = webhookBody(
      event({
        contractId: 'con_1',
        status: 'APPROVED',
        approvedBy: 'dana.director@firm.example',
        submittedBy: 'sam@firm.example',
        bypass: 1,
      }),
    );
    expect(JSON.parse(body)).toEqual({
      id: 'evt-1',
      type: 'ContractApproved',
      occurredAt: '2026-12-01T10:00:00.000Z',
      data: { contractId: 'con_1', status: 'APPROVED', bypass: 1 },
    });
    expect(body).not.toContain('@firm.example');
  });

  it('sends an empty data object for an event without a payload', () => {
    expect(JSON.parse(webhookBody(event(null))).data).toEqual({});
  });
});
