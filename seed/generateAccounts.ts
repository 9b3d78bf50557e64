/**
 * Step 3: the CRM parties. Salesforce accounts (the acquirer) and HubSpot companies (the acquired
 * German firm), the post-merger duplicates between them (with the "Acme Corp" / "ACME Corporation
 * Inc." fixture, docs/demo-data.md#fixtures #12), vendor accounts of the subcontractors, and contacts.
 * Every account starts as a PROSPECT; the portfolio step promotes its customers. Each record names
 * its source CRM and its id there; accounts carry tax ids (taxIds.ts).
 */
import { CITIES, COMPANY_CORES, COMPANY_PREFIXES, COMPANY_SUFFIXES, CONTACT_TITLES, INDUSTRIES } from './catalog.ts';
import { apportion } from './apportion.ts';
import { personName } from './personName.ts';
import { must, type SeedContext } from './model.ts';
import type { Rng } from './random.ts';
import { createTaxIds } from './taxIds.ts';

/** The CRM an account lives in: the acquirer's Salesforce or the acquired firm's HubSpot. */
export type CrmSource = 'salesforce' | 'hubspot';

/** An account as later steps need it: its contacts and where it came from. */
export interface AccountPlan {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly source: CrmSource;
  readonly role: 'ORDINARY' | 'VENDOR' | 'DUPLICATE';
  /** Contact ids, the first being the primary contact. */
  readonly contactIds: string[];
  readonly contactNames: string[];
}

/** The CRM parties and the duplicate pair of the post-merger fixture. */
export interface Accounts {
  readonly accounts: readonly AccountPlan[];
  /** The "Acme Corp" Salesforce account and its HubSpot duplicate. */
  readonly acme: { readonly salesforce: number; readonly hubspot: number };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Writes accounts and contacts; every account starts as a PROSPECT (or VENDOR). */
export function generateAccounts(ctx: SeedContext): Accounts {
  const rng = ctx.rng.fork('accounts');
  const { salesforce, hubspot, duplicates, vendors } = ctx.profile.accounts;
  const total = salesforce + hubspot;
  const names = new Set<string>();
  const sourceIds = new Set<string>();
  const accounts: AccountPlan[] = [];
  const websites: string[] = [];
  const rows = ctx.data.crm.accounts;
  // Their own streams: tax ids and contact ids never shift the accounts' other values.
  const taxIds = createTaxIds(ctx.rng.fork('taxIds'));
  const contactSources = ctx.rng.fork('contactSources');

  for (let index = 0; index < total; index++) {
    const source: CrmSource = index < salesforce ? 'salesforce' : 'hubspot';
    const hubspotIndex = index - salesforce;
    const isVendor = source === 'salesforce' && index >= salesforce - vendors;
    let name: string;
    let website: string;
    let role: AccountPlan['role'] = isVendor ? 'VENDOR' : 'ORDINARY';
    let parentId: string | null = null;
    // The account of the other CRM this one duplicates (the acquired firm typed the same customer in again).
    let original: number | null = null;
    if (index === 0) {
      name = 'Acme Corp';
      website = 'https://www.acme.example';
    } else if (hubspotIndex === 0) {
      // Same company as the Salesforce "Acme Corp": same domain, different legal-style name.
      name = 'ACME Corporation Inc.';
      website = 'https://www.acme.example';
      role = 'DUPLICATE';
      original = 0;
    } else if (hubspotIndex > 0 && hubspotIndex < duplicates) {
      original = rng.int(1, Math.max(1, salesforce - vendors - 1));
      name = duplicateName(rng, must(rows[original], 'account').name);
      website = must(websites[original], 'website');
      role = 'DUPLICATE';
    } else {
      name = uniqueName(rng, names, isVendor);
      website = `https://www.${slug(name)}.example`;
      const parentIndex = index > 20 && !isVendor && rng.chance(0.03) ? rng.int(Math.max(1, index - 200), index - 1) : -1;
      const parent = parentIndex > 0 ? accounts[parentIndex] : undefined;
      if (parent && parent.role === 'ORDINARY' && parent.source === source) {
        parentId = parent.id;
        name = uniqueName(rng, names, false, `${parent.name} ${rng.pick(CITIES)}`);
        website = `https://${slug(rng.pick(CITIES))}.${new URL(must(websites[parentIndex], 'website')).hostname.replace(/^www\./, '')}`;
      }
    }
    names.add(name);
    websites.push(website);
    const id = ctx.nextId('acc');
    accounts.push({ index, id, name, source, role, contactIds: [], contactNames: [] });
    const segment = rng.weighted([
      ['ENTERPRISE', 25],
      ['MID_MARKET', 45],
      ['SMB', 30],
    ] as const);
    const revenueMillions = segment === 'ENTERPRISE' ? rng.int(1000, 50_000) : segment === 'MID_MARKET' ? rng.int(50, 999) : rng.int(2, 49);
    rows.push({
      id,
      name,
      website,
      industry: isVendor ? 'Professional Staffing' : rng.pick(INDUSTRIES),
      segment,
      type: isVendor ? 'VENDOR' : 'PROSPECT',
      annual_revenue_e4: revenueMillions * 1_000_000 * 10_000,
      annual_revenue_currency: source === 'salesforce' ? 'USD' : 'EUR',
      employee_count: Math.max(10, Math.round(revenueMillions * rng.float(2, 6))),
      parent_id: parentId,
      source_system: source,
      source_id: source === 'salesforce' ? salesforceId(rng, sourceIds, '001') : String(4_000_000_000 + index * 10 + rng.int(0, 9)),
      tax_id:
        original === null
          ? taxIds.own(source, index === 0)
          : // Fixture #12 shares its tax id, so the best candidate has every reason (docs/demo-data.md#fixtures).
            taxIds.duplicate(must(rows[original], 'account').tax_id ?? null, index === salesforce),
    });
  }

  // Every account has a contact; the rest are spread at random (bigger accounts are not modelled).
  const extra = apportion(
    Math.max(0, ctx.profile.contacts - total),
    accounts.map(() => rng.float(0.2, 1.8)),
  );
  for (const account of accounts) {
    const domain = new URL(must(websites[account.index], 'website')).hostname.replace(/^www\./, '');
    const count = 1 + (extra[account.index] ?? 0);
    for (let n = 0; n < count; n++) {
      const person = personName(rng);
      const id = ctx.nextId('con');
      account.contactIds.push(id);
      account.contactNames.push(`${person.first} ${person.last}`);
      ctx.data.crm.contacts.push({
        id,
        account_id: account.id,
        first_name: person.first,
        last_name: person.last,
        email: rng.chance(0.92) ? `${person.first}.${person.last}@${domain}`.toLowerCase() : null,
        title: rng.chance(0.85) ? rng.pick(CONTACT_TITLES) : null,
        source_system: account.source,
        source_id:
          account.source === 'salesforce'
            ? salesforceId(contactSources, sourceIds, '003')
            : String(1_000_000_000 + ctx.data.crm.contacts.length * 10 + contactSources.int(0, 9)),
      });
    }
  }
  return { accounts, acme: { salesforce: 0, hubspot: salesforce } };
}

function uniqueName(rng: Rng, used: Set<string>, vendor: boolean, wanted?: string): string {
  let name =
    wanted ??
    (vendor
      ? `${rng.pick(COMPANY_PREFIXES)} ${rng.pick(['Talent Partners', 'Staffing', 'Contractors', 'Resourcing'])}`
      : `${rng.pick(COMPANY_PREFIXES)} ${rng.pick(COMPANY_CORES)}${rng.chance(0.5) ? ` ${rng.pick(COMPANY_SUFFIXES)}` : ''}`);
  if (used.has(name)) name = `${name} ${rng.pick(CITIES)}`;
  for (let n = 2; used.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
  return name;
}

/** How the same company is typed into the other CRM: upper case, legal suffix, "The". */
function duplicateName(rng: Rng, original: string): string {
  const stem = original.replace(/ (Inc\.|Ltd|Group|plc|LLC|GmbH|Corp|Holdings|AG|SA)$/, '');
  return rng.weighted([
    [`${stem.toUpperCase()}`, 1],
    [`${stem} Incorporated`, 1],
    [`The ${stem} Company`, 1],
    [`${stem} GmbH`, 1],
  ] as const);
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A Salesforce-style 18-character record id with the object's key prefix. */
export function salesforceId(rng: Rng, used: Set<string>, keyPrefix: string): string {
  for (;;) {
    let id = keyPrefix;
    while (id.length < 18) id += BASE62.charAt(rng.int(0, 61));
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}
