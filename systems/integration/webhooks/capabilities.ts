/**
 * The webhook operations (docs/processes.md#webhooks): capabilities of the integration system, so
 * each is idempotent (a replayed call answers what the first did) and audited like any other. The
 * signing secret of a new or rotated subscription is in the answer sealed; only that answer's
 * `signingSecret` field opens it (resolvers.ts), no read ever shows it.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import type { IntegrationContext } from '../context.ts';
import type { IntegrationPorts } from '../ports/ports.ts';
import { ownerOf } from './webhookPorts.ts';

type Handler<Input> = CapabilityHandler<IntegrationPorts, IntegrationContext, Input>;

const createWebhookSubscription: Handler<{ url: string; eventTypes: string[]; description?: string | null }> = {
  async effect({ input, ports, principal, now }) {
    const { subscription, sealedSecret } = await ports.write.webhooks.create(input, principal, now);
    return { subscription, sealedSecret };
  },
};

const rotateWebhookSecret: Handler<{ subscriptionId: string; expectedVersion?: number | null }> = {
  async effect({ input, ports, principal, now }) {
    const { subscription, sealedSecret } = await ports.write.webhooks.rotateSecret(
      input.subscriptionId,
      ownerOf(principal),
      input.expectedVersion ?? null,
      now,
    );
    return { subscription, sealedSecret };
  },
};

const disableWebhookSubscription: Handler<{ subscriptionId: string }> = {
  async effect({ input, ports, principal, now }) {
    const { subscription, changed } = await ports.write.webhooks.disable(input.subscriptionId, ownerOf(principal), now);
    const warnings = changed ? [] : [{ code: 'ALREADY_IN_STATE', message: `Webhook subscription ${subscription.id} is already DISABLED.` }];
    return { subscription, warnings };
  },
};

const replayWebhookDelivery: Handler<{ deliveryId: string }> = {
  async effect({ input, ports, principal, now }) {
    const { delivery, changed } = await ports.write.webhooks.replay(input.deliveryId, ownerOf(principal), principal.sub, now);
    const warnings = changed ? [] : [{ code: 'ALREADY_IN_STATE', message: `Webhook delivery ${delivery.id} is already queued.` }];
    return { delivery, warnings };
  },
};

export const webhookCapabilities = { createWebhookSubscription, rotateWebhookSecret, disableWebhookSubscription, replayWebhookDelivery };
