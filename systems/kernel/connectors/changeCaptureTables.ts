/**
 * Where a connector's change capture keeps its place (docs/connectors.md#change-capture), in the
 * local ledger database beside the outbox it feeds:
 * - `connector_watermarks`: per stream (`salesforce:Opportunity`), the high-water mark reached (the
 *   vendor's modification stamp of the newest change handled) and when the last poll ended;
 * - `connector_seen`: per record of a stream, the fingerprint of what was last seen of it, so the
 *   overlap every poll re-reads (and a change Tessera itself wrote) yields no second event.
 * One spec: the system that runs a connector creates them with one migration of its own.
 */
import { column, type TablesOf } from '../tableSpec.ts';

export const changeCaptureTables = {
  connector_watermarks: {
    columns: {
      stream: column.id,
      mark: column.text,
      polled_at: column.text,
    },
  },
  connector_seen: {
    columns: {
      /** `<stream>|<record id>`. */
      id: column.id,
      fingerprint: column.text,
      seen_at: column.text,
    },
  },
} as const;

export type ChangeCaptureTables = TablesOf<typeof changeCaptureTables>;
