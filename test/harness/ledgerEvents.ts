/** The outbox of a remote adapter's ledger (`openLedger`), as the change-capture suites compare it. */
import type { Kysely } from 'kysely';
import type { CapabilityTables } from '../../systems/kernel/capability/tables.ts';

export interface LedgerEvent {
  readonly type: string;
  readonly id: string;
  readonly version: number;
  readonly payload: unknown;
}

/** Every outbox event of `ledger`, by version, then in the order it was written. */
export async function ledgerEvents(ledger: Kysely<CapabilityTables>): Promise<LedgerEvent[]> {
  const rows = await ledger
    .selectFrom('outbox_events')
    .select(['type', 'aggregate_id', 'aggregate_version', 'payload_json'])
    .orderBy('aggregate_version')
    .orderBy('occurred_at')
    .execute();
  return rows.map((row) => ({
    type: row.type,
    id: row.aggregate_id,
    version: row.aggregate_version,
    payload: JSON.parse(row.payload_json) as unknown,
  }));
}
