/**
 * Readers of what capability calls wrote in a reference system's own database (the systems run in
 * process in tests): the system and its database, outbox events, audit entries, row counts.
 */
import type { Kysely } from 'kysely';
import type { CrmTables } from '../../systems/crm/adapters/sql/tables.ts';
import type { ErpTables } from '../../systems/erp/adapters/sql/tables.ts';
import type { PsaTables } from '../../systems/psa/adapters/sql/tables.ts';
import type { CapabilityTables } from '../../systems/kernel/capability/tables.ts';
import type { TestTessera } from './startTestTessera.ts';

export type CrmDb = Kysely<CrmTables & CapabilityTables>;
export type PsaDb = Kysely<PsaTables & CapabilityTables>;
export type ErpDb = Kysely<ErpTables & CapabilityTables>;

type Systems = TestTessera['tessera']['systems'];
export type SystemName = keyof Systems;

/** A reference system of the Tessera (an error if it does not run in process). */
export function inProcessSystem<N extends SystemName>(tessera: TestTessera, name: N): NonNullable<Systems[N]> {
  const system = tessera.tessera.systems[name];
  if (!system) throw new Error(`the ${name.toUpperCase()} runs in process in tests`);
  return system;
}

/** The CRM system's database. */
export function crmDb(tessera: TestTessera): CrmDb {
  return inProcessSystem(tessera, 'crm').db as unknown as CrmDb;
}

/** The PSA system's database. */
export function psaDb(tessera: TestTessera): PsaDb {
  return inProcessSystem(tessera, 'psa').db as unknown as PsaDb;
}

/** The ERP system's database. */
export function erpDb(tessera: TestTessera): ErpDb {
  return inProcessSystem(tessera, 'erp').db as unknown as ErpDb;
}

/** A system's database as far as the tables every system carries for its capabilities go. */
function capabilityDb(tessera: TestTessera, system: SystemName): Kysely<CapabilityTables> {
  return inProcessSystem(tessera, system).db as unknown as Kysely<CapabilityTables>;
}

/** An outbox event as the relay would read it, payload parsed. */
export interface OutboxEvent {
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
  readonly correlationId: string;
  readonly legalEntityId: string | null;
  readonly payload: unknown;
}

/** An outbox event with its cause, when it happened and when the relay published it. */
export interface TimedOutboxEvent extends OutboxEvent {
  readonly causationId: string | null;
  readonly publishedAt: string | null;
  readonly occurredAt: string;
}

/**
 * The outbox events of `system` whose `column` is `value`: in version order (then by instant), or
 * by type then aggregate id (`byType`: one call's events share their instant).
 */
export async function outboxEvents(
  tessera: TestTessera,
  system: SystemName,
  column: 'aggregate_id' | 'correlation_id',
  value: string,
  order: 'byVersion' | 'byType' = 'byVersion',
): Promise<TimedOutboxEvent[]> {
  const [first, second] = order === 'byVersion' ? (['aggregate_version', 'occurred_at'] as const) : (['type', 'aggregate_id'] as const);
  const rows = await capabilityDb(tessera, system)
    .selectFrom('outbox_events')
    .selectAll()
    .where(column, '=', value)
    .orderBy(first)
    .orderBy(second)
    .execute();
  return rows.map((row) => ({
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    legalEntityId: row.legal_entity_id,
    payload: JSON.parse(row.payload_json) as unknown,
    publishedAt: row.published_at,
    occurredAt: row.occurred_at,
  }));
}

/** The event without its cause and instants (what the PSA and ERP suites compare). */
export function untimed(event: TimedOutboxEvent): OutboxEvent {
  const { causationId: _causationId, publishedAt: _publishedAt, occurredAt: _occurredAt, ...rest } = event;
  return rest;
}

/** An audit entry of a capability call. */
export interface AuditEntry {
  readonly outcome: string;
  readonly capability: string;
  readonly version: number;
  readonly principalSub: string;
  readonly idempotencyKey: string;
  readonly requestId: string;
  readonly errorCode: string | null;
}

/** The audit entries `system` wrote for one idempotency key, oldest first. */
export async function auditEntries(tessera: TestTessera, system: SystemName, idempotencyKey: string): Promise<AuditEntry[]> {
  const rows = await capabilityDb(tessera, system)
    .selectFrom('audit_log')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    outcome: row.outcome,
    capability: row.capability,
    version: row.version,
    principalSub: row.principal_sub,
    idempotencyKey: row.idempotency_key,
    requestId: row.request_id,
    errorCode: row.error_code,
  }));
}

/** How many rows each of `tables` holds. */
export async function countRows<DB>(db: Kysely<DB>, tables: readonly (keyof DB & string)[]): Promise<Record<string, number>> {
  const untyped = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await untyped
      .selectFrom(table as string)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
