/**
 * Webhooks in the running Tessera (docs/processes.md#webhooks): a capability's event goes from the
 * CRM outbox through the relay and the in-process transport to the `webhooks` consumer, and the
 * dispatcher POSTs it, signed, to the partner whose customer it is about; an event whose payload
 * does not name the account is resolved through the CRM first. Another partner gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { call, newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { startReceiver } from './receiver.ts';
import { discoveryOpportunity } from '../sagas/opportunityToProjectKit.ts';

const partner = (sub: string, account: string): PrincipalClaims => ({
  sub,
  client_id: `${sub}-app`,
  scope: 'webhooks:manage crm:read',
  legal_entities: ['UK01'],
  partner_accounts: [account],
});
const OURS = partner('ours@partner.example', 'acc_00006');
const THEIRS = partner('theirs@other.example', 'acc_00001');

const SUBSCRIBE = `mutation ($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) {
  subscription { id } signingSecret userErrors { code message } } }`;
const CREATE_OPPORTUNITY = `mutation ($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } userErrors { code message } } }`;
const STAGE = `mutation ($input: UpdateOpportunityStageInput!) { updateOpportunityStage(input: $input) { opportunity { stage } userErrors { code } } }`;

let tessera: TestTessera;
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await tessera?.stop();
});

async function subscribe(claims: PrincipalClaims) {
  let secret = '';
  const receiver = await startReceiver(
    () => secret,
    () => new Date(),
  );
  receivers.push(receiver);
  const answer = await call<{ signingSecret: string; userErrors: unknown[] }>(
    tessera,
    SUBSCRIBE,
    { idempotencyKey: newKey(), url: receiver.url, eventTypes: ['OpportunityCreated', 'OpportunityStageChanged'] },
    { claims },
  );
  expect(answer.payload?.userErrors).toEqual([]);
  secret = answer.payload!.signingSecret;
  return receiver;
}

describe('webhooks in the running Tessera', () => {
  it("delivers a partner its own customer's events, signed, and nothing of them to another partner", async () => {
    const ours = await subscribe(OURS);
    const theirs = await subscribe(THEIRS);
    const created = await call<{ opportunity: { id: string } }>(tessera, CREATE_OPPORTUNITY, {
      idempotencyKey: newKey(),
      ...discoveryOpportunity('acc_00006', 'Webhook discovery'),
    });
    const opportunity = created.payload!.opportunity.id;
    const staged = await call<{ opportunity: { stage: string } }>(tessera, STAGE, {
      idempotencyKey: newKey(),
      opportunityId: opportunity,
      expectedVersion: 1,
      stage: 'QUALIFIED',
    });
    expect(staged.payload!.opportunity.stage).toBe('QUALIFIED');

    await tessera.tessera.drain();

    expect(ours.received.map((request) => request.verdict.ok)).toEqual([true, true]);
    const bodies = ours.received.map((request) => JSON.parse(request.body) as { type: string; data: Record<string, unknown> });
    expect(bodies.map((body) => body.type).sort()).toEqual(['OpportunityCreated', 'OpportunityStageChanged']);
    const stageChange = bodies.find((body) => body.type === 'OpportunityStageChanged')!;
    // This event names no account: the dispatcher asked the CRM whose opportunity it is.
    expect(stageChange.data).toEqual({ opportunityId: opportunity, stage: 'QUALIFIED', from: 'PROSPECTING', to: 'QUALIFIED' });
    expect(theirs.received).toEqual([]);

    // Drained means drained: nothing more is sent.
    await tessera.tessera.drain();
    expect(ours.received).toHaveLength(2);
  }, 60_000);
});
