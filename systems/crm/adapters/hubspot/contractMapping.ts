/**
 * Contracts and their amendments as HubSpot custom objects (docs/connectors.md#hubspot): HubSpot
 * has no contract object, so the portal defines two, with one property per canonical field.
 */
import type { Contract, ContractAmendment, ContractLineChange } from '../../ports/types.ts';
import { KEEPING, type HubSpotObject, type Properties } from './objects.ts';
import { decimalE4, e4Of, optional, required, text } from './values.ts';

export function contractProperties(contract: Contract): Properties {
  return {
    [KEEPING.id]: contract.id,
    [KEEPING.version]: text(contract.aggregateVersion),
    contract_number: contract.contractNumber,
    contract_version: text(contract.version),
    title: contract.title,
    status: contract.status,
    account_id: contract.accountId,
    opportunity_id: contract.opportunityId,
    legal_entity_id: contract.legalEntityId,
    start_date: contract.startDate,
    end_date: contract.endDate,
    total_value: decimalE4(contract.totalContractValue.amountE4),
    currency: contract.totalContractValue.currency,
    billing_method: contract.billingMethod,
    signed_at: contract.signedAt,
    customer_signatory: contract.customerSignatory,
    submitted_by: contract.submittedBy,
    approved_by: contract.approvedBy,
    approved_at: contract.approvedAt,
    document_url: contract.documentUrl,
    activated_at: contract.activatedAt,
  };
}

export function contractOf(object: HubSpotObject): Contract {
  const p = object.properties;
  return {
    id: required(p, KEEPING.id),
    contractNumber: required(p, 'contract_number'),
    version: Number(required(p, 'contract_version')),
    title: required(p, 'title'),
    status: required(p, 'status'),
    accountId: required(p, 'account_id'),
    opportunityId: optional(p, 'opportunity_id'),
    legalEntityId: required(p, 'legal_entity_id'),
    startDate: required(p, 'start_date'),
    endDate: required(p, 'end_date'),
    totalContractValue: { amountE4: e4Of(required(p, 'total_value')), currency: required(p, 'currency') },
    billingMethod: required(p, 'billing_method'),
    signedAt: optional(p, 'signed_at'),
    customerSignatory: optional(p, 'customer_signatory'),
    submittedBy: optional(p, 'submitted_by'),
    approvedBy: optional(p, 'approved_by'),
    approvedAt: optional(p, 'approved_at'),
    documentUrl: optional(p, 'document_url'),
    activatedAt: optional(p, 'activated_at'),
    aggregateVersion: Number(required(p, KEEPING.version)),
  };
}

export function amendmentProperties(amendment: ContractAmendment): Properties {
  return {
    [KEEPING.id]: amendment.id,
    contract_id: amendment.contractId,
    kind: amendment.kind,
    status: amendment.status,
    from_version: text(amendment.fromVersion),
    to_version: text(amendment.toVersion),
    reason: amendment.reason,
    requested_by: amendment.requestedBy,
    requested_at: amendment.requestedAt,
    approved_by: amendment.approvedBy,
    approved_at: amendment.approvedAt,
    closed_by: amendment.closedBy,
    closed_at: amendment.closedAt,
    close_reason: amendment.closeReason,
    previous_value: decimalE4(amendment.previousValue.amountE4),
    previous_currency: amendment.previousValue.currency,
    new_value: decimalE4(amendment.newValue.amountE4),
    new_currency: amendment.newValue.currency,
    previous_end_date: amendment.previousEndDate,
    new_end_date: amendment.newEndDate,
    line_changes: JSON.stringify(amendment.lineChanges),
  };
}

export function amendmentOf(object: HubSpotObject): ContractAmendment {
  const p = object.properties;
  return {
    id: required(p, KEEPING.id),
    contractId: required(p, 'contract_id'),
    kind: required(p, 'kind'),
    status: required(p, 'status'),
    fromVersion: Number(required(p, 'from_version')),
    toVersion: Number(required(p, 'to_version')),
    reason: required(p, 'reason'),
    requestedBy: required(p, 'requested_by'),
    requestedAt: required(p, 'requested_at'),
    approvedBy: optional(p, 'approved_by'),
    approvedAt: optional(p, 'approved_at'),
    closedBy: optional(p, 'closed_by'),
    closedAt: optional(p, 'closed_at'),
    closeReason: optional(p, 'close_reason'),
    previousValue: { amountE4: e4Of(required(p, 'previous_value')), currency: required(p, 'previous_currency') },
    newValue: { amountE4: e4Of(required(p, 'new_value')), currency: required(p, 'new_currency') },
    previousEndDate: required(p, 'previous_end_date'),
    newEndDate: required(p, 'new_end_date'),
    lineChanges: JSON.parse(required(p, 'line_changes')) as ContractLineChange[],
  };
}
