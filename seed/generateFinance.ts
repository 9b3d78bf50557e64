/**
 * Step 8: the ERP side of every customer relationship, written before any invoice exists:
 * billing profiles (one per customer and legal entity it contracts with, with payment terms,
 * credit hold and tax profile), the ERP terms of every contract and the ERP project of every
 * customer project. Tax fixtures: US tax-exempt customers, EU reverse charge for French
 * customers of the German entity (docs/demo-data.md#fixtures #11); UK VAT comes from the entity's profile.
 */
import { REVENUE_METHOD_OF } from '../systems/erp/machines.ts';
import { ACQUIRED_LEGAL_ENTITY } from './catalog.ts';
import type { Portfolio } from './generatePortfolio.ts';
import type { Reference } from './generateReference.ts';
import { must, type SeedContext } from './model.ts';

/** The ERP billing profile of a customer in one legal entity, as billing needs it. */
export interface CustomerTerms {
  readonly termsDays: number;
  readonly taxProfileId: string;
  readonly taxCode: string;
  readonly taxRateE4: number;
  readonly creditHold: boolean;
}

/** Customer terms by `${accountId}|${legalEntityId}`. */
export interface Finance {
  /** Terms of a customer in a legal entity, keyed by `${accountId}|${legalEntityId}`. */
  readonly terms: ReadonlyMap<string, CustomerTerms>;
}

const TERMS = [
  ['NET_30', 70],
  ['NET_45', 20],
  ['NET_60', 10],
] as const;
const TERMS_DAYS: Readonly<Record<string, number>> = { NET_15: 15, NET_30: 30, NET_45: 45, NET_60: 60 };
/** Writes billing profiles, customer tax profiles, contract terms and ERP projects. */
export function generateFinance(ctx: SeedContext, ref: Reference, portfolio: Portfolio): Finance {
  const rng = ctx.rng.fork('finance');
  const { data } = ctx;
  const leById = new Map(ref.les.map((le) => [le.id, le]));
  const creditHold = portfolio.projects[portfolio.creditHoldProject];
  const creditHoldKey = creditHold
    ? `${must(data.crm.accounts[creditHold.account], 'account').id}|${must(ref.les[creditHold.le], 'le').id}`
    : '';
  const terms = new Map<string, CustomerTerms>();
  const customerNumbers = ref.les.map(() => 0);
  let exemptGiven = 0;

  for (const contract of data.crm.contracts) {
    const key = `${contract.account_id}|${contract.legal_entity_id}`;
    const le = must(leById.get(contract.legal_entity_id), 'legal entity');
    let profile = terms.get(key);
    if (!profile) {
      let taxProfileId = le.taxProfileId;
      let taxCode = le.spec.tax.code;
      let taxRateE4 = le.spec.tax.ratePercentE4;
      // The first US customer (and ~3% of the others) holds a resale/exemption certificate.
      const exempt = le.spec.code === 'US01' && (exemptGiven === 0 || rng.chance(0.03));
      const frenchCustomer = le.spec.code === ACQUIRED_LEGAL_ENTITY && rng.chance(0.2);
      if (exempt || frenchCustomer) {
        exemptGiven += exempt ? 1 : 0;
        taxProfileId = ctx.nextId('tax');
        taxCode = exempt ? 'US-EXEMPT' : 'EU-RC';
        taxRateE4 = 0;
        data.erp.tax_profiles.push({
          id: taxProfileId,
          party_type: 'CUSTOMER',
          party_id: contract.account_id,
          jurisdiction: exempt ? 'US-NY' : 'FR',
          registration_number: exempt ? `NY-ST-120-${rng.int(100000, 999999)}` : `FR${rng.int(10, 99)}${rng.int(100000000, 999999999)}`,
          default_tax_code: taxCode,
          rate_percent_e4: 0,
          reverse_charge: exempt ? 0 : 1,
        });
      }
      const paymentTerms = rng.weighted(TERMS);
      profile = { termsDays: must(TERMS_DAYS[paymentTerms], 'terms'), taxProfileId, taxCode, taxRateE4, creditHold: key === creditHoldKey };
      terms.set(key, profile);
      const n = (customerNumbers[le.index] = (customerNumbers[le.index] ?? 0) + 1);
      data.erp.billing_profiles.push({
        id: ctx.nextId('bp'),
        account_id: contract.account_id,
        legal_entity_id: le.id,
        customer_number: `${le.spec.code}-C${String(n).padStart(5, '0')}`,
        currency: le.currency,
        payment_terms: paymentTerms,
        credit_hold: profile.creditHold ? 1 : 0,
        tax_profile_id: taxProfileId,
      });
    }
    const po = rng.chance(0.4) ? `PO-${rng.int(1_000_000, 9_999_999)}` : null;
    data.erp.contract_terms.push({
      contract_id: contract.id,
      payment_terms: termsName(profile.termsDays),
      po_number: po,
      po_required: po && rng.chance(0.6) ? 1 : 0,
      tax_profile_id: profile.taxProfileId,
    });
  }

  const jobNumbers = ref.les.map(() => 0);
  const customerOf = new Map(data.psa.projects.map((row) => [row.id, row.account_id]));
  for (const project of portfolio.projects) {
    if (project.kind !== 'CUSTOMER') continue;
    const le = must(ref.les[project.le], 'le');
    const n = (jobNumbers[le.index] = (jobNumbers[le.index] ?? 0) + 1);
    data.erp.erp_projects.push({
      project_id: project.id,
      erp_project_number: `${le.spec.code}-J${String(n).padStart(5, '0')}`,
      legal_entity_id: le.id,
      account_id: customerOf.get(project.id) ?? null,
      currency: le.currency,
      // The method activateContract chooses (docs/state-machines.md#revenue-schedule).
      revenue_method: must(REVENUE_METHOD_OF[must(project.billingMethod, 'method')], 'revenue method'),
    });
  }
  return { terms };
}

function termsName(days: number): string {
  return `NET_${days}`;
}
