import type { DomainEventDraft } from './types.ts';

/** An aggregate (a canonical record) at its new version. */
export interface VersionedAggregate {
  readonly id: string;
  readonly aggregateVersion: number;
}

/** A domain event about one aggregate at its new version. */
export function aggregateEvent(
  type: string,
  aggregateType: string,
  aggregate: VersionedAggregate,
  legalEntityId: string | null,
  payload: Record<string, unknown>,
): DomainEventDraft {
  return { type, aggregateType, aggregateId: aggregate.id, aggregateVersion: aggregate.aggregateVersion, legalEntityId, payload };
}
