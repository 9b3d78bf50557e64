import type { DomainEventDraft } from '../../runtime/capability/types.ts';

/** A PSA domain event about one aggregate at its new version. */
export function psaEvent(
  type: string,
  aggregateType: string,
  row: { readonly id: string; readonly aggregate_version: number },
  legalEntityId: string,
  payload: Record<string, unknown>,
): DomainEventDraft {
  return { type, aggregateType, aggregateId: row.id, aggregateVersion: row.aggregate_version, legalEntityId, payload };
}
