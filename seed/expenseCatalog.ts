/**
 * What the demo firm's people spend on projects (docs/demo-data.md#expenses): the kinds of expense,
 * their US-dollar price ranges (converted to the project's currency through USD_PER_UNIT), whether a
 * receipt comes with them, and how a trip to a client site is made up.
 */
import type { ExpenseCategory, TaxTreatment } from '../systems/psa/ports/types.ts';

/** One kind of expense: its category, the text on it, its price range and its receipt. */
export interface ExpenseKind {
  readonly category: ExpenseCategory;
  readonly description: string;
  /** Price range in US dollars (a lodging's per night, a mileage's per kilometre). */
  readonly usd: readonly [number, number];
  /** Units the price is multiplied by (nights, kilometres), a range; one when absent. */
  readonly units?: readonly [number, number];
  /** The word for a unit in the description ("3 nights", "180 km"). */
  readonly unit?: string;
  readonly taxTreatment: TaxTreatment;
  /** The receipt's reference format: an e-ticket, a hotel folio, a receipt number, or none (a mileage log). */
  readonly receipt: 'TICKET' | 'FOLIO' | 'RECEIPT' | 'NONE';
}

const standard = (kind: Omit<ExpenseKind, 'taxTreatment'>): ExpenseKind => ({ ...kind, taxTreatment: 'STANDARD' });

/** How a consultant gets to the client site: flight, train or own car. */
export const JOURNEYS: readonly (readonly [ExpenseKind, number])[] = [
  [standard({ category: 'TRAVEL', description: 'Return flight to client site', usd: [280, 880], receipt: 'TICKET' }), 55],
  [standard({ category: 'TRAVEL', description: 'Return train to client site', usd: [70, 240], receipt: 'TICKET' }), 25],
  [
    standard({
      category: 'MILEAGE',
      description: 'Mileage to client site',
      usd: [0.4, 0.4],
      units: [60, 420],
      unit: 'km',
      receipt: 'NONE',
    }),
    20,
  ],
];

/** A stay near the client site, and meals on the road. */
export const LODGING = standard({
  category: 'LODGING',
  description: 'Hotel near client site',
  usd: [140, 260],
  units: [1, 4],
  unit: 'night',
  receipt: 'FOLIO',
});
export const MEALS: readonly ExpenseKind[] = [
  standard({ category: 'MEALS', description: 'Meals while on site', usd: [30, 120], receipt: 'RECEIPT' }),
  standard({ category: 'MEALS', description: 'Working dinner with client team', usd: [80, 260], receipt: 'RECEIPT' }),
];

/** Project costs a project manager buys now and then: tools, a specialist, materials, fees passed on at cost. */
export const PROJECT_COSTS: readonly (readonly [ExpenseKind, number])[] = [
  [standard({ category: 'SOFTWARE', description: 'Test automation licence, one month', usd: [90, 450], receipt: 'RECEIPT' }), 20],
  [standard({ category: 'SOFTWARE', description: 'Cloud sandbox for the project', usd: [60, 600], receipt: 'RECEIPT' }), 20],
  [standard({ category: 'SUBCONTRACTOR', description: 'Specialist review by a third party', usd: [1500, 7500], receipt: 'RECEIPT' }), 8],
  [standard({ category: 'OTHER', description: 'Workshop materials and printing', usd: [40, 260], receipt: 'RECEIPT' }), 22],
  // Paid as the customer's agent and passed on at exact cost: outside the scope of tax, never marked up.
  [{ category: 'OTHER', description: 'Visa fee for on-site work', usd: [60, 220], taxTreatment: 'DISBURSEMENT', receipt: 'RECEIPT' }, 15],
  [{ category: 'OTHER', description: 'Company registry extracts', usd: [20, 90], taxTreatment: 'DISBURSEMENT', receipt: 'RECEIPT' }, 12],
  [{ category: 'OTHER', description: 'Courier of signed documents', usd: [30, 140], taxTreatment: 'DISBURSEMENT', receipt: 'RECEIPT' }, 12],
];

/** What people spend on their own development while on the bench (never billed). */
export const TRAINING: readonly ExpenseKind[] = [
  standard({ category: 'OTHER', description: 'Certification exam fee', usd: [150, 400], receipt: 'RECEIPT' }),
  standard({ category: 'SOFTWARE', description: 'Online training course', usd: [30, 300], receipt: 'RECEIPT' }),
  standard({ category: 'TRAVEL', description: 'Travel to industry conference', usd: [250, 900], receipt: 'TICKET' }),
];

/** Why an approver sent an expense back (the spender submits a corrected one). */
export const REJECTION_REASONS: readonly string[] = [
  'Receipt missing: submit again with the receipt attached.',
  'Above the meal allowance in the travel policy.',
  'Booked on the wrong project: submit it on the right one.',
  'Duplicate of an expense already submitted.',
];

/** Markups the contracts' EXPENSES lines carry (percent, e4); null: the line has no markup (expenses bill at cost). */
export const EXPENSE_MARKUPS: readonly (readonly [number | null, number])[] = [
  [null, 30],
  [50_000, 20],
  [100_000, 30],
  [125_000, 10],
  [150_000, 10],
];
