/** The CRM's domain events (docs/model.md#crm), built with the kernel's one envelope builder. */
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import type { DomainEventDraft } from '../../kernel/capability/types.ts';
import type { Contract, Opportunity } from '../ports/types.ts';

export function opportunityEvent(type: string, opportunity: Opportunity, payload: Record<string, unknown>): DomainEventDraft {
  return aggregateEvent(type, 'Opportunity', opportunity, opportunity.legalEntityId, {
    opportunityId: opportunity.id,
    stage: opportunity.stage,
    ...payload,
  });
}

export function contractEvent(type: string, contract: Contract, payload: Record<string, unknown>): DomainEventDraft {
  return aggregateEvent(type, 'Contract', contract, contract.legalEntityId, {
    contractId: contract.id,
    contractNumber: contract.contractNumber,
    status: contract.status,
    ...payload,
  });
}
