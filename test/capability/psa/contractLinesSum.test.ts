/**
 * INV-20 for a contract's lines (docs/invariants.md#inv-20): the lines' amounts and caps sum to the
 * contract value; an uncapped time-and-materials line (older contracts have one) takes what the
 * other lines leave, so they may not sum to more than the value.
 */
import { describe, expect, it } from 'vitest';
import { checkLinesSum } from '../../../systems/psa/capabilities/contractLines.ts';
import type { ContractLine } from '../../../systems/psa/ports/types.ts';

function line(billingMethod: string, amountE4: number | null, notToExceedE4: number | null): ContractLine {
  return { id: `cl_${billingMethod}`, contractId: 'ctr_1', billingMethod, amountE4, notToExceedE4, currency: 'USD', rateCardId: null };
}

function refusal(work: () => void): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return null;
}

describe('checkLinesSum', () => {
  it('accepts capped and fixed lines summing to the value, and refuses one cent off either way', () => {
    const lines = [line('TIME_AND_MATERIALS', null, 40_000_0000), line('FIXED_FEE', 10_000_0000, null)];
    expect(refusal(() => checkLinesSum(50_000_0000, lines, 'USD', 'lines'))).toBeNull();
    for (const value of [50_000_0000 - 100, 50_000_0000 + 100]) {
      expect(refusal(() => checkLinesSum(value, lines, 'USD', 'lines'))).toMatchObject({
        rejection: { code: 'CONTRACT_LINES_DO_NOT_SUM', field: 'lines' },
      });
    }
  });

  it('lets an uncapped time-and-materials line take the rest of the value, but never less than nothing', () => {
    const lines = [line('TIME_AND_MATERIALS', null, null), line('EXPENSES', null, 5_000_0000)];
    expect(refusal(() => checkLinesSum(50_000_0000, lines, 'USD', 'lines'))).toBeNull();
    expect(refusal(() => checkLinesSum(5_000_0000, lines, 'USD', 'lines'))).toBeNull();
    expect(refusal(() => checkLinesSum(4_999_9900, lines, 'USD', 'lines'))).toMatchObject({
      rejection: { code: 'CONTRACT_LINES_DO_NOT_SUM', message: 'The lines sum to 5000.00 USD; the contract value is 4999.99.' },
    });
  });
});
