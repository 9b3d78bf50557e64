/**
 * The crosswalk's store (docs/crosswalk.md): which records of two CRMs are one customer (or one deal).
 * A merge row links a duplicate `(system, external id)` to the surviving canonical record and keeps
 * both source records untouched; an unmerge closes the row, which stays as the audit trail.
 * `active_key` is `<entity type>|<duplicate id>` while MERGED (unique: a record is absorbed into one
 * survivor at a time, whatever the race) and the merge's own id once UNMERGED. A canonical record's
 * crosswalk version (`crosswalk_identities`, 1 while it has no row) moves with every merge into it
 * and every unmerge from it: a merge names the version it read (`expectedVersion`).
 */
import { column, type RowOf, type TablesOf } from '../../kernel/tableSpec.ts';

/** The migration that creates them (`0004_integration_crosswalk`). */
export const CROSSWALK_SINCE = 4;

export const crosswalkTables = {
  crosswalk_merges: {
    since: CROSSWALK_SINCE,
    columns: {
      id: column.id,
      /** ACCOUNT | OPPORTUNITY */
      entity_type: column.text,
      survivor_id: column.text,
      survivor_system: column.text,
      survivor_external_id: column.text,
      /** The object type in the survivor's system (Account, company, Opportunity, deal). */
      survivor_object_type: column.text,
      duplicate_id: column.text,
      duplicate_system: column.text,
      duplicate_external_id: column.text,
      duplicate_object_type: column.text,
      /** The survivor's customer account (the account itself for an account merge): the partner scope's attribute. */
      account_id: column.text,
      /** An opportunity merge's duplicate's account (merged into `account_id`, or it); null for an account merge. */
      duplicate_account_id: column.optionalText,
      /** An opportunity merge's legal entity (the survivor's); null for an account merge. */
      legal_entity_id: column.optionalText,
      /** MERGED | UNMERGED */
      status: column.text,
      active_key: column.text,
      /** The match score when the steward merged a candidate (null: merged without one). */
      score: column.optionalInt,
      reason: column.optionalText,
      /** JSON `{ field: winner }`: the survivorship rules of this merge (the defaults and the steward's choices). */
      survivorship: column.text,
      merged_by: column.text,
      merged_at: column.text,
      unmerged_by: column.optionalText,
      unmerged_at: column.optionalText,
      unmerge_reason: column.optionalText,
      aggregate_version: column.int,
    },
    unique: [['active_key']],
    indexes: [['survivor_id'], ['duplicate_id'], ['account_id']],
  },
  crosswalk_identities: {
    since: CROSSWALK_SINCE,
    columns: {
      /** The canonical id. */
      id: column.id,
      entity_type: column.text,
      aggregate_version: column.int,
      updated_at: column.text,
    },
  },
} as const;

export type CrosswalkTables = TablesOf<typeof crosswalkTables>;
export type CrosswalkMergeRow = RowOf<typeof crosswalkTables.crosswalk_merges>;
