/**
 * The webhook subscriptions through the gateway (docs/processes.md#webhooks): capabilities scoped
 * `webhooks:manage`, the signing secret shown in the creating (or rotating) answer only, each
 * subscription visible and changeable by its owner only, targets checked by the environment.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import type { WebhookTables } from '../../../systems/integration/webhooks/tables.ts';
import { call, newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';

const PARTNER: PrincipalClaims = {
  sub: 'integrations@partner.example',
  client_id: 'partner-erp',
  scope: 'webhooks:manage erp:read',
  legal_entities: ['UK01'],
  partner_accounts: ['acc_00006'],
};
const OTHER: PrincipalClaims = { ...PARTNER, sub: 'someone@other.example', client_id: 'other-app', partner_accounts: ['acc_00001'] };

const CREATE = `mutation ($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
  subscription { id url eventTypes description status clientId secretHint secretVersion aggregateVersion }
  signingSecret userErrors { code message field } replayed } }`;
const ROTATE = `mutation ($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) {
  subscription { id secretHint secretVersion aggregateVersion } signingSecret userErrors { code message field } } }`;
const DISABLE = `mutation ($input: DisableWebhookSubscriptionInput!) { disableWebhookSubscription(input: $input) {
  subscription { id status aggregateVersion } userErrors { code } warnings { code } } }`;
const REPLAY = `mutation ($input: ReplayWebhookDeliveryInput!) { replayWebhookDelivery(input: $input) { delivery { id } userErrors { code field } } }`;
const LIST = `{ webhookSubscriptions { id status secretHint } webhookDeliveries { nodes { id } totalCount pageInfo { hasNextPage } } }`;

interface SecretPayload {
  subscription: { id: string; secretHint: string; secretVersion: number; aggregateVersion: number } & Record<string, unknown>;
  signingSecret: string | null;
  userErrors: { code: string; message: string; field: string | null }[];
  replayed: boolean;
}

let tessera: TestTessera;
beforeAll(async () => {
  tessera = await startTestTessera({ scale: 'none' });
});
afterAll(() => tessera?.stop());

describe('webhook subscriptions through the graph', () => {
  it('creates a subscription for its caller, shows the secret in that answer (and its replay) only, rotates and disables it', async () => {
    const key = newKey();
    const input = {
      idempotencyKey: key,
      url: 'http://localhost:8080/hooks',
      eventTypes: ['InvoiceReleased', 'PaymentApplied', 'InvoiceReleased'],
      description: 'AR sync',
    };
    const created = await call<SecretPayload>(tessera, CREATE, input, { claims: PARTNER });
    expect(created.body.errors).toBeUndefined();
    const payload = created.payload!;
    expect(payload.userErrors).toEqual([]);
    expect(payload.signingSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(payload.subscription).toEqual({
      id: expect.stringMatching(/^whs_/),
      url: 'http://localhost:8080/hooks',
      eventTypes: ['InvoiceReleased', 'PaymentApplied'],
      description: 'AR sync',
      status: 'ACTIVE',
      clientId: 'partner-erp',
      secretHint: `…${payload.signingSecret!.slice(-4)}`,
      secretVersion: 1,
      aggregateVersion: 1,
    });
    const replay = await call<SecretPayload>(tessera, CREATE, input, { claims: PARTNER });
    expect(replay.payload).toEqual({ ...payload, replayed: true });

    const partnerToken = await tessera.token(PARTNER);
    const listed = await tessera.query(LIST, {}, partnerToken);
    expect(listed).toEqual({
      data: {
        webhookSubscriptions: [{ id: payload.subscription.id, status: 'ACTIVE', secretHint: payload.subscription.secretHint }],
        webhookDeliveries: { nodes: [], totalCount: 0, pageInfo: { hasNextPage: false } },
      },
    });
    // Another caller sees none of it, and cannot change it.
    const otherToken = await tessera.token(OTHER);
    expect((await tessera.query(LIST, {}, otherToken)).data).toEqual({
      webhookSubscriptions: [],
      webhookDeliveries: { nodes: [], totalCount: 0, pageInfo: { hasNextPage: false } },
    });
    const foreign = await call<SecretPayload>(
      tessera,
      ROTATE,
      { idempotencyKey: newKey(), subscriptionId: payload.subscription.id },
      { claims: OTHER },
    );
    expect(foreign.payload).toMatchObject({
      subscription: null,
      signingSecret: null,
      userErrors: [{ code: 'NOT_FOUND', field: 'subscriptionId' }],
    });

    const rotated = await call<SecretPayload>(
      tessera,
      ROTATE,
      { idempotencyKey: newKey(), subscriptionId: payload.subscription.id, expectedVersion: 1 },
      { claims: PARTNER },
    );
    expect(rotated.payload!.userErrors).toEqual([]);
    expect(rotated.payload!.signingSecret).toMatch(/^whsec_/);
    expect(rotated.payload!.signingSecret).not.toBe(payload.signingSecret);
    expect(rotated.payload!.subscription).toEqual({
      id: payload.subscription.id,
      secretHint: `…${rotated.payload!.signingSecret!.slice(-4)}`,
      secretVersion: 2,
      aggregateVersion: 2,
    });

    const disabled = await call(
      tessera,
      DISABLE,
      { idempotencyKey: newKey(), subscriptionId: payload.subscription.id },
      { claims: PARTNER },
    );
    expect(disabled.payload).toEqual({
      subscription: { id: payload.subscription.id, status: 'DISABLED', aggregateVersion: 3 },
      userErrors: [],
      warnings: [],
    });
    const again = await call(tessera, DISABLE, { idempotencyKey: newKey(), subscriptionId: payload.subscription.id }, { claims: PARTNER });
    expect(again.payload).toMatchObject({ warnings: [{ code: 'ALREADY_IN_STATE' }] });

    // The secret is in no read, no stored row in the clear, and no log line.
    const store = tessera.tessera.systems.integration!.db as unknown as Kysely<WebhookTables>;
    const row = await store.selectFrom('webhook_subscriptions').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(payload.signingSecret!.slice(6));
    for (const secret of [payload.signingSecret!, rotated.payload!.signingSecret!]) {
      for (const line of tessera.logs.raw) expect(line).not.toContain(secret.slice(6));
    }
  });

  it('refuses targets the environment does not allow, malformed event types, and a missing scope', async () => {
    const refused = await call<SecretPayload>(
      tessera,
      CREATE,
      { idempotencyKey: newKey(), url: 'http://hooks.partner.example/', eventTypes: ['InvoiceReleased'] },
      { claims: PARTNER },
    );
    expect(refused.payload).toMatchObject({
      subscription: null,
      signingSecret: null,
      userErrors: [
        {
          code: 'PRECONDITION_FAILED',
          field: 'url',
          message: 'The webhook URL is not allowed: http is allowed only to localhost (in development); use https.',
        },
      ],
    });
    const types = await call<SecretPayload>(
      tessera,
      CREATE,
      { idempotencyKey: newKey(), url: 'https://hooks.partner.example/', eventTypes: ['invoice released'] },
      { claims: PARTNER },
    );
    expect(types.payload!.userErrors).toMatchObject([{ code: 'PRECONDITION_FAILED', field: 'eventTypes' }]);
    const noScope = await call<SecretPayload>(
      tessera,
      CREATE,
      { idempotencyKey: newKey(), url: 'https://hooks.partner.example/', eventTypes: ['InvoiceReleased'] },
      { claims: { ...PARTNER, scope: 'erp:read' } },
    );
    expect(noScope.payload).toBeNull();
    expect(noScope.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await call(tessera, REPLAY, { idempotencyKey: newKey(), deliveryId: 'whd_nothing' }, { claims: PARTNER });
    expect(unknown.payload).toEqual({ delivery: null, userErrors: [{ code: 'NOT_FOUND', field: 'deliveryId' }] });
  });
});
