/**
 * How a system's capabilities reach its system of record: through its ports (a read port and a
 * write port of business operations, speaking canonical types), bound for one capability call by
 * the system's adapter. Two kinds of adapter, one runner (`runCapability`):
 *
 * - `local`: the system of record is in our own database (the built-in SQL reference systems).
 *   The ports are bound to the capability's transaction, so the idempotency record, the effect,
 *   the outbox events and the audit entry commit or roll back together.
 * - `remote`: the system of record is a vendor API (Salesforce, NetSuite, ...), not transactional
 *   with us. The runner records the intent and the idempotency record locally first, then binds
 *   the ports to a `RemoteCall` whose external keys are deterministic for the call: every write
 *   the adapter makes carries one (Salesforce upsert by External ID, NetSuite `externalId`, a
 *   HubSpot unique property), and before writing again after a failed or lost answer the adapter
 *   looks the record up by that key. The runner then records the outcome locally.
 */
import type { Transaction } from 'kysely';
import type { RecordScope } from '../../../policies/recordScope.ts';
import type { CapabilityTables } from './tables.ts';

export type SystemAdapter<Ports> = LocalAdapter<Ports> | RemoteAdapter<Ports>;

export interface LocalAdapter<Ports> {
  readonly kind: 'local';
  /**
   * The ports inside the capability's transaction. `trx` is a transaction on the system's own
   * database (the one that also holds the capability tables); the adapter types it as its tables.
   * Every read the ports make is within `scope` (a hidden record reads as a missing one).
   */
  bind(trx: Transaction<CapabilityTables>, scope: RecordScope): Ports;
}

export interface RemoteAdapter<Ports> {
  readonly kind: 'remote';
  /** The ports for one attempt of one capability call; every read within `scope`. */
  bind(call: RemoteCall, scope: RecordScope): Ports;
}

export interface RemoteCall {
  /**
   * The external key of one write of this call: the same capability call (principal, client,
   * capability, idempotency key) gives the same key for the same `operation` on every attempt,
   * and no other call ever gives it. `operation` names the write within the call ('opportunity',
   * 'line:0', ...).
   */
  externalKey(operation: string): string;
  /** 1 for the first attempt; more when an earlier attempt failed or its answer was lost. */
  readonly attempt: number;
}
