/**
 * The crosswalk's domain events (docs/crosswalk.md#events), written to the integration system's
 * outbox in the merge's transaction. Their aggregate is the canonical record's crosswalk (type
 * `Crosswalk`, id the survivor's canonical id) at its new crosswalk version: every merge into a
 * survivor and every unmerge from it moves that version, so a consumer sees a survivor's links
 * change in order. A call that changes nothing (a replay, ALREADY_IN_STATE, a refusal) emits nothing.
 */
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import type { DomainEventDraft } from '../../kernel/capability/types.ts';
import { choicesOf } from './survivorship.ts';
import type { CrosswalkMergeRow } from './tables.ts';

export const ACCOUNTS_MERGED = 'AccountsMerged';
export const OPPORTUNITIES_MERGED = 'OpportunitiesMerged';
export const RECORDS_UNMERGED = 'RecordsUnmerged';

/** Every event type the crosswalk emits (a consumer of link changes wants these). */
export const CROSSWALK_EVENT_TYPES = [ACCOUNTS_MERGED, OPPORTUNITIES_MERGED, RECORDS_UNMERGED] as const;

/** The fields every crosswalk event carries: which merge, which canonical record, which source records. */
function linkOf(merge: CrosswalkMergeRow) {
  return {
    mergeId: merge.id,
    entityType: merge.entity_type,
    survivorId: merge.survivor_id,
    duplicateId: merge.duplicate_id,
    // The customer account (the webhooks' audience reads it: docs/processes.md#webhooks).
    accountId: merge.account_id,
    survivorRef: { system: merge.survivor_system, objectType: merge.survivor_object_type, externalId: merge.survivor_external_id },
    duplicateRef: { system: merge.duplicate_system, objectType: merge.duplicate_object_type, externalId: merge.duplicate_external_id },
    survivorship: choicesOf(merge.survivorship),
  };
}

function crosswalkEvent(
  type: string,
  merge: CrosswalkMergeRow,
  crosswalkVersion: number,
  payload: Record<string, unknown>,
): DomainEventDraft {
  return aggregateEvent(type, 'Crosswalk', { id: merge.survivor_id, aggregateVersion: crosswalkVersion }, merge.legal_entity_id, {
    ...linkOf(merge),
    ...payload,
  });
}

/** `AccountsMerged` or `OpportunitiesMerged`: `merge` just recorded, its survivor now at `crosswalkVersion`. */
export function mergedEvent(merge: CrosswalkMergeRow, crosswalkVersion: number): DomainEventDraft {
  return crosswalkEvent(merge.entity_type === 'ACCOUNT' ? ACCOUNTS_MERGED : OPPORTUNITIES_MERGED, merge, crosswalkVersion, {
    score: merge.score,
    reason: merge.reason,
    // `...By` keys are the firm's people: webhooks leave them out (docs/processes.md#webhooks).
    mergedBy: merge.merged_by,
    mergedAt: merge.merged_at,
  });
}

/** `RecordsUnmerged`: `merge` just closed (with the rules it had applied), its survivor now at `crosswalkVersion`. */
export function unmergedEvent(merge: CrosswalkMergeRow, crosswalkVersion: number): DomainEventDraft {
  return crosswalkEvent(RECORDS_UNMERGED, merge, crosswalkVersion, {
    reason: merge.unmerge_reason,
    unmergedBy: merge.unmerged_by,
    unmergedAt: merge.unmerged_at,
  });
}
