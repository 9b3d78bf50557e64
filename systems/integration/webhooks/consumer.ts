/**
 * The `webhooks` event consumer (docs/processes.md#webhooks): for every event, one delivery per
 * active subscription that wants its type and whose owner may see it, queued in the delivery's
 * transaction (the inbox row that makes the consumer idempotent commits with them; a subscription
 * and event pair is queued once however often the event comes). Nothing is sent here: the
 * dispatcher sends, outside any transaction.
 */
import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../../kernel/events/envelope.ts';
import type { EventConsumer } from '../../kernel/events/transport.ts';
import { accountInPayload, admits, audienceOf } from './audience.ts';
import type { WebhookDeliveryRow, WebhookTables } from './tables.ts';
import { createWebhookStore, deliveryId, type InternalStatus } from './webhookStore.ts';

export const WEBHOOKS_CONSUMER = 'webhooks';

/**
 * The JSON body every attempt of a delivery sends (and signs): `{id, type, occurredAt, data}`.
 * `data` is the event's payload without the people of the firm who acted (`submittedBy`,
 * `approvedBy`, `decidedBy`, ...: a key ending in `By`): who inside the firm approved something is
 * personal data and no partner's business (docs/processes.md#webhooks).
 */
export function webhookBody(event: EventEnvelope): string {
  return JSON.stringify({ id: event.eventId, type: event.type, occurredAt: event.occurredAt, data: partnerData(event.payload) });
}

const ACTOR = /By$/;

function partnerData(payload: EventEnvelope['payload']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(payload ?? {}).filter(([key]) => !ACTOR.test(key)));
}

export function createWebhooksConsumer(): EventConsumer {
  return {
    name: WEBHOOKS_CONSUMER,
    types: 'all',
    async handle(event, { trx, now }) {
      const store = createWebhookStore(trx as unknown as Kysely<WebhookTables>);
      const account = accountInPayload(event) ?? undefined;
      const at = now.toISOString();
      const rows: WebhookDeliveryRow[] = [];
      for (const subscription of await store.activeSubscriptions()) {
        if (!(JSON.parse(subscription.event_types_json) as string[]).includes(event.type)) continue;
        const admission = admits(audienceOf(subscription.owner_claims_json), event, account);
        if (admission === 'refuse') continue;
        const status: InternalStatus = admission === 'admit' ? 'PENDING' : 'UNRESOLVED';
        rows.push({
          id: deliveryId(now),
          subscription_id: subscription.id,
          event_id: event.eventId,
          event_type: event.type,
          occurred_at: event.occurredAt,
          body_json: webhookBody(event),
          envelope_json: JSON.stringify(event),
          status: status as WebhookDeliveryRow['status'],
          attempts: 0,
          next_attempt_at: at,
          last_attempt_at: null,
          last_status_code: null,
          last_error: null,
          response_excerpt: null,
          first_failed_at: null,
          delivered_at: null,
          replay_count: 0,
          created_at: at,
        });
      }
      await store.enqueue(rows);
    },
  };
}
