/**
 * The race-prone steps of billing corrections on PostgreSQL (docs/invariants.md#inv-21): two
 * credits of the same line, or of one invoice at the same version, run at once and only one
 * passes (the invoice's versioned update comes first: the other is VERSION_CONFLICT, nothing
 * written); two applications of one customer credit at once never spend it twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeAllowing } from '../../../../policies/recordScope.ts';
import { onPostgres } from '../../../harness/onPostgres.ts';
import { callErp, type World } from './erpCalls.ts';
import { sqlErp, type ErpUnderTest } from './erpFixture.ts';
import { releaseUkDraft } from './ukBilling.ts';

const everything = scopeAllowing({ legalEntity: null, account: null });
const none: World = { entities: {} };

/** The PSA's answer for the draft's sources: line n bills time entry n. */
function sourcesOf(draftId: string, invoiceId: string): World {
  return {
    entities: {
      ErpReadsDraftSources: {
        id: draftId,
        status: 'INVOICED',
        invoice: { id: invoiceId },
        items: ['1125.00', '2500.00', '33.33'].map((amount, index) => ({
          id: `bdi_${draftId}_${index}`,
          sourceType: 'TIME_SPLIT',
          sourceId: `te_${draftId}_${index}`,
          amount: { amount },
        })),
        sourceCredits: [],
      },
    },
  };
}

onPostgres('billing corrections under concurrency', (makeStore) => {
  describe('billing corrections racing on PostgreSQL', () => {
    let erp: ErpUnderTest;
    beforeAll(async () => {
      erp = await sqlErp(makeStore)();
    });
    afterAll(async () => {
      await erp?.close();
    });

    const release = (draftId: string): Promise<string> => releaseUkDraft(erp.system, draftId, `k-${draftId}`);
    const credit = (draftId: string, invoiceId: string, lineNumber: number, key: string) =>
      callErp(
        erp.system,
        sourcesOf(draftId, invoiceId),
        'creditInvoiceLines',
        { invoiceId, expectedVersion: 1, lines: [{ lineNumber, action: 'CREDIT' }], reason: 'Race', creditDate: '2026-11-20' },
        key,
      );
    const outcomes = (answers: { payload: Record<string, unknown> }[]) =>
      answers
        .map((answer) =>
          answer.payload.__typename === 'CapabilityFailure'
            ? (answer.payload.errors as { code: string }[])[0]!.code
            : String(answer.payload.__typename),
        )
        .sort();
    const memosOf = async (invoiceId: string) => erp.system.reads(everything).creditMemosByOriginalInvoiceIds([invoiceId]);

    it('two credits of the same line at once: one credit memo, the other VERSION_CONFLICT or ALREADY_CREDITED', async () => {
      for (let round = 0; round < 5; round++) {
        const draftId = `bd_race_line_${round}`;
        const invoiceId = await release(draftId);
        const answers = await Promise.all([credit(draftId, invoiceId, 2, `k-a-${round}`), credit(draftId, invoiceId, 2, `k-b-${round}`)]);
        // The loser read the invoice after the winner committed (VERSION_CONFLICT), or before it and
        // its memo lines after it (read committed: ALREADY_CREDITED); either way nothing of it is written.
        const loser = outcomes(answers).filter((outcome) => outcome !== 'CreditInvoiceLinesSuccess');
        expect(outcomes(answers).filter((outcome) => outcome === 'CreditInvoiceLinesSuccess')).toHaveLength(1);
        expect(loser).toHaveLength(1);
        expect(['ALREADY_CREDITED', 'VERSION_CONFLICT']).toContain(loser[0]);
        const memos = await memosOf(invoiceId);
        expect(memos.map((memo) => memo.totalE4)).toEqual([-30_000_000]);
        const [invoice] = await erp.system.reads(everything).invoicesByIds([invoiceId]);
        expect(invoice).toMatchObject({ amountCreditedE4: 30_000_000, aggregateVersion: 2 });
      }
    });

    it('two credits of different lines of one invoice at the same version: one passes, the invoice never over-credited', async () => {
      for (let round = 0; round < 5; round++) {
        const draftId = `bd_race_inv_${round}`;
        const invoiceId = await release(draftId);
        const answers = await Promise.all([credit(draftId, invoiceId, 1, `k-c-${round}`), credit(draftId, invoiceId, 2, `k-d-${round}`)]);
        expect(outcomes(answers)).toEqual(['CreditInvoiceLinesSuccess', 'VERSION_CONFLICT']);
        const [invoice] = await erp.system.reads(everything).invoicesByIds([invoiceId]);
        const memos = await memosOf(invoiceId);
        expect(memos).toHaveLength(1);
        expect(invoice!.amountCreditedE4).toBe(-memos[0]!.totalE4);
      }
    });

    it('two applications of one customer credit at once never spend it twice', async () => {
      // A PAID invoice, its milestone line credited: a 3,000.00 customer credit.
      const invoiceId = await release('bd_race_cc');
      const paid = await callErp(
        erp.system,
        none,
        'recordPayment',
        {
          legalEntityId: 'le_UK01',
          accountId: 'acc_00014',
          amount: '4390.00',
          currency: 'GBP',
          receivedDate: '2026-11-20',
          method: 'WIRE',
          bankReference: 'BANK-RACE-CC',
        },
        'k-race-pay',
      );
      const paymentId = (paid.payload.payment as { id: string }).id;
      await callErp(erp.system, none, 'applyPayment', { paymentId, invoiceId, amount: '4390.00', expectedVersion: 1 }, 'k-race-apply');
      const credited = await callErp(
        erp.system,
        sourcesOf('bd_race_cc', invoiceId),
        'creditInvoiceLines',
        { invoiceId, expectedVersion: 2, lines: [{ lineNumber: 2, action: 'REOPEN' }], reason: 'Race', creditDate: '2026-11-20' },
        'k-race-credit',
      );
      const creditId = (credited.payload.customerCredit as { id: string }).id;
      // Each round asks for more than half of what is left, so at most one of the two can pass
      // whatever the interleaving: the loser read the credit before the winner committed
      // (VERSION_CONFLICT on the credit's versioned update) or after it (AMOUNT_EXCEEDS_OPEN_BALANCE).
      let appliedE4 = 0;
      for (const [round, amount] of ['2000.00', '600.00', '300.00', '60.00'].entries()) {
        const [first, second] = [await release(`bd_race_to_${round}_a`), await release(`bd_race_to_${round}_b`)];
        const apply = (target: string, key: string) =>
          callErp(
            erp.system,
            none,
            'applyCustomerCredit',
            { customerCreditId: creditId, invoiceId: target, amount, expectedVersion: 1, appliedOn: '2026-11-20' },
            key,
          );
        const answers = await Promise.all([apply(first, `k-ap-${round}-a`), apply(second, `k-ap-${round}-b`)]);
        const losers = outcomes(answers).filter((outcome) => outcome !== 'ApplyCustomerCreditSuccess');
        expect(losers).toHaveLength(1);
        expect(['AMOUNT_EXCEEDS_OPEN_BALANCE', 'VERSION_CONFLICT']).toContain(losers[0]);
        appliedE4 += Number(amount) * 10_000;
        const [state] = await erp.system.reads(everything).customerCreditsByIds([creditId]);
        expect(state).toMatchObject({ amountE4: 30_000_000, appliedE4, aggregateVersion: round + 2 });
        const uses = await erp.system.reads(everything).customerCreditUsesByCreditIds([creditId]);
        expect(uses.reduce((sum, use) => sum + use.amountE4, 0)).toBe(appliedE4);
      }
    });
  });
});
