/**
 * The deterministic demo-data generator: one pure function from (scale, seed, asOf) to the rows
 * of every table of the CRM, PSA and ERP reference systems. The same options always give the same
 * rows, byte for byte: all randomness comes from seeded streams (random.ts), one per concern, and
 * all dates from integer day numbers relative to asOf (calendar.ts).
 *
 * Steps, each in its own module: reference data → people → CRM accounts → portfolio → staffing →
 * commercial (milestones, contracts, pipeline, projects) → customer finance → time → expenses →
 * billing → payments → revenue.
 */
import { parseDay, isoDate, seedCalendar, type Day } from './calendar.ts';
import { generateAccounts } from './generateAccounts.ts';
import { generateBilling } from './generateBilling.ts';
import { generateCommercial } from './generateCommercial.ts';
import { generateExpenses, NO_EXPENSES } from './generateExpenses.ts';
import { generateFinance } from './generateFinance.ts';
import { generatePayments } from './generatePayments.ts';
import { generatePeople } from './generatePeople.ts';
import { generatePortfolio } from './generatePortfolio.ts';
import { generateReference } from './generateReference.ts';
import { generateRevenue } from './generateRevenue.ts';
import { generateStaffing } from './generateStaffing.ts';
import { generateTime } from './generateTime.ts';
import { IdSequence, type IdPrefix } from './ids.ts';
import { emptyDataset, type Dataset, type SeedContext } from './model.ts';
import { Rng } from './random.ts';
import { SCALES, type SeedScale } from './scales.ts';

export type { Dataset, TableRows } from './model.ts';
export type { SeedScale } from './scales.ts';

/** The generation clock when none is given: fixed, so a default dataset never changes. */
export const DEFAULT_AS_OF = '2026-11-15';
/** The seed when none is given. */
export const DEFAULT_SEED = 20261;

/** What selects a dataset: the same options always give the same rows. */
export interface GenerateOptions {
  readonly scale: SeedScale;
  /** Any 32-bit integer; default DEFAULT_SEED. */
  readonly seed?: number;
  /** The day the data is "as of" (YYYY-MM-DD); default DEFAULT_AS_OF. */
  readonly asOf?: string;
  /**
   * Whether to seed expenses and the contracts' EXPENSES lines (default true). False gives the data
   * set of the releases before the PSA's migration 4 (which added them), for a store built at that release.
   */
  readonly withExpenses?: boolean;
  /**
   * Whether contacts name their source CRM and accounts carry tax ids (default true). False gives the
   * data set of the releases before the CRM's migrations 0009 and 0010 (which added them), for a store
   * built at that release.
   */
  readonly withCrmReferences?: boolean;
}

/** Generates the whole dataset in memory. Pure: same options, same rows. */
export function generateDataset(options: GenerateOptions): Dataset {
  const profile = SCALES[options.scale];
  if (!profile) throw new TypeError(`unknown seed scale ${JSON.stringify(options.scale)}`);
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
  const asOf = parseDay(options.asOf ?? DEFAULT_AS_OF, 'asOf');

  const sequences = new Map<IdPrefix, IdSequence>();
  const isoCache = new Map<Day, string>();
  const ctx: SeedContext = {
    profile,
    rng: new Rng(seed),
    cal: seedCalendar(asOf, profile.historyMonths),
    data: emptyDataset(),
    iso(day) {
      let text = isoCache.get(day);
      if (text === undefined) isoCache.set(day, (text = isoDate(day)));
      return text;
    },
    nextId(prefix) {
      let sequence = sequences.get(prefix);
      if (!sequence) sequences.set(prefix, (sequence = new IdSequence(prefix)));
      return sequence.next();
    },
  };

  const ref = generateReference(ctx);
  const people = generatePeople(ctx, ref);
  const accounts = generateAccounts(ctx);
  const portfolio = generatePortfolio(ctx, ref, people, accounts);
  const staffing = generateStaffing(ctx, ref, people, portfolio);
  generateCommercial(ctx, ref, accounts, portfolio);
  const finance = generateFinance(ctx, ref, portfolio);
  const time = generateTime(ctx, ref, people, portfolio, staffing);
  const expenses = options.withExpenses === false ? NO_EXPENSES : generateExpenses(ctx, ref, people, portfolio, staffing);
  const billing = generateBilling(ctx, ref, accounts, portfolio, finance, time, expenses);
  generatePayments(ctx, ref, billing);
  generateRevenue(ctx, ref, portfolio, billing);
  if (options.withCrmReferences === false) withoutCrmReferences(ctx.data);
  return ctx.data;
}

/** The CRM rows as the releases before the CRM's migrations 0009 and 0010 had them. */
function withoutCrmReferences(data: Dataset): void {
  for (const account of data.crm.accounts) delete account.tax_id;
  for (const contact of data.crm.contacts) {
    delete contact.source_system;
    delete contact.source_id;
  }
}

/** Row counts per system and table, e.g. `{ psa: { time_entries: 6012, … }, … }`. */
export function datasetCounts(dataset: Dataset): Record<keyof Dataset, Record<string, number>> {
  const count = (tables: object) => Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, (rows as unknown[]).length]));
  return { crm: count(dataset.crm), psa: count(dataset.psa), erp: count(dataset.erp) };
}
