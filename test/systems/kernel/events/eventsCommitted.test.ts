/**
 * A capability call that committed wakes the relay (docs/events.md#relay): the resolver calls the
 * context's `eventsCommitted` once per new outcome, with the capability's name (what embedded mode's
 * link cache listens for: docs/crosswalk.md#the-link-cache), never for a replay or a rejection.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../core/logger.ts';
import { newTraceparent } from '../../../../core/http/traceContext.ts';
import { principalFromClaims } from '../../../../auth/principal.ts';
import { NEVER_ABORTED } from '../../../../auth/requestScope.ts';
import { recordScope } from '../../../../policies/recordScope.ts';
import type { CapabilityDeclaration } from '../../../../schema/capabilities.ts';
import { capabilityResolvers, type CapabilityContext } from '../../../../systems/kernel/capability/capabilityResolvers.ts';
import type { Peers } from '../../../../systems/kernel/capability/peers.ts';
import { rejected } from '../../../../systems/kernel/capability/rejection.ts';
import { transactionPorts } from '../../../../systems/kernel/capability/runCapability.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';

const declaration = (field: string): CapabilityDeclaration => ({
  field,
  name: `demo.${field}`,
  version: 1,
  financial: false,
  deprecatedAt: null,
  sunsetAt: null,
  successor: null,
});

let ledger: Kysely<CapabilityTables>;
beforeEach(async () => {
  ledger = await openLedger('demo');
});
afterEach(() => ledger.destroy());

describe('eventsCommitted', () => {
  it('is called after a new committed outcome only', async () => {
    type Ctx = CapabilityContext<unknown>;
    const resolvers = capabilityResolvers<unknown, Ctx>(
      'crm',
      {
        touch: {
          async effect({ emit }) {
            emit({ type: 'Touched', aggregateType: 'Thing', aggregateId: 't-1', aggregateVersion: 1, payload: {} });
            return {};
          },
        },
        refuse: {
          async effect() {
            throw rejected('PRECONDITION_FAILED', 'no');
          },
        },
      },
      new Map([
        ['touch', declaration('touch')],
        ['refuse', declaration('refuse')],
      ]),
    );
    const wakes: string[] = [];
    const principal = principalFromClaims({ sub: 'ops', scope: 'crm:write', legal_entities: '*' });
    const ctx: Ctx = {
      ledger,
      ledgerReads: ledger,
      adapter: transactionPorts<unknown>() as Ctx['adapter'],
      scope: recordScope(principal),
      request: {
        requestId: 'req-1',
        logger: createLogger('silent'),
        principal,
        principalToken: '',
        idempotencyKey: null,
        correlationId: 'deal-1',
        traceparent: newTraceparent(),
        signal: NEVER_ABORTED,
      },
      peers: {} as Peers,
      clock: () => new Date('2025-01-01T00:00:00.000Z'),
      eventsCommitted: (capability) => void wakes.push(capability),
    };
    await resolvers.touch!(null, { input: { idempotencyKey: 'k-1' } }, ctx);
    expect(wakes).toEqual(['demo.touch']);
    await resolvers.touch!(null, { input: { idempotencyKey: 'k-1' } }, ctx);
    expect(wakes).toEqual(['demo.touch']);
    await resolvers.refuse!(null, { input: { idempotencyKey: 'k-2' } }, ctx);
    expect(wakes).toEqual(['demo.touch']);
    expect(await ledger.selectFrom('outbox_events').select(['type', 'correlation_id']).execute()).toEqual([
      { type: 'Touched', correlation_id: 'deal-1' },
    ]);
  });
});
