/** Fixture #12 of docs/demo-data.md as the crosswalk sees it: "Acme Corp" (Salesforce) and "ACME Corporation Inc." (HubSpot). */

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
