/**
 * The webhooks' SQL (docs/processes.md#webhooks): subscriptions as their owner sees and changes
 * them, and the delivery queue as the consumer fills it and the dispatcher works it. Every read a
 * caller makes is bounded by the owner (principal and client id): a subscription or delivery of
 * someone else is treated as missing.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Page, PageRequest } from '../../kernel/pagination.ts';
import type { WebhookDeadLetterRow, WebhookDeliveryRow, WebhookDeliveryStatus, WebhookSubscriptionRow, WebhookTables } from './tables.ts';

/** Who owns a subscription: the token's `sub` and `client_id`. */
export interface Owner {
  readonly sub: string;
  readonly clientId: string | null;
}

/** The statuses a partner sees; UNRESOLVED and FILTERED deliveries are internal (the audience check is not done, or failed). */
export const VISIBLE_STATUSES: readonly WebhookDeliveryStatus[] = ['PENDING', 'DELIVERED', 'DEAD_LETTERED'];
export type InternalStatus = WebhookDeliveryStatus | 'UNRESOLVED' | 'FILTERED';

export interface DeliveryFilter {
  readonly subscriptionId?: string | null;
  readonly status?: readonly WebhookDeliveryStatus[] | null;
  readonly eventType?: readonly string[] | null;
}

export function createWebhookStore(db: Kysely<WebhookTables>) {
  const owned = (owner: Owner) => {
    const query = db.selectFrom('webhook_subscriptions').selectAll().where('owner_sub', '=', owner.sub);
    return owner.clientId === null ? query.where('owner_client_id', 'is', null) : query.where('owner_client_id', '=', owner.clientId);
  };
  const ownedDeliveries = (owner: Owner) => {
    const query = db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
      .selectAll('d')
      .where('s.owner_sub', '=', owner.sub);
    return owner.clientId === null ? query.where('s.owner_client_id', 'is', null) : query.where('s.owner_client_id', '=', owner.clientId);
  };

  return {
    async insertSubscription(row: WebhookSubscriptionRow): Promise<void> {
      await db.insertInto('webhook_subscriptions').values(row).execute();
    },

    async subscription(id: string, owner: Owner): Promise<WebhookSubscriptionRow | undefined> {
      return owned(owner).where('id', '=', id).executeTakeFirst();
    },

    /** The owner's subscriptions, oldest first. */
    async subscriptions(owner: Owner, status?: readonly string[] | null): Promise<WebhookSubscriptionRow[]> {
      let query = owned(owner);
      if (status?.length) query = query.where('status', 'in', [...status]);
      return query.orderBy('created_at').orderBy('id').execute();
    },

    /** Changes a subscription at `expectedVersion` (bumping it); false when it changed meanwhile. */
    async updateSubscription(
      id: string,
      expectedVersion: number,
      patch: Partial<Omit<WebhookSubscriptionRow, 'id' | 'aggregate_version'>>,
    ): Promise<boolean> {
      const result = await db
        .updateTable('webhook_subscriptions')
        .set({ ...patch, aggregate_version: expectedVersion + 1 })
        .where('id', '=', id)
        .where('aggregate_version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Every active subscription (the consumer filters them by type and audience). */
    async activeSubscriptions(): Promise<WebhookSubscriptionRow[]> {
      return db.selectFrom('webhook_subscriptions').selectAll().where('status', '=', 'ACTIVE').orderBy('id').execute();
    },

    /** Queues deliveries; one that exists already (same subscription and event) is left as it is. */
    async enqueue(rows: readonly WebhookDeliveryRow[]): Promise<void> {
      if (rows.length === 0) return;
      await db
        .insertInto('webhook_deliveries')
        .values([...rows])
        .onConflict((conflict) => conflict.columns(['subscription_id', 'event_id']).doNothing())
        .execute();
    },

    /** Deliveries due at `now` to active subscriptions, the longest waiting first. */
    async due(now: string, limit: number): Promise<(WebhookDeliveryRow & { readonly claims: string; readonly url: string })[]> {
      return db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
        .selectAll('d')
        .select(['s.owner_claims_json as claims', 's.url as url'])
        .where('s.status', '=', 'ACTIVE')
        .where('d.status', 'in', ['UNRESOLVED', 'PENDING'])
        .where('d.next_attempt_at', '<=', now)
        .orderBy('d.next_attempt_at')
        .orderBy('d.id')
        .limit(limit)
        .execute();
    },

    /**
     * Takes a due delivery for one attempt: moves its next attempt to `leaseUntil`, only if nobody
     * else did since it was read (another dispatcher). A crash mid-attempt leaves it due again then.
     */
    async claim(id: string, seenNextAttemptAt: string, leaseUntil: string): Promise<boolean> {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: leaseUntil })
        .where('id', '=', id)
        .where('next_attempt_at', '=', seenNextAttemptAt)
        .where('status', 'in', ['UNRESOLVED', 'PENDING'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async update(id: string, patch: Partial<Omit<WebhookDeliveryRow, 'id'>> & { status?: InternalStatus }): Promise<void> {
      await db
        .updateTable('webhook_deliveries')
        .set(patch as Partial<WebhookDeliveryRow>)
        .where('id', '=', id)
        .execute();
    },

    async insertDeadLetter(row: WebhookDeadLetterRow): Promise<void> {
      await db.insertInto('webhook_dead_letters').values(row).execute();
    },

    async openDeadLetters(): Promise<number> {
      const row = await db
        .selectFrom('webhook_dead_letters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'OPEN')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async delivery(id: string, owner: Owner): Promise<WebhookDeliveryRow | undefined> {
      return ownedDeliveries(owner)
        .where('d.id', '=', id)
        .where('d.status', 'in', [...VISIBLE_STATUSES])
        .executeTakeFirst();
    },

    /** One page of the owner's deliveries, oldest first (ids sort by creation): `first + 1` rows and the filtered count. */
    async deliveries(owner: Owner, filter: DeliveryFilter, page: PageRequest): Promise<Page<WebhookDeliveryRow>> {
      let query = ownedDeliveries(owner).where('d.status', 'in', filter.status?.length ? [...filter.status] : [...VISIBLE_STATUSES]);
      if (filter.subscriptionId) query = query.where('d.subscription_id', '=', filter.subscriptionId);
      if (filter.eventType?.length) query = query.where('d.event_type', 'in', [...filter.eventType]);
      const counted = await query
        .clearSelect()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      if (page.afterId !== null) query = query.where('d.id', '>', page.afterId);
      const rows = await query
        .orderBy('d.id')
        .limit(page.first + 1)
        .execute();
      return { rows, total: Number(counted?.n ?? 0) };
    },

    async deadLettersOf(deliveryIds: readonly string[]): Promise<WebhookDeadLetterRow[]> {
      if (deliveryIds.length === 0) return [];
      return db
        .selectFrom('webhook_dead_letters')
        .selectAll()
        .where('delivery_id', 'in', [...deliveryIds])
        .orderBy('last_failed_at')
        .orderBy('id')
        .execute();
    },

    async resolveDeadLetters(deliveryId: string, at: string, by: string): Promise<void> {
      await db
        .updateTable('webhook_dead_letters')
        .set({ status: 'REPLAYED', replayed_at: at, replayed_by: by })
        .where('delivery_id', '=', deliveryId)
        .where('status', '=', 'OPEN')
        .execute();
    },
  };
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;

/** A delivery id that sorts by creation time (`whd_<ms, base 36><random>`), so pages list deliveries oldest first. */
export function deliveryId(now: Date): string {
  return `whd_${now.getTime().toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}
