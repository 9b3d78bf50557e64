/**
 * The HubSpot objects the CRM maps to (docs/connectors.md#hubspot): companies, contacts, deals and
 * line items are HubSpot's own; contracts and their amendments, which HubSpot has no object for,
 * are custom objects the portal defines (their object type names come from the configuration).
 * Every object carries the unique `tessera_id` property (the canonical id); the objects Tessera
 * creates also carry the unique `tessera_external_key` (the capability call's external key, so a
 * create is looked up by it before it is made again) and the call history of the last change.
 */

/** Where the canonical records live in one portal. */
export interface HubSpotObjectTypes {
  readonly company: string;
  readonly contact: string;
  readonly deal: string;
  readonly line: string;
  readonly contract: string;
  readonly amendment: string;
}

export const DEFAULT_OBJECT_TYPES: HubSpotObjectTypes = {
  company: 'companies',
  contact: 'contacts',
  deal: 'deals',
  line: 'line_items',
  contract: 'p_tessera_contracts',
  amendment: 'p_tessera_contract_amendments',
};

/** The properties of Tessera's own bookkeeping, on every object it creates or changes. */
export const KEEPING = {
  id: 'tessera_id',
  externalKey: 'tessera_external_key',
  createdBy: 'tessera_created_by',
  changedBy: 'tessera_changed_by',
  before: 'tessera_before',
  version: 'tessera_version',
} as const;

/** A HubSpot CRM object as the v3 objects API answers it. */
export interface HubSpotObject {
  readonly id: string;
  readonly properties: Readonly<Record<string, string | null>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly archived: boolean;
}

export type Properties = Readonly<Record<string, string | null>>;
