import type { DomainEventDraft } from './types.ts';

/** An aggregate at its new version: a canonical record (`aggregateVersion`) or a row (`aggregate_version`). */
export type VersionedAggregate =
  { readonly id: string; readonly aggregateVersion: number } | { readonly id: string; readonly aggregate_version: number };

/** A domain event about one aggregate at its new version. */
export function aggregateEvent(
  type: string,
  aggregateType: string,
  aggregate: VersionedAggregate,
  legalEntityId: string | null,
  payload: Record<string, unknown>,
): DomainEventDraft {
  const aggregateVersion = 'aggregateVersion' in aggregate ? aggregate.aggregateVersion : aggregate.aggregate_version;
  return { type, aggregateType, aggregateId: aggregate.id, aggregateVersion, legalEntityId, payload };
}
