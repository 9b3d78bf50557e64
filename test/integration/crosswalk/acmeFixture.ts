/** Fixture #12 of docs/demo-data.md as the crosswalk sees it: "Acme Corp" (Salesforce) and "ACME Corporation Inc." (HubSpot). */
import type { NewMerge } from '../../../systems/integration/crosswalk/store.ts';
import { mergeRules } from '../../../systems/integration/crosswalk/survivorship.ts';

export const ACME_SF = 'acc_00001';
export const ACME_HS = 'acc_00046';
export const SF_REF = { system: 'salesforce', objectType: 'Account', externalId: '001AJLNMYUAJptFtbR' };
export const HS_REF = { system: 'hubspot', objectType: 'company', externalId: '4000000451' };

/** The rules of a merge of the pair that lets HubSpot's website win (the defaults decide the rest). */
export const ACME_RULES = [
  { field: 'NAME', winner: 'salesforce' },
  { field: 'WEBSITE', winner: 'hubspot' },
  { field: 'INDUSTRY', winner: 'salesforce' },
  { field: 'SEGMENT', winner: 'salesforce' },
  { field: 'TYPE', winner: 'survivor' },
  { field: 'ANNUAL_REVENUE', winner: 'salesforce' },
  { field: 'EMPLOYEE_COUNT', winner: 'salesforce' },
];

/** The pair's merge as a test writes it straight into the crosswalk's store (no capability): the default rules. */
export const ACME_MERGE: NewMerge = {
  id: 'xwm_acme',
  entity_type: 'ACCOUNT',
  survivor_id: ACME_SF,
  survivor_system: SF_REF.system,
  survivor_external_id: SF_REF.externalId,
  survivor_object_type: SF_REF.objectType,
  duplicate_id: ACME_HS,
  duplicate_system: HS_REF.system,
  duplicate_external_id: HS_REF.externalId,
  duplicate_object_type: HS_REF.objectType,
  account_id: ACME_SF,
  duplicate_account_id: null,
  legal_entity_id: null,
  score: 90,
  reason: null,
  survivorship: JSON.stringify(mergeRules([], ['salesforce', 'hubspot'])),
  merged_by: 'sam.steward',
  merged_at: '2026-03-01T00:00:00.000Z',
};
