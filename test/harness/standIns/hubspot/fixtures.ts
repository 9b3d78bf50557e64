/**
 * The portal the HubSpot stand-in plays: its deal pipelines and the properties each object has
 * (HubSpot's own, and the ones docs/connectors.md#hubspot tells an admin to create). A write naming
 * a property the portal lacks is refused as HubSpot refuses it (400 VALIDATION_ERROR).
 */

/** Pipelines as `GET /crm/v3/pipelines/deals` answers them: https://developers.hubspot.com/docs/api/crm/pipelines */
export const DEAL_PIPELINES = [
  {
    id: 'default',
    label: 'Sales Pipeline',
    displayOrder: 0,
    archived: false,
    stages: [
      stage('appointmentscheduled', 'Appointment Scheduled', 0, '0.1', false),
      stage('qualifiedtobuy', 'Qualified To Buy', 1, '0.25', false),
      stage('presentationscheduled', 'Presentation Scheduled', 2, '0.5', false),
      stage('decisionmakerboughtin', 'Decision Maker Bought-In', 3, '0.6', false),
      stage('contractsent', 'Contract Sent', 4, '0.75', false),
      stage('closedwon', 'Closed Won', 5, '1.0', true),
      stage('closedlost', 'Closed Lost', 6, '0.0', true),
    ],
  },
  {
    // The acquired firm's own pipeline (seed/catalog.ts HUBSPOT_CUSTOM_STAGES).
    id: '1187261',
    label: 'Services pipeline',
    displayOrder: 1,
    archived: false,
    stages: [
      stage('1187262', 'Discovery', 0, '0.1', false),
      stage('1187263', 'Qualified', 1, '0.25', false),
      stage('1187264', 'Proposal', 2, '0.5', false),
      stage('1187265', 'Negotiation', 3, '0.75', false),
      stage('1187266', 'Won', 4, '1.0', true),
      stage('1187267', 'Lost', 5, '0.0', true),
    ],
  },
];

function stage(id: string, label: string, displayOrder: number, probability: string, closed: boolean) {
  return { id, label, displayOrder, archived: false, metadata: { isClosed: String(closed), probability } };
}

const KEEPING = ['tessera_id', 'tessera_external_key', 'tessera_created_by', 'tessera_changed_by', 'tessera_before', 'tessera_version'];
const SOURCE = ['tessera_source_system', 'tessera_source_id'];
/** Every object has these (read-only): https://developers.hubspot.com/docs/api/crm/understanding-the-crm */
export const READ_ONLY = ['hs_object_id', 'createdate', 'hs_lastmodifieddate'];

/** The properties per object type; the unique ones are `tessera_id` and `tessera_external_key`. */
export const PORTAL_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  companies: [
    ...KEEPING,
    ...SOURCE,
    'name',
    'domain',
    'website',
    'industry',
    'tessera_industry',
    'tessera_segment',
    'tessera_account_type',
    'annualrevenue',
    'tessera_annual_revenue_currency',
    'numberofemployees',
    'tessera_parent_id',
    // A custom property the portal makes for the tax id (HubSpot has none by default): TESSERA_HUBSPOT_TAX_ID_PROPERTY.
    'tax_id',
  ],
  contacts: [...KEEPING, ...SOURCE, 'firstname', 'lastname', 'email', 'jobtitle', 'tessera_account_id'],
  deals: [
    ...KEEPING,
    ...SOURCE,
    'dealname',
    'pipeline',
    'dealstage',
    'tessera_source_stage',
    'tessera_stage',
    'amount',
    'deal_currency_code',
    'closedate',
    'closed_lost_reason',
    'dealtype',
    'tessera_opportunity_type',
    'tessera_legal_entity_id',
    'tessera_account_id',
    'tessera_primary_contact_id',
  ],
  line_items: [
    ...KEEPING,
    'name',
    'price',
    'quantity',
    'tessera_billing_method',
    'tessera_estimated_hours',
    'tessera_start_date',
    'tessera_end_date',
    'tessera_role_id',
    'tessera_opportunity_id',
  ],
  p_tessera_contracts: [
    ...KEEPING,
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
  p_tessera_contract_amendments: [
    ...KEEPING,
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
};

export const UNIQUE_PROPERTIES = ['tessera_id', 'tessera_external_key', 'hs_object_id'];

/** Association type ids of the default associations: https://developers.hubspot.com/docs/api/crm/associations */
export const DEFAULT_ASSOCIATION_TYPES: Readonly<Record<string, number>> = {
  'deals/companies': 5,
  'companies/deals': 6,
  'contacts/companies': 1,
  'companies/contacts': 2,
  'line_items/deals': 20,
  'deals/line_items': 19,
};
