/**
 * Calls ERP capabilities the way the subgraph does (the Mutation resolvers: prepare, the kernel
 * runner, the adapter's ports), on any adapter, with the other systems played by a fake: the PSA's
 * billing draft and the CRM's contract are what the test says, and their steps accept.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../../core/logger.ts';
import { newTraceparent } from '../../../../core/http/traceContext.ts';
import { principalFromClaims } from '../../../../auth/principal.ts';
import { NEVER_ABORTED } from '../../../../auth/requestScope.ts';
import { recordScope } from '../../../../policies/recordScope.ts';
import { capabilityResolvers } from '../../../../systems/kernel/capability/capabilityResolvers.ts';
import type { Peers } from '../../../../systems/kernel/capability/peers.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { erpCapabilities } from '../../../../systems/erp/capabilities/index.ts';
import type { ErpContext } from '../../../../systems/erp/context.ts';
import { createErpLoaders } from '../../../../systems/erp/loaders.ts';
import type { ErpPorts } from '../../../../systems/erp/ports/ports.ts';
import type { ErpSystem } from './erpFixture.ts';
import type { Kysely } from 'kysely';

const resolvers = capabilityResolvers<ErpPorts, ErpContext>('erp', erpCapabilities);
const logger = createLogger('silent');
const finance = principalFromClaims({ sub: 'finance-clerk', legal_entities: '*' });

/** The world outside the ERP, as the fake peers answer it. */
export interface World {
  /** `_entities` answers by query name (`ErpReadsBillingDraft`, `ErpReadsContract`, ...). */
  readonly entities: Record<string, unknown>;
}

export const NOW = new Date('2026-11-20T09:30:00.000Z');

function peers(world: World): Peers {
  const fake: Peers = {
    read: async <T>(_system: string, query: string) => {
      const name = /query (\w+)/.exec(query)?.[1] ?? '';
      return { _entities: [world.entities[name] ?? null] } as T;
    },
    step: async <T>(_system: string, query: string) => {
      const field = /\{\s*(\w+)\(/.exec(query)?.[1] ?? 'step';
      return { [field]: { userErrors: [], contract: null, billingDraft: null } } as T;
    },
    within: () => fake,
  };
  return fake;
}

export type Payload = Record<string, unknown> & { readonly replayed: boolean; readonly userErrors?: readonly { code: string }[] };

/** Calls the Mutation field `field` with `input` under `idempotencyKey`; the request id is returned for the events. */
export async function callErp(
  system: ErpSystem,
  world: World,
  field: keyof typeof erpCapabilities,
  input: Record<string, unknown>,
  idempotencyKey: string,
  /** Who calls (finance-clerk unless named: an approval by another person, docs/invariants.md#inv-8). */
  sub?: string,
) {
  const principal = sub ? principalFromClaims({ sub, legal_entities: '*' }) : finance;
  const scope = recordScope(principal);
  const read = system.reads(scope);
  const requestId = randomUUID();
  const ctx: ErpContext = {
    scope,
    read,
    loaders: createErpLoaders(read),
    ledger: system.ledger,
    ledgerReads: system.ledgerReads,
    adapter: system.capabilities,
    request: {
      requestId,
      logger,
      principal,
      principalToken: '',
      idempotencyKey: null,
      correlationId: requestId,
      traceparent: newTraceparent(),
      signal: NEVER_ABORTED,
    },
    peers: peers(world),
    clock: () => NOW,
  };
  const payload = (await resolvers[field]!(undefined, { input: { ...input, idempotencyKey } }, ctx)) as Payload;
  return { payload, requestId };
}

/** The events a request recorded in the system's ledger, by type, ids as they are. */
export async function eventsOf(ledger: Kysely<CapabilityTables>, requestId: string) {
  const rows = await ledger.selectFrom('outbox_events').selectAll().where('correlation_id', '=', requestId).orderBy('type').execute();
  return rows.map((row) => ({
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    payload: JSON.parse(row.payload_json) as unknown,
  }));
}

/** The status of the idempotency record of a key (IN_PROGRESS while a remote call is open). */
export async function keyStatus(ledger: Kysely<CapabilityTables>, idempotencyKey: string): Promise<string | null> {
  const row = await ledger
    .selectFrom('idempotency_records')
    .select('status')
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row?.status ?? null;
}
