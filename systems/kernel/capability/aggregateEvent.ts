import type { DomainEventDraft } from './types.ts';

/** A domain event about one aggregate (a row with an id and an aggregate_version) at its new version. */
export function aggregateEvent(
  type: string,
  aggregateType: string,
  row: { readonly id: string; readonly aggregate_version: number },
  legalEntityId: string | null,
  payload: Record<string, unknown>,
): DomainEventDraft {
  return { type, aggregateType, aggregateId: row.id, aggregateVersion: row.aggregate_version, legalEntityId, payload };
}
