/**
 * Splitting an amount over shares (a contract's value over its projects' planned revenue) in
 * exact integers: every share but the last is rounded down to the currency's minor unit, and the
 * last takes the remainder, so the parts sum to the amount exactly (INV-12: Σ allocated = price).
 */
import { minorUnits } from '../../kernel/decimal.ts';

/**
 * `amountE4` split in proportion to `weights` (non-negative e4 amounts; all zero or none given:
 * equal shares). Returns one part per weight; an empty list for no weights.
 */
export function allocate(amountE4: number, weights: readonly number[], currency: string): number[] {
  if (weights.length === 0) return [];
  if (weights.some((weight) => weight < 0 || !Number.isSafeInteger(weight)))
    throw new RangeError(`weights must be non-negative integers: ${weights.join(', ')}`);
  const total = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);
  const shares = total === 0n ? weights.map(() => 1n) : weights.map((weight) => BigInt(weight));
  const denominator = total === 0n ? BigInt(weights.length) : total;
  const step = BigInt(10 ** (4 - minorUnits(currency)));
  const amount = BigInt(amountE4);
  const parts = shares.slice(0, -1).map((share) => {
    // BigInt division truncates toward zero; a non-negative amount floors.
    const exact = (amount * share) / denominator;
    return exact - (exact % step);
  });
  const allocated = parts.reduce((sum, part) => sum + part, 0n);
  return [...parts, amount - allocated].map(Number);
}
