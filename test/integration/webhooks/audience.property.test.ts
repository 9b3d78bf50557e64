/**
 * A partner's subscription receives only its own customers' events (docs/processes.md#webhooks):
 * over random events (system, legal entity, account named in the payload, reachable only through
 * the record it is about, or none) and random subscribers (partners and internal users with random
 * scopes and legal entities), what each receiver gets is exactly what an independent statement of
 * the read rule allows: the source's read scope, a legal entity of the token, and for a partner an
 * account of its own.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import type { EventEnvelope } from '../../../systems/kernel/events/envelope.ts';
import { openRig, type Rig } from './fixture.ts';

const ENTITIES = ['US01', 'UK01', 'DE01'] as const;
const ACCOUNTS = ['acc_1', 'acc_2', 'acc_3', 'acc_4'] as const;
const SOURCES = ['crm', 'psa', 'erp'] as const;
/** The account of each project, as the PSA would answer. */
const PROJECT_ACCOUNT: Record<string, string | null> = { prj_1: 'acc_1', prj_2: 'acc_2', prj_3: 'acc_3', prj_internal: null };

type Placement = 'accountId' | 'customerId' | 'project' | 'none';

interface GeneratedEvent {
  readonly source: (typeof SOURCES)[number];
  readonly entity: (typeof ENTITIES)[number];
  readonly placement: Placement;
  readonly account: (typeof ACCOUNTS)[number];
  readonly project: keyof typeof PROJECT_ACCOUNT;
  readonly type: 'InvoiceReleased' | 'TimecardApproved';
}

interface Subscriber {
  readonly claims: PrincipalClaims;
  readonly types: readonly ('InvoiceReleased' | 'TimecardApproved')[];
}

const eventArb = fc.record({
  source: fc.constantFrom(...SOURCES),
  entity: fc.constantFrom(...ENTITIES),
  placement: fc.constantFrom<Placement>('accountId', 'customerId', 'project', 'none'),
  account: fc.constantFrom(...ACCOUNTS),
  project: fc.constantFrom(...Object.keys(PROJECT_ACCOUNT)),
  type: fc.constantFrom('InvoiceReleased' as const, 'TimecardApproved' as const),
});

const subscriberArb = fc.record({
  partner: fc.boolean(),
  accounts: fc.subarray([...ACCOUNTS]),
  entities: fc.oneof(fc.constant('*' as const), fc.subarray([...ENTITIES], { minLength: 1 })),
  reads: fc.subarray(SOURCES.map((source) => `${source}:read`)),
  types: fc.subarray(['InvoiceReleased' as const, 'TimecardApproved' as const], { minLength: 1 }),
});

function envelopeOf(generated: GeneratedEvent): EventEnvelope {
  const payload: Record<string, unknown> = { note: 'generated' };
  if (generated.placement === 'accountId') payload.accountId = generated.account;
  if (generated.placement === 'customerId') payload.customerId = generated.account;
  if (generated.placement === 'project') payload.projectId = generated.project;
  return {
    eventId: randomUUID(),
    type: generated.type,
    source: generated.source,
    aggregateType: 'Thing',
    aggregateId: randomUUID(),
    aggregateVersion: 1,
    occurredAt: '2026-11-20T08:00:00.000Z',
    correlationId: 'corr',
    causationId: null,
    traceparent: null,
    legalEntityId: `le_${generated.entity}`,
    payload,
  };
}

/** The read rule, stated independently of policies/: what a token with `claims` may see of `event`. */
function oracle(claims: PrincipalClaims, generated: GeneratedEvent): boolean {
  if (!(claims.scope ?? '').split(' ').includes(`${generated.source}:read`)) return false;
  if (claims.legal_entities !== '*' && !(claims.legal_entities ?? []).includes(generated.entity)) return false;
  if (!claims.partner_accounts) return true;
  const account =
    generated.placement === 'accountId' || generated.placement === 'customerId'
      ? generated.account
      : generated.placement === 'project'
        ? PROJECT_ACCOUNT[generated.project]
        : null;
  return account !== null && account !== undefined && claims.partner_accounts.includes(account);
}

const sent: { url: string; eventId: string }[] = [];
let rig: Rig;
let resolutions = 0;
beforeAll(async () => {
  rig = await openRig({
    post: async (url, body) => {
      sent.push({ url: url.href, eventId: (JSON.parse(body) as { id: string }).id });
      return { status: 204, excerpt: '' };
    },
    resolveAccount: async (event) => {
      resolutions += 1;
      const project = event.payload?.projectId;
      return typeof project === 'string' ? (PROJECT_ACCOUNT[project] ?? null) : null;
    },
  });
});
afterAll(() => rig?.close());

describe('webhook audience', () => {
  it('each subscriber receives exactly the events a read by its token would show', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(subscriberArb, { minLength: 1, maxLength: 4 }),
        fc.array(eventArb, { minLength: 1, maxLength: 12 }),
        async (generatedSubscribers, generatedEvents) => {
          run += 1;
          const subscribers = generatedSubscribers.map((subscriber, index): Subscriber & { url: string; id?: string } => ({
            url: `http://localhost/run-${run}/subscriber-${index}`,
            types: subscriber.types,
            claims: {
              sub: `subscriber-${index}@example`,
              client_id: `client-${run}-${index}`,
              scope: ['webhooks:manage', ...subscriber.reads].join(' '),
              legal_entities: subscriber.entities === '*' ? '*' : [...subscriber.entities],
              ...(subscriber.partner ? { partner_accounts: [...subscriber.accounts] } : {}),
            },
          }));
          for (const subscriber of subscribers) {
            subscriber.id = (await rig.subscribe(subscriber.claims, subscriber.url, subscriber.types)).subscription.id;
          }
          const events = generatedEvents.map((generated) => ({ generated, envelope: envelopeOf(generated) }));
          await rig.publish(events.map((event) => event.envelope));
          for (const subscriber of subscribers) {
            const got = sent
              .filter((entry) => entry.url === subscriber.url)
              .map((entry) => entry.eventId)
              .sort();
            const expected = events
              .filter(({ generated }) => subscriber.types.includes(generated.type) && oracle(subscriber.claims, generated))
              .map(({ envelope }) => envelope.eventId)
              .sort();
            expect(got).toEqual(expected);
            await rig.writes((writes) =>
              writes.disable(subscriber.id!, { sub: subscriber.claims.sub, clientId: subscriber.claims.client_id! }, rig.clock()),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
    // The owning system was asked only when a partner's audience needed the account.
    expect(resolutions).toBeGreaterThan(0);
  }, 120_000);
});
