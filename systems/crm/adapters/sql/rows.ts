/** The CRM's SQL rows and its canonical records, one into the other, in one place. */
import type { Account, Contact, Contract, Opportunity, OpportunityLine } from '../../ports/types.ts';
import type { AccountRow, ContactRow, ContractRow, OpportunityLineRow, OpportunityRow } from './tables.ts';

export function accountOf(row: AccountRow): Account {
  return {
    id: row.id,
    name: row.name,
    website: row.website,
    industry: row.industry,
    segment: row.segment,
    type: row.type,
    annualRevenue:
      row.annual_revenue_e4 === null || row.annual_revenue_currency === null
        ? null
        : { amountE4: row.annual_revenue_e4, currency: row.annual_revenue_currency },
    employeeCount: row.employee_count,
    parentId: row.parent_id,
    taxId: row.tax_id,
    source: { system: row.source_system, id: row.source_id },
  };
}

export function accountRow(account: Account): AccountRow {
  return {
    id: account.id,
    name: account.name,
    website: account.website,
    industry: account.industry,
    segment: account.segment,
    type: account.type,
    annual_revenue_e4: account.annualRevenue?.amountE4 ?? null,
    annual_revenue_currency: account.annualRevenue?.currency ?? null,
    employee_count: account.employeeCount,
    parent_id: account.parentId,
    tax_id: account.taxId,
    source_system: account.source.system,
    source_id: account.source.id,
  };
}

export function contactOf(row: ContactRow): Contact {
  return {
    id: row.id,
    accountId: row.account_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    title: row.title,
    source: { system: row.source_system, id: row.source_id },
  };
}

export function contactRow(contact: Contact): ContactRow {
  return {
    id: contact.id,
    account_id: contact.accountId,
    first_name: contact.firstName,
    last_name: contact.lastName,
    email: contact.email,
    title: contact.title,
    source_system: contact.source.system,
    source_id: contact.source.id,
  };
}

export function opportunityOf(row: OpportunityRow): Opportunity {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    stage: row.stage,
    sourceStage: row.source_stage,
    probability: row.probability,
    forecastCategory: row.forecast_category,
    type: row.type,
    amount: { amountE4: row.amount_e4, currency: row.currency },
    closeDate: row.close_date,
    lossReason: row.loss_reason,
    legalEntityId: row.legal_entity_id,
    primaryContactId: row.primary_contact_id,
    source: { system: row.source_system, id: row.source_id },
    aggregateVersion: row.aggregate_version,
  };
}

export function opportunityRow(opportunity: Opportunity): OpportunityRow {
  return {
    id: opportunity.id,
    account_id: opportunity.accountId,
    name: opportunity.name,
    stage: opportunity.stage,
    source_stage: opportunity.sourceStage,
    probability: opportunity.probability,
    forecast_category: opportunity.forecastCategory,
    type: opportunity.type,
    amount_e4: opportunity.amount.amountE4,
    currency: opportunity.amount.currency,
    close_date: opportunity.closeDate,
    loss_reason: opportunity.lossReason,
    legal_entity_id: opportunity.legalEntityId,
    primary_contact_id: opportunity.primaryContactId,
    source_system: opportunity.source.system,
    source_id: opportunity.source.id,
    aggregate_version: opportunity.aggregateVersion,
  };
}

/** A line row; one written before 0005 (seed data in its first shape) may lack `role_id`. */
export function opportunityLineOf(row: Omit<OpportunityLineRow, 'role_id'> & { role_id?: string | null }): OpportunityLine {
  return {
    id: row.id,
    opportunityId: row.opportunity_id,
    serviceOffering: row.service_offering,
    billingMethod: row.billing_method,
    amountE4: row.amount_e4,
    estimatedHoursE2: row.estimated_hours_e2,
    startDate: row.start_date,
    endDate: row.end_date,
    roleId: row.role_id ?? null,
  };
}

export function opportunityLineRow(line: OpportunityLine): OpportunityLineRow {
  return {
    id: line.id,
    opportunity_id: line.opportunityId,
    service_offering: line.serviceOffering,
    billing_method: line.billingMethod,
    amount_e4: line.amountE4,
    estimated_hours_e2: line.estimatedHoursE2,
    start_date: line.startDate,
    end_date: line.endDate,
    role_id: line.roleId,
  };
}

export function contractOf(row: ContractRow): Contract {
  return {
    id: row.id,
    contractNumber: row.contract_number,
    version: row.version,
    title: row.title,
    status: row.status,
    accountId: row.account_id,
    opportunityId: row.opportunity_id,
    legalEntityId: row.legal_entity_id,
    startDate: row.start_date,
    endDate: row.end_date,
    totalContractValue: { amountE4: row.tcv_e4, currency: row.currency },
    billingMethod: row.billing_method,
    signedAt: row.signed_at,
    customerSignatory: row.customer_signatory,
    submittedBy: row.submitted_by,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    documentUrl: row.document_url,
    activatedAt: row.activated_at,
    aggregateVersion: row.aggregate_version,
  };
}

export function contractRow(contract: Contract): ContractRow {
  return {
    id: contract.id,
    contract_number: contract.contractNumber,
    version: contract.version,
    title: contract.title,
    status: contract.status,
    account_id: contract.accountId,
    opportunity_id: contract.opportunityId,
    legal_entity_id: contract.legalEntityId,
    start_date: contract.startDate,
    end_date: contract.endDate,
    tcv_e4: contract.totalContractValue.amountE4,
    currency: contract.totalContractValue.currency,
    billing_method: contract.billingMethod,
    signed_at: contract.signedAt,
    customer_signatory: contract.customerSignatory,
    submitted_by: contract.submittedBy,
    approved_by: contract.approvedBy,
    approved_at: contract.approvedAt,
    document_url: contract.documentUrl,
    activated_at: contract.activatedAt,
    aggregate_version: contract.aggregateVersion,
  };
}
