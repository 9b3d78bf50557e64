/**
 * The canonical records the adapter keeps in HubSpot, one entry per kind: the object type, the
 * properties it reads, and the mapping from an object. Reads bound to a capability call see the
 * records as they were before that call wrote anything (`beforeCall`), as the kernel's in-memory
 * remote adapter does (systems/kernel/adapters/memory/callHistory.ts).
 */
import { DEFAULT_TAX_ID_PROPERTY } from '../../../../core/config/hubspot.ts';
import type { Account, Contact, Contract, ContractAmendment, Opportunity, OpportunityLine } from '../../ports/types.ts';
import { accountOf, contactOf } from './accountMapping.ts';
import { amendmentOf, contractOf } from './contractMapping.ts';
import { lineOf, opportunityOf } from './dealMapping.ts';
import { KEEPING, type HubSpotObject, type HubSpotObjectTypes } from './objects.ts';
import type { StageMap } from './stageMap.ts';

export interface RecordKind<T> {
  readonly type: keyof HubSpotObjectTypes;
  readonly properties: readonly string[];
  of(object: HubSpotObject, stages: StageMap): T;
}

const CALL = [KEEPING.id, KEEPING.createdBy, KEEPING.changedBy, KEEPING.before];
const SOURCE = ['tessera_source_system', 'tessera_source_id'];

/** Companies as accounts, the tax id read from `taxIdProperty` (the portal's: `TESSERA_HUBSPOT_TAX_ID_PROPERTY`). */
export function accountKind(taxIdProperty: string): RecordKind<Account> {
  return {
    type: 'company',
    properties: [
      ...CALL,
      ...SOURCE,
      'name',
      'website',
      'tessera_industry',
      'tessera_segment',
      'tessera_account_type',
      'annualrevenue',
      'tessera_annual_revenue_currency',
      'numberofemployees',
      'tessera_parent_id',
      taxIdProperty,
    ],
    of: (object) => accountOf(object, taxIdProperty),
  };
}

/** Companies as accounts with the tax id in the default property (the writes find a company by it only for its object id). */
export const ACCOUNT = accountKind(DEFAULT_TAX_ID_PROPERTY);

export const CONTACT: RecordKind<Contact> = {
  type: 'contact',
  properties: [...CALL, ...SOURCE, 'firstname', 'lastname', 'email', 'jobtitle', 'tessera_account_id'],
  of: (object) => contactOf(object),
};

export const OPPORTUNITY: RecordKind<Opportunity> = {
  type: 'deal',
  properties: [
    ...CALL,
    ...SOURCE,
    KEEPING.version,
    'dealname',
    'pipeline',
    'dealstage',
    'tessera_source_stage',
    'tessera_stage',
    'amount',
    'deal_currency_code',
    'closedate',
    'closed_lost_reason',
    'tessera_opportunity_type',
    'tessera_legal_entity_id',
    'tessera_account_id',
    'tessera_primary_contact_id',
  ],
  of: (object, stages) => opportunityOf(stages, object),
};

export const LINE: RecordKind<OpportunityLine> = {
  type: 'line',
  properties: [
    ...CALL,
    'name',
    'price',
    'tessera_billing_method',
    'tessera_estimated_hours',
    'tessera_start_date',
    'tessera_end_date',
    'tessera_role_id',
    'tessera_opportunity_id',
  ],
  of: (object) => lineOf(object),
};

export const CONTRACT: RecordKind<Contract> = {
  type: 'contract',
  properties: [
    ...CALL,
    KEEPING.version,
    'contract_number',
    'contract_version',
    'title',
    'status',
    'account_id',
    'opportunity_id',
    'legal_entity_id',
    'start_date',
    'end_date',
    'total_value',
    'currency',
    'billing_method',
    'signed_at',
    'customer_signatory',
    'submitted_by',
    'approved_by',
    'approved_at',
    'document_url',
    'activated_at',
  ],
  of: (object) => contractOf(object),
};

export const AMENDMENT: RecordKind<ContractAmendment> = {
  type: 'amendment',
  properties: [
    ...CALL,
    'contract_id',
    'kind',
    'status',
    'from_version',
    'to_version',
    'reason',
    'requested_by',
    'requested_at',
    'approved_by',
    'approved_at',
    'closed_by',
    'closed_at',
    'close_reason',
    'previous_value',
    'previous_currency',
    'new_value',
    'new_currency',
    'previous_end_date',
    'new_end_date',
    'line_changes',
  ],
  of: (object) => amendmentOf(object),
};

/** How an object reads: its record, another record, or absent (null). */
export type CallView = <T>(object: HubSpotObject, record: () => T) => T | null;

export const currentView: CallView = (_object, record) => record();

/** The records as they were before the call with `callKey` wrote anything. */
export function beforeCall(callKey: string): CallView {
  return <T>(object: HubSpotObject, record: () => T): T | null => {
    const p = object.properties;
    if (p[KEEPING.createdBy] === callKey) return null;
    const before = p[KEEPING.before];
    if (p[KEEPING.changedBy] === callKey && before) return JSON.parse(before) as T;
    return record();
  };
}
