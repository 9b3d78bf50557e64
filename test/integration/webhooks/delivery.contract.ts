/**
 * Webhook delivery end to end on the in-process transport (docs/processes.md#webhooks): an event
 * reaches the `webhooks` consumer, the dispatcher POSTs it signed to a receiver on port 0 that
 * checks it with the exported verifier; a failing receiver gets retries on the backoff schedule,
 * then the delivery is dead-lettered, replayed after the fix and delivered once; the secret never
 * reaches the logs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../../../systems/kernel/events/envelope.ts';
import { WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../../../systems/integration/webhooks/signature.ts';
import { logSink } from '../../harness/logSink.ts';
import { openRig as openRigOn, type Rig, type RigOptions } from './fixture.ts';
import { startReceiver } from './receiver.ts';

const PARTNER = {
  sub: 'integrations@partner.example',
  client_id: 'partner-erp',
  scope: 'webhooks:manage crm:read psa:read erp:read',
  legal_entities: ['UK01'],
  partner_accounts: ['acc_00006'],
};

function invoiceReleased(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    eventId: randomUUID(),
    type: 'InvoiceReleased',
    source: 'erp',
    aggregateType: 'Invoice',
    aggregateId: 'inv_1',
    aggregateVersion: 1,
    occurredAt: '2026-11-20T08:59:00.000Z',
    correlationId: 'corr-1',
    causationId: null,
    traceparent: null,
    legalEntityId: 'le_UK01',
    payload: { invoiceId: 'inv_1', accountId: 'acc_00006', total: { amount: '6000.00', currency: 'GBP' } },
    ...overrides,
  };
}

/** The delivery suite on the store `makeStore` opens (default: SQLite); webhookDelivery.postgres.test.ts runs it on PostgreSQL. */
export function deliveryContract(name: string, makeStore?: () => Promise<TempStore>): void {
  let rig: Rig | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  const openRig = (options: RigOptions = {}) => openRigOn({ ...options, ...(makeStore ? { makeStore } : {}) });
  afterEach(async () => {
    await receiver?.close();
    await rig?.close();
    rig = undefined;
    receiver = undefined;
  });

  describe(`webhook delivery (${name})`, () => {
    it('POSTs {id, type, occurredAt, data} signed over "<timestamp>.<body>", verified by the exported verifier', async () => {
      rig = await openRig();
      let secret = '';
      receiver = await startReceiver(() => secret, rig.clock);
      const subscription = await rig.subscribe(PARTNER, receiver.url, ['InvoiceReleased']);
      secret = subscription.secret;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const event = invoiceReleased();

      expect(await rig.publish([event])).toBe(1);

      expect(receiver.received).toHaveLength(1);
      const [got] = receiver.received;
      expect(got!.verdict).toEqual({ ok: true, timestamp: Math.floor(Date.parse('2026-11-20T09:00:00.000Z') / 1000) });
      expect(JSON.parse(got!.body)).toEqual({
        id: event.eventId,
        type: 'InvoiceReleased',
        occurredAt: event.occurredAt,
        data: event.payload,
      });
      expect(got!.headers['content-type']).toBe('application/json');
      expect(got!.headers[WEBHOOK_TIMESTAMP_HEADER]).toBe('1795165200');
      expect(got!.headers[WEBHOOK_SIGNATURE_HEADER]).toMatch(/^v1=[0-9a-f]{64}$/);
      const page = await rig.reads().deliveries({ sub: PARTNER.sub, clientId: PARTNER.client_id }, {}, { first: 10, afterId: null });
      expect(page.total).toBe(1);
      expect(page.rows[0]).toMatchObject({
        id: got!.headers[WEBHOOK_ID_HEADER],
        status: 'DELIVERED',
        attempts: 1,
        last_status_code: 204,
        delivered_at: '2026-11-20T09:00:00.000Z',
        event_id: event.eventId,
      });
      // The same event again (at-least-once upstream) is not delivered twice.
      expect(await rig.publish([event])).toBe(0);
      expect(receiver.received).toHaveLength(1);
    });

    it('sends only the subscribed types, and nothing to a disabled subscription', async () => {
      rig = await openRig();
      let secret = '';
      receiver = await startReceiver(() => secret, rig.clock);
      const { subscription, secret: made } = await rig.subscribe(PARTNER, receiver.url, ['PaymentApplied']);
      secret = made;
      expect(await rig.publish([invoiceReleased()])).toBe(0);
      await rig.writes((writes) => writes.disable(subscription.id, { sub: PARTNER.sub, clientId: PARTNER.client_id }, rig!.clock()));
      expect(await rig.publish([invoiceReleased({ type: 'PaymentApplied' })])).toBe(0);
      expect(receiver.received).toEqual([]);
    });

    it('retries a failing receiver with backoff, dead-letters after the last attempt, and a replay after the fix delivers once', async () => {
      const sink = logSink();
      rig = await openRig({ logStream: sink.stream, retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 } });
      let secret = '';
      receiver = await startReceiver(() => secret, rig.clock);
      const { secret: made } = await rig.subscribe(PARTNER, receiver.url, ['InvoiceReleased']);
      secret = made;
      receiver.script.push(500, 503, 502);
      const owner = { sub: PARTNER.sub, clientId: PARTNER.client_id };

      expect(await rig.publish([invoiceReleased()])).toBe(1);
      let [delivery] = (await rig.reads().deliveries(owner, {}, { first: 10, afterId: null })).rows;
      // Full jitter fixed at 0.5: the first retry waits 0.5 * 1000 ms.
      expect(delivery).toMatchObject({
        status: 'PENDING',
        attempts: 1,
        last_status_code: 500,
        next_attempt_at: '2026-11-20T09:00:00.500Z',
        first_failed_at: '2026-11-20T09:00:00.000Z',
      });
      expect(delivery!.response_excerpt).toHaveLength(256);
      expect(await rig.dispatcher.drain()).toBe(0);
      rig.advance(500);
      expect(await rig.dispatcher.drain()).toBe(1);
      [delivery] = (await rig.reads().deliveries(owner, {}, { first: 10, afterId: null })).rows;
      // The second retry waits 0.5 * 2000 ms.
      expect(delivery).toMatchObject({
        status: 'PENDING',
        attempts: 2,
        last_status_code: 503,
        next_attempt_at: '2026-11-20T09:00:01.500Z',
      });
      rig.advance(1000);
      expect(await rig.dispatcher.drain()).toBe(1);
      [delivery] = (await rig.reads().deliveries(owner, {}, { first: 10, afterId: null })).rows;
      expect(delivery).toMatchObject({
        status: 'DEAD_LETTERED',
        attempts: 3,
        last_status_code: 502,
        last_error: 'the receiver answered HTTP 502',
        next_attempt_at: null,
        first_failed_at: '2026-11-20T09:00:00.000Z',
      });
      const dead = await rig.reads().deadLettersOf([delivery!.id]);
      expect(dead).toMatchObject([
        {
          status: 'OPEN',
          attempts: 3,
          error: 'the receiver answered HTTP 502',
          first_failed_at: '2026-11-20T09:00:00.000Z',
          last_failed_at: '2026-11-20T09:00:01.500Z',
        },
      ]);
      expect(await rig.metrics.render()).toContain('\ntessera_webhook_dead_letters 1\n');
      rig.advance(3_600_000);
      expect(await rig.dispatcher.drain()).toBe(0);

      // The receiver is fixed; the partner replays.
      const replayed = await rig.writes((writes) => writes.replay(delivery!.id, owner, PARTNER.sub, rig!.clock()));
      expect(replayed.changed).toBe(true);
      const again = await rig.writes((writes) => writes.replay(delivery!.id, owner, PARTNER.sub, rig!.clock()));
      expect(again.changed).toBe(false);
      expect(await rig.dispatcher.drain()).toBe(1);
      expect(await rig.dispatcher.drain()).toBe(0);
      const ids = receiver.received.map((request) => request.headers[WEBHOOK_ID_HEADER]);
      expect(ids).toEqual([delivery!.id, delivery!.id, delivery!.id, delivery!.id]);
      expect(receiver.received.filter((request) => request.verdict.ok)).toHaveLength(4);
      [delivery] = (await rig.reads().deliveries(owner, {}, { first: 10, afterId: null })).rows;
      expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 1, replay_count: 1, last_status_code: 204 });
      expect(await rig.reads().deadLettersOf([delivery!.id])).toMatchObject([
        { status: 'REPLAYED', replayed_by: PARTNER.sub, replayed_at: '2026-11-20T10:00:01.500Z' },
      ]);
      const metrics = await rig.metrics.render();
      expect(metrics).toContain('tessera_webhook_deliveries_total{outcome="failed"} 2');
      expect(metrics).toContain('tessera_webhook_deliveries_total{outcome="dead_lettered"} 1');
      expect(metrics).toContain('tessera_webhook_deliveries_total{outcome="delivered"} 1');
      expect(metrics).toContain('\ntessera_webhook_retries_total 2\n');
      expect(metrics).toContain('\ntessera_webhook_dead_letters 0\n');

      // The logs tell the story, and never hold the secret (nor its sealed form).
      const sealed = (await rig.db.selectFrom('webhook_subscriptions').select('secret_sealed').executeTakeFirstOrThrow()).secret_sealed;
      expect(sink.records.map((record) => record.msg)).toEqual([
        'webhook delivery failed; retrying',
        'webhook delivery failed; retrying',
        'webhook delivery dead-lettered',
        'webhook delivered',
      ]);
      for (const line of sink.raw) {
        expect(line).not.toContain(secret);
        expect(line).not.toContain(secret.slice(6));
        expect(line).not.toContain(sealed);
      }
    });

    it('in production, a target on this machine is refused before any request is made (a failed attempt)', async () => {
      rig = await openRig({ environment: 'production' });
      let secret = '';
      receiver = await startReceiver(() => secret, rig.clock);
      secret = (await rig.subscribe(PARTNER, receiver.url, ['InvoiceReleased'])).secret;
      expect(await rig.publish([invoiceReleased()])).toBe(1);
      const [delivery] = (await rig.reads().deliveries({ sub: PARTNER.sub, clientId: PARTNER.client_id }, {}, { first: 1, afterId: null }))
        .rows;
      expect(delivery).toMatchObject({
        status: 'PENDING',
        attempts: 1,
        last_status_code: null,
        last_error: "the subscription's URL is not allowed: webhook URLs must use https",
      });
      expect(receiver.received).toEqual([]);
    });

    it('a receiver that does not answer in time is a failed attempt (the timeout bounds it)', async () => {
      rig = await openRig({ timeoutMs: 200 });
      const { secret } = await rig.subscribe(PARTNER, 'http://127.0.0.1:9/never', ['InvoiceReleased']);
      expect(secret).toMatch(/^whsec_/);
      const hanging = await import('node:http').then(({ default: http }) => http.createServer(() => {}));
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      const port = (hanging.address() as { port: number }).port;
      await rig.db
        .updateTable('webhook_subscriptions')
        .set({ url: `http://127.0.0.1:${port}/slow` })
        .execute();
      try {
        expect(await rig.publish([invoiceReleased()])).toBe(1);
        const [delivery] = (
          await rig.reads().deliveries({ sub: PARTNER.sub, clientId: PARTNER.client_id }, {}, { first: 1, afterId: null })
        ).rows;
        expect(delivery).toMatchObject({
          status: 'PENDING',
          attempts: 1,
          last_status_code: null,
          last_error: 'no answer: no answer within 200 ms',
        });
      } finally {
        hanging.closeAllConnections();
        await new Promise<void>((resolve) => hanging.close(() => resolve()));
      }
    });
  });
}
