/**
 * The webhooks' part of the integration system's read and write ports (docs/processes.md#webhooks):
 * what the subscription capabilities and the webhook queries do, on the capability's transaction or
 * the read connection. Everything is the caller's own: a subscription or delivery of another owner
 * is NOT_FOUND, exactly like a missing one.
 */
import type { Kysely } from 'kysely';
import { claimsFromPrincipal, type Principal } from '../../../auth/principal.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import { newId } from '../../kernel/capability/newId.ts';
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import { newSigningSecret, secretHint, type WebhookSecretKey } from './secretBox.ts';
import type { WebhookDeadLetterRow, WebhookDeliveryRow, WebhookSubscriptionRow, WebhookTables } from './tables.ts';
import { checkWebhookUrl, type WebhookEnvironment } from './targetUrl.ts';
import { createWebhookStore, type DeliveryFilter, type Owner } from './webhookStore.ts';

/** What the webhooks need of the deployment: where targets may be, and the key that seals signing secrets. */
export interface WebhookSettings {
  readonly environment: WebhookEnvironment;
  readonly key: WebhookSecretKey;
}

export function ownerOf(principal: Principal): Owner {
  return { sub: principal.sub, clientId: principal.clientId };
}

export interface WebhookReads {
  subscription(id: string, owner: Owner): Promise<WebhookSubscriptionRow | undefined>;
  subscriptions(owner: Owner, status?: readonly string[] | null): Promise<WebhookSubscriptionRow[]>;
  delivery(id: string, owner: Owner): Promise<WebhookDeliveryRow | undefined>;
  deliveries(owner: Owner, filter: DeliveryFilter, page: PageRequest): Promise<Page<WebhookDeliveryRow>>;
  deadLettersOf(deliveryIds: readonly string[]): Promise<WebhookDeadLetterRow[]>;
  /** The plaintext of a secret the caller's own capability answer holds sealed (the one answer that shows it). */
  revealSecret(sealed: string, subscriptionId: string): string;
}

/** A subscription as a capability answers it, with its new secret sealed (the payload reveals it to that answer only). */
export interface WithSecret {
  readonly subscription: WebhookSubscriptionRow;
  readonly sealedSecret: string;
}

export interface WebhookWrites {
  create(
    input: { url: string; eventTypes: readonly string[]; description?: string | null },
    principal: Principal,
    now: Date,
  ): Promise<WithSecret>;
  rotateSecret(id: string, owner: Owner, expectedVersion: number | null, now: Date): Promise<WithSecret>;
  disable(id: string, owner: Owner, now: Date): Promise<{ readonly subscription: WebhookSubscriptionRow; readonly changed: boolean }>;
  replay(
    deliveryId: string,
    owner: Owner,
    by: string,
    now: Date,
  ): Promise<{ readonly delivery: WebhookDeliveryRow; readonly changed: boolean }>;
}

export function createWebhookReads(db: Kysely<WebhookTables>, settings: WebhookSettings): WebhookReads {
  const store = createWebhookStore(db);
  return {
    subscription: (id, owner) => store.subscription(id, owner),
    subscriptions: (owner, status) => store.subscriptions(owner, status),
    delivery: (id, owner) => store.delivery(id, owner),
    deliveries: (owner, filter, page) => store.deliveries(owner, filter, page),
    deadLettersOf: (ids) => store.deadLettersOf(ids),
    revealSecret: (sealed, subscriptionId) => settings.key.open(sealed, subscriptionId),
  };
}

const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{1,63}$/;
const MAX_EVENT_TYPES = 100;

export function createWebhookWrites(trx: Kysely<WebhookTables>, settings: WebhookSettings): WebhookWrites {
  const store = createWebhookStore(trx);

  async function owned(id: string, owner: Owner): Promise<WebhookSubscriptionRow> {
    const subscription = await store.subscription(id, owner);
    if (!subscription) throw rejected('NOT_FOUND', `Webhook subscription ${JSON.stringify(id)} was not found.`, 'subscriptionId');
    return subscription;
  }

  return {
    async create(input, principal, now) {
      const verdict = checkWebhookUrl(input.url, settings.environment);
      if (!verdict.ok) throw rejected('PRECONDITION_FAILED', `The webhook URL is not allowed: ${verdict.reason}.`, 'url');
      const eventTypes = [...new Set(input.eventTypes)];
      if (eventTypes.length === 0 || eventTypes.length > MAX_EVENT_TYPES) {
        throw rejected('PRECONDITION_FAILED', `A subscription names 1 to ${MAX_EVENT_TYPES} event types.`, 'eventTypes');
      }
      const malformed = eventTypes.find((type) => !EVENT_TYPE.test(type));
      if (malformed !== undefined) {
        throw rejected('PRECONDITION_FAILED', `${JSON.stringify(malformed)} is not an event type (e.g. "InvoiceReleased").`, 'eventTypes');
      }
      const description = input.description?.trim() || null;
      if (description !== null && description.length > 500) {
        throw rejected('PRECONDITION_FAILED', 'The description is longer than 500 characters.', 'description');
      }
      const id = newId('whs');
      const secret = newSigningSecret();
      const sealedSecret = settings.key.seal(secret, id);
      const at = now.toISOString();
      const subscription: WebhookSubscriptionRow = {
        id,
        owner_sub: principal.sub,
        owner_client_id: principal.clientId,
        owner_claims_json: JSON.stringify(claimsFromPrincipal(principal)),
        url: verdict.url.href,
        event_types_json: JSON.stringify(eventTypes),
        description,
        status: 'ACTIVE',
        secret_sealed: sealedSecret,
        secret_hint: secretHint(secret),
        secret_version: 1,
        aggregate_version: 1,
        created_at: at,
        updated_at: at,
        disabled_at: null,
      };
      await store.insertSubscription(subscription);
      return { subscription, sealedSecret };
    },

    async rotateSecret(id, owner, expectedVersion, now) {
      const current = await owned(id, owner);
      if (expectedVersion !== null && expectedVersion !== current.aggregate_version) {
        throw rejected(
          'VERSION_CONFLICT',
          `Webhook subscription ${id} is at version ${current.aggregate_version}, not ${expectedVersion}.`,
          'expectedVersion',
        );
      }
      if (current.status !== 'ACTIVE') {
        throw rejected(
          'INVALID_STATE_TRANSITION',
          `Webhook subscription ${id} is ${current.status}: only an ACTIVE one gets a new secret.`,
        );
      }
      const secret = newSigningSecret();
      const sealedSecret = settings.key.seal(secret, id);
      const patch = {
        secret_sealed: sealedSecret,
        secret_hint: secretHint(secret),
        secret_version: current.secret_version + 1,
        updated_at: now.toISOString(),
      };
      if (!(await store.updateSubscription(id, current.aggregate_version, patch))) {
        throw rejected('VERSION_CONFLICT', `Webhook subscription ${id} changed meanwhile; read it again.`);
      }
      return { subscription: { ...current, ...patch, aggregate_version: current.aggregate_version + 1 }, sealedSecret };
    },

    async disable(id, owner, now) {
      const current = await owned(id, owner);
      if (current.status === 'DISABLED') return { subscription: current, changed: false };
      const at = now.toISOString();
      const patch = { status: 'DISABLED', disabled_at: at, updated_at: at };
      if (!(await store.updateSubscription(id, current.aggregate_version, patch))) {
        throw rejected('VERSION_CONFLICT', `Webhook subscription ${id} changed meanwhile; read it again.`);
      }
      return { subscription: { ...current, ...patch, aggregate_version: current.aggregate_version + 1 }, changed: true };
    },

    async replay(deliveryId, owner, by, now) {
      const delivery = await store.delivery(deliveryId, owner);
      if (!delivery) throw rejected('NOT_FOUND', `Webhook delivery ${JSON.stringify(deliveryId)} was not found.`, 'deliveryId');
      if (delivery.status === 'PENDING') return { delivery, changed: false };
      if (delivery.status !== 'DEAD_LETTERED') {
        throw rejected(
          'INVALID_STATE_TRANSITION',
          `Webhook delivery ${deliveryId} is ${delivery.status}: only a dead-lettered one is replayed.`,
        );
      }
      const subscription = await owned(delivery.subscription_id, owner);
      if (subscription.status !== 'ACTIVE') {
        throw rejected('PRECONDITION_FAILED', `Webhook subscription ${subscription.id} is ${subscription.status}: nothing would be sent.`);
      }
      const at = now.toISOString();
      const patch = {
        status: 'PENDING',
        attempts: 0,
        next_attempt_at: at,
        first_failed_at: null,
        replay_count: delivery.replay_count + 1,
      } as const;
      await store.update(deliveryId, patch);
      await store.resolveDeadLetters(deliveryId, at, by);
      return { delivery: { ...delivery, ...patch }, changed: true };
    },
  };
}
