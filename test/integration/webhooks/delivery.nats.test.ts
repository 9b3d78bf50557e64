/** The webhooks consumer behind the NATS JetStream transport: the same event, published twice, is delivered to the partner once. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { onNats } from '../../harness/onNats.ts';
import { openRig } from './fixture.ts';
import { startReceiver } from './receiver.ts';

onNats('webhook delivery', (url) => {
  describe('webhook delivery on NATS JetStream', () => {
    it('delivers a published event signed, once, however often it is published', async () => {
      const rig = await openRig({ natsUrl: url });
      let secret = '';
      const receiver = await startReceiver(() => secret, rig.clock);
      try {
        const claims = { sub: 'p@example', client_id: 'p-app', scope: 'webhooks:manage erp:read', legal_entities: '*' as const };
        secret = (await rig.subscribe(claims, receiver.url, ['InvoicePaid'])).secret;
        const event = {
          eventId: randomUUID(),
          type: 'InvoicePaid',
          source: 'erp',
          aggregateType: 'Invoice',
          aggregateId: 'inv_9',
          aggregateVersion: 3,
          occurredAt: '2026-11-20T08:00:00.000Z',
          correlationId: 'corr',
          causationId: null,
          traceparent: null,
          legalEntityId: 'le_US01',
          payload: { invoiceId: 'inv_9', amountPaid: { amount: '10.00', currency: 'USD' } },
        };
        await rig.publish([event]);
        await rig.publish([event]);
        expect(receiver.received.map((request) => [request.verdict.ok, JSON.parse(request.body).id])).toEqual([[true, event.eventId]]);
      } finally {
        await receiver.close();
        await rig.close();
      }
    }, 30_000);
  });
});
