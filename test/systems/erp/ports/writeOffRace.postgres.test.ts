/**
 * Receivable write-offs racing on PostgreSQL (docs/invariants.md#inv-21): two approvals of one
 * request at once, and an approval racing a payment of the rest of the invoice, never settle the
 * invoice beyond its total: the write-off's and the invoice's versioned updates let exactly one win.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeAllowing } from '../../../../policies/recordScope.ts';
import { onPostgres } from '../../../harness/onPostgres.ts';
import { callErp, type World } from './erpCalls.ts';
import { sqlErp, type ErpUnderTest } from './erpFixture.ts';
import { releaseUkDraft } from './ukBilling.ts';

const everything = scopeAllowing({ legalEntity: null, account: null });
const none: World = { entities: {} };

onPostgres('receivable write-offs under concurrency', (makeStore) => {
  describe('receivable write-offs racing on PostgreSQL', () => {
    let erp: ErpUnderTest;
    beforeAll(async () => {
      erp = await sqlErp(makeStore)();
    });
    afterAll(async () => {
      await erp?.close();
    });

    const release = (draftId: string): Promise<string> => releaseUkDraft(erp.system, draftId, `k-${draftId}`);
    const requestOf = async (invoiceId: string, amount: string, key: string): Promise<string> => {
      const requested = await callErp(
        erp.system,
        none,
        'requestReceivableWriteOff',
        { invoiceId, amount, reasonCode: 'BAD_DEBT', reasonText: 'Customer insolvent' },
        key,
      );
      return (requested.payload.receivableWriteOff as { id: string }).id;
    };
    const approve = (writeOffId: string, key: string, who: string) =>
      callErp(erp.system, none, 'approveReceivableWriteOff', { writeOffId, expectedVersion: 1 }, key, who);
    const outcome = (answer: { payload: Record<string, unknown> }) =>
      answer.payload.__typename === 'CapabilityFailure'
        ? (answer.payload.errors as { code: string }[])[0]!.code
        : ((answer.payload.userErrors as { code: string }[] | undefined)?.[0]?.code ?? String(answer.payload.__typename ?? 'ok'));

    it('two approvals of one request at once: written off once, the other refused', async () => {
      for (let round = 0; round < 4; round++) {
        const invoiceId = await release(`bd_wo_race_${round}`);
        const writeOffId = await requestOf(invoiceId, '4390.00', `k-wo-race-${round}`);
        const answers = await Promise.all([
          approve(writeOffId, `k-wa-${round}`, 'ar-manager'),
          approve(writeOffId, `k-wb-${round}`, 'cfo'),
        ]);
        // The loser's refusal depends on when it read: VERSION_CONFLICT when it read the write-off
        // after the winner committed, or both records before (its versioned update then fails);
        // INVALID_STATE_TRANSITION when it read the write-off before and the invoice after, already
        // written off. Either way it wrote nothing.
        const outcomes = answers.map(outcome);
        expect(outcomes.filter((o) => o === 'ReceivableWriteOffSuccess')).toHaveLength(1);
        expect(['INVALID_STATE_TRANSITION', 'VERSION_CONFLICT']).toContain(outcomes.find((o) => o !== 'ReceivableWriteOffSuccess'));
        const [invoice] = await erp.system.reads(everything).invoicesByIds([invoiceId]);
        expect(invoice).toMatchObject({ status: 'WRITTEN_OFF', amountWrittenOffE4: 43_900_000, aggregateVersion: 2 });
      }
    });

    it('an approval racing a payment of the whole invoice: one settles it, the other changes nothing', async () => {
      for (let round = 0; round < 4; round++) {
        const invoiceId = await release(`bd_wo_pay_${round}`);
        const writeOffId = await requestOf(invoiceId, '4390.00', `k-wo-pay-${round}`);
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
            bankReference: `BANK-WO-RACE-${round}`,
          },
          `k-wo-rec-${round}`,
        );
        const paymentId = (paid.payload.payment as { id: string }).id;
        const answers = await Promise.all([
          approve(writeOffId, `k-wo-ap-${round}`, 'ar-manager'),
          callErp(erp.system, none, 'applyPayment', { paymentId, invoiceId, amount: '4390.00', expectedVersion: 1 }, `k-wo-py-${round}`),
        ]);
        const winners = answers.map(outcome).filter((o) => o === 'ReceivableWriteOffSuccess' || o === 'ok');
        expect(winners).toHaveLength(1);
        const [invoice] = await erp.system.reads(everything).invoicesByIds([invoiceId]);
        expect(invoice!.amountPaidE4 + invoice!.amountWrittenOffE4).toBe(43_900_000);
        expect(invoice!.aggregateVersion).toBe(2);
        expect(['PAID', 'WRITTEN_OFF']).toContain(invoice!.status);
      }
    });
  });
});
