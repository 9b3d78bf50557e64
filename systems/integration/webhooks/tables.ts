/**
 * The webhooks' durable state (docs/processes.md#webhooks): partners' subscriptions, one delivery
 * per (subscription, event) with its attempts, and the webhook dead-letter queue, its own table
 * (a partner endpoint that is down is not an event-consumer failure: the kernel's `dead_letters`
 * stay for consumers whose handler failed).
 */
import { column, type RowOf, type TablesOf } from '../../kernel/tableSpec.ts';

export const webhookTables = {
  webhook_subscriptions: {
    columns: {
      id: column.id,
      /** Who made it (`sub` and `client_id` of the token): only they see and change it. */
      owner_sub: column.text,
      owner_client_id: column.optionalText,
      /**
       * The owner's claims when the subscription was made: events are filtered by the record policies
       * of this principal (docs/processes.md#webhooks), exactly as a read by that token would be.
       */
      owner_claims_json: column.text,
      url: column.text,
      /** JSON array of event types. */
      event_types_json: column.text,
      description: column.optionalText,
      /** ACTIVE | DISABLED */
      status: column.text,
      /** The signing secret, sealed (secretBox.ts); never the plaintext. */
      secret_sealed: column.text,
      /** The secret's last characters, so a partner can tell which secret is current. */
      secret_hint: column.text,
      /** 1 at creation, +1 per rotation. */
      secret_version: column.int,
      aggregate_version: column.int,
      created_at: column.text,
      updated_at: column.text,
      disabled_at: column.optionalText,
    },
    indexes: [['owner_sub', 'owner_client_id'], ['status']],
  },
  webhook_deliveries: {
    columns: {
      id: column.id,
      subscription_id: column.ref('webhook_subscriptions'),
      event_id: column.text,
      event_type: column.text,
      occurred_at: column.text,
      /** The body exactly as signed and sent on every attempt: `{id, type, occurredAt, data}`. */
      body_json: column.text,
      /** The event as it arrived (internal: the audience check of an UNRESOLVED delivery reads it). */
      envelope_json: column.text,
      /** UNRESOLVED (account to resolve first) | PENDING | DELIVERED | DEAD_LETTERED | FILTERED (not for this audience) */
      status: column.text,
      /** Attempts made since it was created or last replayed. */
      attempts: column.int,
      next_attempt_at: column.optionalText,
      last_attempt_at: column.optionalText,
      /** The HTTP status of the last attempt (null: no answer: refused, timed out). */
      last_status_code: column.optionalInt,
      last_error: column.optionalText,
      /** The start of the last answer's body (at most 256 characters): never more is kept. */
      response_excerpt: column.optionalText,
      first_failed_at: column.optionalText,
      delivered_at: column.optionalText,
      replay_count: column.int,
      created_at: column.text,
    },
    unique: [['subscription_id', 'event_id']],
    indexes: [
      ['status', 'next_attempt_at'],
      ['subscription_id', 'created_at'],
    ],
  },
  /** A delivery that failed its last allowed attempt; replaying it puts the delivery back in the queue. */
  webhook_dead_letters: {
    columns: {
      id: column.id,
      delivery_id: column.ref('webhook_deliveries'),
      subscription_id: column.text,
      event_id: column.text,
      event_type: column.text,
      error: column.text,
      attempts: column.int,
      first_failed_at: column.text,
      last_failed_at: column.text,
      /** OPEN | REPLAYED */
      status: column.text,
      replayed_at: column.optionalText,
      replayed_by: column.optionalText,
    },
    indexes: [['status'], ['delivery_id']],
  },
} as const;

export type WebhookTables = TablesOf<typeof webhookTables>;
export type WebhookSubscriptionRow = RowOf<typeof webhookTables.webhook_subscriptions>;
export type WebhookDeliveryRow = RowOf<typeof webhookTables.webhook_deliveries>;
export type WebhookDeadLetterRow = RowOf<typeof webhookTables.webhook_dead_letters>;
export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD_LETTERED';
