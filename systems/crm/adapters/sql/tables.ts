import { column as c, type TableSpec, type TablesOf, type RowOf } from '../../../kernel/tableSpec.ts';

/** The CRM reference system's tables. */
export const crmTables = {
  accounts: {
    columns: {
      id: c.id,
      name: c.text,
      website: c.optionalText,
      industry: c.optionalText,
      segment: c.optionalText,
      type: c.text,
      annual_revenue_e4: c.optionalBig,
      annual_revenue_currency: c.optionalText,
      employee_count: c.optionalInt,
      parent_id: c.optionalRef('accounts'),
      source_system: c.text,
      source_id: c.text,
      // The customer's tax id as its CRM holds it (docs/crosswalk.md#match-rules): added by 0010.
      tax_id: c.later(10, c.optionalText),
    },
    unique: [['source_system', 'source_id']],
    indexes: [['name']],
  },
  contacts: {
    columns: {
      id: c.id,
      account_id: c.ref('accounts'),
      first_name: c.text,
      last_name: c.text,
      email: c.optionalText,
      title: c.optionalText,
      // Where the contact comes from (docs/model.md#external-references): added by 0009, which fills the
      // rows before it (contactSources.ts) and makes the pair unique as the accounts' is.
      source_system: c.later(9, { type: 'text', default: '' }),
      source_id: c.later(9, { type: 'text', default: '' }),
    },
    indexes: [['account_id']],
  },
  opportunities: {
    columns: {
      id: c.id,
      account_id: c.ref('accounts'),
      name: c.text,
      stage: c.text,
      source_stage: c.text,
      probability: c.int,
      forecast_category: c.text,
      type: c.text,
      amount_e4: c.big,
      currency: c.text,
      close_date: c.text,
      loss_reason: c.optionalText,
      legal_entity_id: c.text,
      primary_contact_id: c.optionalRef('contacts'),
      source_system: c.text,
      source_id: c.text,
      aggregate_version: c.aggregateVersion(3),
    },
    unique: [['source_system', 'source_id']],
    indexes: [['account_id', 'stage'], ['stage']],
  },
  opportunity_lines: {
    columns: {
      id: c.id,
      opportunity_id: c.ref('opportunities'),
      service_offering: c.text,
      billing_method: c.text,
      amount_e4: c.big,
      estimated_hours_e2: c.optionalBig,
      start_date: c.text,
      end_date: c.text,
      // The PSA role the line's work needs (a pre-sales resource request; docs/model.md#opportunity): added by 0005.
      role_id: c.later(5, c.optionalText),
    },
    indexes: [['opportunity_id']],
  },
  contracts: {
    columns: {
      id: c.id,
      contract_number: c.text,
      version: c.int,
      title: c.text,
      status: c.text,
      account_id: c.ref('accounts'),
      opportunity_id: c.optionalRef('opportunities'),
      legal_entity_id: c.text,
      start_date: c.text,
      end_date: c.text,
      tcv_e4: c.big,
      currency: c.text,
      billing_method: c.text,
      signed_at: c.optionalText,
      customer_signatory: c.optionalText,
      aggregate_version: c.aggregateVersion(3),
      // Who moved it through approval (segregation of duties), and the signature evidence.
      submitted_by: c.later(3, c.optionalText),
      approved_by: c.later(3, c.optionalText),
      approved_at: c.later(3, c.optionalText),
      document_url: c.later(3, c.optionalText),
      activated_at: c.later(3, c.optionalText),
    },
    unique: [['contract_number', 'version']],
    indexes: [['account_id'], ['status'], ['opportunity_id']],
  },
  // Issue 12: amendments and change orders, each a version of its contract (docs/model.md#contractamendment).
  contract_amendments: {
    since: 6,
    columns: {
      id: c.id,
      contract_id: c.ref('contracts'),
      kind: c.text,
      status: c.text,
      from_version: c.int,
      to_version: c.int,
      reason: c.text,
      requested_by: c.text,
      requested_at: c.text,
      approved_by: c.optionalText,
      approved_at: c.optionalText,
      closed_by: c.optionalText,
      closed_at: c.optionalText,
      close_reason: c.optionalText,
      previous_tcv_e4: c.big,
      tcv_e4: c.big,
      currency: c.text,
      previous_end_date: c.text,
      end_date: c.text,
      line_changes: c.text,
    },
    indexes: [['contract_id']],
  },
} as const satisfies Record<string, TableSpec>;

export type CrmTables = TablesOf<typeof crmTables>;
export type AccountRow = RowOf<typeof crmTables.accounts>;
export type ContactRow = RowOf<typeof crmTables.contacts>;
export type OpportunityRow = RowOf<typeof crmTables.opportunities>;
export type OpportunityLineRow = RowOf<typeof crmTables.opportunity_lines>;
export type ContractRow = RowOf<typeof crmTables.contracts>;
export type ContractAmendmentRow = RowOf<typeof crmTables.contract_amendments>;
