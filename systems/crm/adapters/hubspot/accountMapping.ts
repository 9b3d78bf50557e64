/**
 * Accounts as HubSpot companies and contacts as HubSpot contacts (docs/connectors.md#hubspot). The
 * canonical values HubSpot has no exact property for (its `industry` and `type` are fixed
 * enumerations) are kept in `tessera_*` properties; the tax id in the property the portal keeps it in
 * (`TESSERA_HUBSPOT_TAX_ID_PROPERTY`). A record that came from another CRM keeps that source
 * (`tessera_source_system`, `tessera_source_id`); any other is HubSpot's own, its source id the
 * object id (docs/model.md#external-references).
 */
import { DEFAULT_TAX_ID_PROPERTY } from '../../../../core/config/hubspot.ts';
import type { Account, Contact, SourceRef } from '../../ports/types.ts';
import { KEEPING, type HubSpotObject, type Properties } from './objects.ts';
import { decimalE4, e4Of, numberOr, optional, required, text } from './values.ts';

export function companyProperties(account: Account, taxIdProperty: string = DEFAULT_TAX_ID_PROPERTY): Properties {
  return {
    [KEEPING.id]: account.id,
    name: account.name,
    website: account.website,
    tessera_industry: account.industry,
    tessera_segment: account.segment,
    tessera_account_type: account.type,
    annualrevenue: account.annualRevenue ? decimalE4(account.annualRevenue.amountE4) : null,
    tessera_annual_revenue_currency: account.annualRevenue?.currency ?? null,
    numberofemployees: text(account.employeeCount),
    tessera_parent_id: account.parentId,
    [taxIdProperty]: account.taxId,
    ...sourceProperties(account.source),
  };
}

export function accountOf(company: HubSpotObject, taxIdProperty: string): Account {
  const p = company.properties;
  const revenue = optional(p, 'annualrevenue');
  return {
    id: required(p, KEEPING.id),
    name: required(p, 'name'),
    website: optional(p, 'website'),
    industry: optional(p, 'tessera_industry'),
    segment: optional(p, 'tessera_segment'),
    type: required(p, 'tessera_account_type'),
    annualRevenue: revenue === null ? null : { amountE4: e4Of(revenue), currency: required(p, 'tessera_annual_revenue_currency') },
    employeeCount: numberOr(optional(p, 'numberofemployees')),
    parentId: optional(p, 'tessera_parent_id'),
    taxId: optional(p, taxIdProperty),
    source: sourceOf(company),
  };
}

export function contactProperties(contact: Contact): Properties {
  return {
    [KEEPING.id]: contact.id,
    firstname: contact.firstName,
    lastname: contact.lastName,
    email: contact.email,
    jobtitle: contact.title,
    tessera_account_id: contact.accountId,
    ...sourceProperties(contact.source),
  };
}

export function contactOf(object: HubSpotObject): Contact {
  const p = object.properties;
  return {
    id: required(p, KEEPING.id),
    accountId: required(p, 'tessera_account_id'),
    firstName: required(p, 'firstname'),
    lastName: required(p, 'lastname'),
    email: optional(p, 'email'),
    title: optional(p, 'jobtitle'),
    source: sourceOf(object),
  };
}

/** A record HubSpot holds as its own: no other CRM named, so its source is its object id (`sourceOf`). */
export const OWN_SOURCE: Properties = { tessera_source_system: null, tessera_source_id: null };

/** Where a record came from, when not from HubSpot itself. */
export function sourceProperties(source: SourceRef): Properties {
  return source.system === 'hubspot' ? OWN_SOURCE : { tessera_source_system: source.system, tessera_source_id: source.id };
}

export function sourceOf(object: HubSpotObject): SourceRef {
  const system = optional(object.properties, 'tessera_source_system');
  return system === null ? { system: 'hubspot', id: object.id } : { system, id: required(object.properties, 'tessera_source_id') };
}
