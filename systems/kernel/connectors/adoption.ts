/**
 * Adopting records a vendor created (docs/connectors.md#adopting-vendor-records): a record a person
 * made in the vendor's own UI has no Tessera id. The change capture gives it one, derived from
 * `(system, vendor id)` alone, so two pollers racing on the same record assign the same id and their
 * write-backs agree; and keeps the mapping in the ledger (`connector_seen`, one row per vendor
 * record, unique), written in the transaction of the adoption's events: the poller whose row goes in
 * writes the events, a racing one that finds the row taken writes none.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ChangeCaptureTables } from './changeCaptureTables.ts';

/** The canonical id of the vendor record `vendorId` of `system`: `<prefix>_` and 20 hex digits, as newId's ids look. */
export function adoptedId(prefix: string, system: string, vendorId: string): string {
  return `${prefix}_${createHash('sha256').update(`${system}:${vendorId}`).digest('hex').slice(0, 20)}`;
}

/** The ledger row (`connector_seen.id`) of the adoption of vendor record `vendorId` by `stream`; its fingerprint is the canonical id. */
export function adoptionKey(stream: string, vendorId: string): string {
  return `${stream}|adopted:${vendorId}`;
}

/** The records `stream` adopted: vendor id → canonical id. */
export async function adoptionsOf(ledger: Kysely<ChangeCaptureTables>, stream: string): Promise<Map<string, string>> {
  const prefix = adoptionKey(stream, '');
  const rows = await ledger.selectFrom('connector_seen').select(['id', 'fingerprint']).where('id', 'like', `${prefix}%`).execute();
  return new Map(rows.filter((row) => row.id.startsWith(prefix)).map((row) => [row.id.slice(prefix.length), row.fingerprint]));
}
