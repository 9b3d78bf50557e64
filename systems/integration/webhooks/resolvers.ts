/**
 * The webhooks' queries and types (schema/integration/webhooks.graphql). Rows are mapped to the
 * schema here; every read is the caller's own (webhookPorts.ts).
 */
import { tesseraError } from '../../../core/errors.ts';
import { connectionOf, type PageArgs } from '../../kernel/pagination.ts';
import type { IntegrationContext } from '../context.ts';
import type { WebhookDeliveryRow, WebhookSubscriptionRow } from './tables.ts';
import { ownerOf } from './webhookPorts.ts';
import type { DeliveryFilter, Owner } from './webhookStore.ts';

function ownerIn(ctx: IntegrationContext): Owner {
  const principal = ctx.request.principal;
  if (!principal) throw tesseraError('UNAUTHENTICATED', 'Webhook subscriptions belong to an authenticated caller.');
  return ownerOf(principal);
}

export const webhookQueryResolvers = {
  webhookSubscriptions: (_: unknown, args: { status?: string[] | null }, ctx: IntegrationContext) =>
    ctx.read.webhooks.subscriptions(ownerIn(ctx), args.status),
  webhookSubscription: async (_: unknown, args: { id: string }, ctx: IntegrationContext) =>
    (await ctx.read.webhooks.subscription(args.id, ownerIn(ctx))) ?? null,
  webhookDeliveries: (_: unknown, args: PageArgs & { filter?: DeliveryFilter | null }, ctx: IntegrationContext) =>
    connectionOf(args, (page) => ctx.read.webhooks.deliveries(ownerIn(ctx), args.filter ?? {}, page)),
  webhookDelivery: async (_: unknown, args: { id: string }, ctx: IntegrationContext) =>
    (await ctx.read.webhooks.delivery(args.id, ownerIn(ctx))) ?? null,
};

/** A capability answer carrying a new secret, sealed: the one place it is shown. */
interface SecretAnswer {
  readonly subscription?: WebhookSubscriptionRow | null;
  readonly sealedSecret?: string | null;
}

const signingSecret = (payload: SecretAnswer, _: unknown, ctx: IntegrationContext) =>
  payload.sealedSecret && payload.subscription ? ctx.read.webhooks.revealSecret(payload.sealedSecret, payload.subscription.id) : null;

export const webhookTypeResolvers = {
  WebhookSecretPayload: { signingSecret },
  WebhookSubscription: {
    eventTypes: (row: WebhookSubscriptionRow) => JSON.parse(row.event_types_json) as string[],
    clientId: (row: WebhookSubscriptionRow) => row.owner_client_id,
    secretHint: (row: WebhookSubscriptionRow) => row.secret_hint,
    secretVersion: (row: WebhookSubscriptionRow) => row.secret_version,
    aggregateVersion: (row: WebhookSubscriptionRow) => row.aggregate_version,
    createdAt: (row: WebhookSubscriptionRow) => row.created_at,
    updatedAt: (row: WebhookSubscriptionRow) => row.updated_at,
    disabledAt: (row: WebhookSubscriptionRow) => row.disabled_at,
  },
  WebhookDelivery: {
    subscriptionId: (row: WebhookDeliveryRow) => row.subscription_id,
    eventId: (row: WebhookDeliveryRow) => row.event_id,
    eventType: (row: WebhookDeliveryRow) => row.event_type,
    occurredAt: (row: WebhookDeliveryRow) => row.occurred_at,
    nextAttemptAt: (row: WebhookDeliveryRow) => (row.status === 'PENDING' ? row.next_attempt_at : null),
    lastAttemptAt: (row: WebhookDeliveryRow) => row.last_attempt_at,
    lastStatusCode: (row: WebhookDeliveryRow) => row.last_status_code,
    lastError: (row: WebhookDeliveryRow) => row.last_error,
    responseExcerpt: (row: WebhookDeliveryRow) => row.response_excerpt,
    firstFailedAt: (row: WebhookDeliveryRow) => row.first_failed_at,
    deliveredAt: (row: WebhookDeliveryRow) => row.delivered_at,
    replayCount: (row: WebhookDeliveryRow) => row.replay_count,
    createdAt: (row: WebhookDeliveryRow) => row.created_at,
    deadLetters: async (row: WebhookDeliveryRow, _: unknown, ctx: IntegrationContext) =>
      (await ctx.read.webhooks.deadLettersOf([row.id])).map((letter) => ({
        id: letter.id,
        error: letter.error,
        attempts: letter.attempts,
        firstFailedAt: letter.first_failed_at,
        lastFailedAt: letter.last_failed_at,
        status: letter.status,
        replayedAt: letter.replayed_at,
        replayedBy: letter.replayed_by,
      })),
  },
};
