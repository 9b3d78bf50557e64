/**
 * The webhook dead-letter queue through the graph (docs/processes.md#webhooks): a receiver that
 * keeps failing gets every allowed attempt (jitter 0: the retries are due at once), the delivery
 * is listed under `status: [DEAD_LETTERED]` with its dead letter, and after the fix
 * `replayWebhookDelivery` sends it again: delivered once, with the same delivery id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { call, newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { startReceiver } from './receiver.ts';

const PARTNER: PrincipalClaims = {
  sub: 'ops@partner.example',
  client_id: 'partner-ops',
  scope: 'webhooks:manage crm:read',
  legal_entities: ['UK01'],
  partner_accounts: ['acc_00006'],
};

const DEAD = `{ webhookDeliveries(filter: {status: [DEAD_LETTERED]}) { totalCount nodes { id eventType status attempts lastStatusCode
  lastError responseExcerpt replayCount deadLetters { attempts error status } } } }`;

let tessera: TestTessera;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's', processEngine: { random: () => 0 } });
});
afterAll(async () => {
  await receiver?.close();
  await tessera?.stop();
});

describe('the webhook dead-letter queue through the graph', () => {
  it('dead-letters after the last attempt, lists it, and a replay after the fix delivers it once', async () => {
    let secret = '';
    receiver = await startReceiver(
      () => secret,
      () => new Date(),
    );
    const subscribed = await call<{ signingSecret: string }>(
      tessera,
      `mutation ($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { signingSecret } }`,
      { idempotencyKey: newKey(), url: receiver.url, eventTypes: ['OpportunityCreated'] },
      { claims: PARTNER },
    );
    secret = subscribed.payload!.signingSecret;
    receiver.script.push(...Array.from({ length: 8 }, () => 503));
    await call(tessera, `mutation ($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } } }`, {
      idempotencyKey: newKey(),
      accountId: 'acc_00006',
      name: 'Replay discovery',
      legalEntityId: 'le_UK01',
      currency: 'GBP',
      closeDate: '2026-11-30',
      lines: [
        {
          serviceOffering: 'Discovery',
          billingMethod: 'TIME_AND_MATERIALS',
          amount: '1000.00',
          estimatedHours: '8',
          startDate: '2026-11-16',
          endDate: '2026-11-20',
        },
      ],
    });
    await tessera.tessera.drain();

    expect(receiver.received.map((request) => request.verdict.ok)).toEqual(Array.from({ length: 8 }, () => true));
    const token = await tessera.token(PARTNER);
    const dead = (await tessera.query(DEAD, {}, token)) as {
      data: { webhookDeliveries: { totalCount: number; nodes: { id: string; responseExcerpt: string }[] } };
    };
    const [delivery] = dead.data.webhookDeliveries.nodes;
    expect(dead.data.webhookDeliveries.totalCount).toBe(1);
    expect(delivery).toEqual({
      id: receiver.received[0]!.headers['tessera-webhook-id'],
      eventType: 'OpportunityCreated',
      status: 'DEAD_LETTERED',
      attempts: 8,
      lastStatusCode: 503,
      lastError: 'the receiver answered HTTP 503',
      responseExcerpt: `refused ${'x'.repeat(248)}`,
      replayCount: 0,
      deadLetters: [{ attempts: 8, error: 'the receiver answered HTTP 503', status: 'OPEN' }],
    });

    // The receiver is fixed (it answers 204 from now on); the partner replays.
    const replayed = await call<{ delivery: { id: string; status: string }; userErrors: unknown[] }>(
      tessera,
      `mutation ($input: ReplayWebhookDeliveryInput!) { replayWebhookDelivery(input: $input) { delivery { id status } userErrors { code } } }`,
      { idempotencyKey: newKey(), deliveryId: delivery!.id },
      { claims: PARTNER },
    );
    expect(replayed.payload).toEqual({ delivery: { id: delivery!.id, status: 'PENDING' }, userErrors: [] });
    await tessera.tessera.drain();

    expect(receiver.received).toHaveLength(9);
    expect(receiver.received[8]!.headers['tessera-webhook-id']).toBe(delivery!.id);
    expect(receiver.received[8]!.body).toBe(receiver.received[0]!.body);
    const after = await tessera.query(
      `{ webhookDelivery(id: "${delivery!.id}") { status attempts replayCount deadLetters { status replayedBy } } }`,
      {},
      token,
    );
    expect(after.data).toEqual({
      webhookDelivery: { status: 'DELIVERED', attempts: 1, replayCount: 1, deadLetters: [{ status: 'REPLAYED', replayedBy: PARTNER.sub }] },
    });
    expect((await tessera.query(DEAD, {}, token)).data).toEqual({ webhookDeliveries: { totalCount: 0, nodes: [] } });
    // Prometheus: deliveries by outcome, retries, and the dead-letter depth back at 0.
    const metrics = await (await fetch(tessera.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toContain('tessera_webhook_deliveries_total{outcome="failed"} 7');
    expect(metrics).toContain('tessera_webhook_deliveries_total{outcome="dead_lettered"} 1');
    expect(metrics).toContain('tessera_webhook_deliveries_total{outcome="delivered"} 1');
    expect(metrics).toContain('\ntessera_webhook_retries_total 7\n');
    expect(metrics).toContain('\ntessera_webhook_dead_letters 0\n');
  }, 60_000);
});
