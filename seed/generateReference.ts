/**
 * Step 1: the firm's reference data. Legal entities with their tax profiles, monthly accounting
 * periods, roles and the standard rate card of every legal entity (one line per role and
 * half-year version, so every long assignment crosses a rate change).
 */
import { legalEntityId } from '../core/legalEntityId.ts';
import { addMonths, halfYearStart, monthKey, monthStart, type Day } from './calendar.ts';
import { EMPLOYEE_COST_SHARE, LEGAL_ENTITIES, RATE_STEP, ROLES, USD_PER_UNIT } from './catalog.ts';
import { must, type LegalEntityPlan, type RateCardPlan, type RateVersion, type RolePlan, type SeedContext } from './model.ts';

/** Each half-yearly rate card version raises rates by this factor. */
const HALF_YEAR_INCREASE = 1.02;

/** The firm's reference data, and the period lookup every posting needs. */
export interface Reference {
  readonly les: readonly LegalEntityPlan[];
  readonly roles: readonly RolePlan[];
  /** The standard rate card of each legal entity, by legal entity index. */
  readonly standardCards: readonly RateCardPlan[];
  /** Start days of the rate card versions, oldest first. */
  readonly versionStarts: readonly Day[];
  /** Index of the version in force on asOf. */
  readonly currentVersion: number;
  /** The accounting period of a legal entity that contains `day`. */
  periodId(le: number, day: Day): string;
}

/** Writes tax profiles, legal entities, accounting periods, roles and the standard rate cards. */
export function generateReference(ctx: SeedContext): Reference {
  const { data, cal, profile } = ctx;
  const les: LegalEntityPlan[] = LEGAL_ENTITIES.slice(0, profile.legalEntities).map((spec, index) => {
    const taxProfileId = ctx.nextId('tax');
    data.erp.tax_profiles.push({
      id: taxProfileId,
      party_type: 'LEGAL_ENTITY',
      party_id: '',
      jurisdiction: spec.tax.jurisdiction,
      registration_number: spec.tax.registration,
      default_tax_code: spec.tax.code,
      rate_percent_e4: spec.tax.ratePercentE4,
      reverse_charge: 0,
    });
    // A legal entity's canonical id is derived from its code (a NetSuite subsidiary or SAP company
    // code, immutable), so a token's legal-entity codes name records in every system directly.
    return { index, id: legalEntityId(spec.code), spec, currency: spec.currency, taxProfileId };
  });
  for (const le of les) {
    // The tax profile names its party; the legal entity id is known only now.
    must(data.erp.tax_profiles[le.index], 'tax profile').party_id = le.id;
    data.erp.legal_entities.push({
      id: le.id,
      code: le.spec.code,
      name: le.spec.name,
      legal_name: le.spec.legalName,
      country: le.spec.country,
      functional_currency: le.currency,
      intercompany_enabled: le.spec.intercompany ? 1 : 0,
      status: 'ACTIVE',
      tax_profile_id: le.taxProfileId,
    });
  }

  const periods = new Map<string, string>();
  const firstMonth = monthStart(cal.windowStart);
  const lastMonth = addMonths(cal.asOfMonthStart, 12);
  const previousMonth = addMonths(cal.asOfMonthStart, -1);
  for (const le of les) {
    for (let month = firstMonth; month <= lastMonth; month = addMonths(month, 1)) {
      const id = ctx.nextId('per');
      periods.set(`${le.index}:${monthKey(month)}`, id);
      // Books close monthly; the month before asOf is still being reviewed (soft close).
      const status = month < previousMonth ? 'CLOSED' : month === previousMonth ? 'SOFT_CLOSED' : 'OPEN';
      data.erp.accounting_periods.push({
        id,
        legal_entity_id: le.id,
        name: monthKey(month),
        start_date: ctx.iso(month),
        end_date: ctx.iso(addMonths(month, 1) - 1),
        status,
      });
    }
  }

  const roles: RolePlan[] = ROLES.slice(0, profile.roles).map((spec, index) => {
    const role = { index, id: ctx.nextId('rol'), spec };
    data.psa.roles.push({ id: role.id, name: spec.name, level: spec.level, practice: spec.practice });
    return role;
  });

  // Versions reach a year before the time window (assignments of long projects started then)
  // and one half-year past asOf (the published next increase).
  const versionStarts: Day[] = [];
  const lastVersion = addMonths(halfYearStart(cal.asOf), 6);
  for (let from = halfYearStart(cal.windowStart - 365); from <= lastVersion; from = addMonths(from, 6)) versionStarts.push(from);
  const currentVersion = versionStarts.indexOf(halfYearStart(cal.asOf));

  const standardCards = les.map((le) => buildRateCard(ctx, { le, roles, versionStarts, currentVersion, accountId: null, discount: 0 }));

  return {
    les,
    roles,
    standardCards,
    versionStarts,
    currentVersion,
    periodId(le, day) {
      return must(periods.get(`${le}:${monthKey(day)}`), `accounting period ${monthKey(day)} of legal entity ${le}`);
    },
  };
}

/** factor^steps by repeated multiplication: exact-operation arithmetic, the same on every platform. */
function compound(factor: number, steps: number): number {
  let value = 1;
  for (let i = 0; i < Math.abs(steps); i++) value = steps > 0 ? value * factor : value / factor;
  return value;
}

function roundToStep(value: number, currency: string): number {
  const step = RATE_STEP[currency] ?? 5;
  return Math.max(step, Math.round(value / step) * step);
}

/** Builds (and writes the rows of) a rate card: the standard card, or a discounted customer card. */
export function buildRateCard(
  ctx: SeedContext,
  options: {
    readonly le: LegalEntityPlan;
    readonly roles: readonly RolePlan[];
    readonly versionStarts: readonly Day[];
    readonly currentVersion: number;
    readonly accountId: string | null;
    readonly accountName?: string;
    /** Negotiated discount off the standard rates, e.g. 0.08. */
    readonly discount: number;
  },
): RateCardPlan {
  const { le, roles, versionStarts, currentVersion, accountId, discount } = options;
  const id = ctx.nextId('rc');
  const currency = le.currency;
  const fx = must(USD_PER_UNIT[currency], `FX rate of ${currency}`);
  ctx.data.erp.rate_cards.push({
    id,
    name: accountId ? `${options.accountName ?? accountId} negotiated rates ${le.spec.code}` : `Standard rates ${le.spec.code} ${currency}`,
    currency,
    legal_entity_id: le.id,
    account_id: accountId,
  });
  const byRole = roles.map((role) => {
    const versions: RateVersion[] = versionStarts.map((from, k) => {
      const next = versionStarts[k + 1];
      const growth = compound(HALF_YEAR_INCREASE, k - currentVersion);
      const standard = roundToStep((role.spec.usdBillRate * le.spec.priceLevel * growth) / fx, currency);
      const bill = discount > 0 ? roundToStep(standard * (1 - discount), currency) : standard;
      const cost = roundToStep(standard * EMPLOYEE_COST_SHARE, currency);
      return { from, to: next === undefined ? null : next - 1, billE4: bill * 10_000, costE4: cost * 10_000 };
    });
    for (const version of versions) {
      ctx.data.erp.rate_card_lines.push({
        id: ctx.nextId('rcl'),
        rate_card_id: id,
        role_id: role.id,
        bill_rate_e4: version.billE4,
        cost_rate_e4: version.costE4,
        effective_from: ctx.iso(version.from),
        effective_to: version.to === null ? null : ctx.iso(version.to),
      });
    }
    return versions;
  });
  return { id, le: le.index, accountId, currency, byRole };
}

/** The rate card version of a role in force on `day` (the first version for earlier days). */
export function rateOn(card: RateCardPlan, role: number, day: Day): RateVersion {
  const versions = must(card.byRole[role], `rate card ${card.id} role ${role}`);
  let found = must(versions[0], `rate card ${card.id} versions`);
  for (const version of versions) if (version.from <= day) found = version;
  return found;
}

/** Converts an e4 amount between currencies through the fixed FX table, to whole currency units. */
export function convertE4(amountE4: number, from: string, to: string): number {
  if (from === to) return amountE4;
  const usd = (amountE4 / 10_000) * must(USD_PER_UNIT[from], `FX rate of ${from}`);
  return Math.round(usd / must(USD_PER_UNIT[to], `FX rate of ${to}`)) * 10_000;
}
