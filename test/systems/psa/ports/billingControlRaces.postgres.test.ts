/**
 * Billing-control steps under a race on PostgreSQL (when TESSERA_TEST_POSTGRES_URL is set): two
 * capability calls fired at once through the kernel runner, each with its own key, repeated on
 * fresh records so a lost race cannot pass by luck. A draft discarded while the ERP's step records
 * it invoiced (exactly one wins; the sources end all ready to bill or all billed); a source held
 * while a draft claims it (never both); two approvals of one write-off (exactly one).
 */
import { describe, expect, it } from 'vitest';
import type { SourceWriteOff } from '../../../../systems/psa/ports/billingControls.ts';
import type { BillingDraft } from '../../../../systems/psa/ports/types.ts';
import { onPostgres } from '../../../harness/onPostgres.ts';
import { openSqlPsa } from './openPsa.ts';
import { approvedWeekOf } from './writeBillingControls.ts';
import { ALICE, APPROVER, facts, scenario } from './writeFixture.ts';
import { writeHarness } from './writeHarness.ts';

/** Fresh pairs per race (each on its own scenario week). */
const ROUNDS = 3;

onPostgres('PSA billing-control races', (makeStore) => {
  describe('on PostgreSQL', () => {
    const h = writeHarness(async (data) => openSqlPsa(await makeStore(), data));
    const outcome = (result: { result: { ok: boolean; error?: { code: string } } }) =>
      result.result.ok ? 'OK' : result.result.error!.code;

    it('discarding a draft while its invoice is recorded: exactly one wins, and the sources follow it', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const s = scenario(h.data, round);
        const { project, run, entries } = await approvedWeekOf(h, s, `race-d${round}`);
        const { billingDraft } = await h.ok<{ billingDraft: BillingDraft }>(
          run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'draft', { facts: facts.billable(s) }),
        );
        const [discard, invoice] = await Promise.all([
          run('discardBillingDraft', { billingDraftId: billingDraft.id, expectedVersion: 1, reason: 'Race' }, 'discard'),
          run(
            'recordBillingDraftInvoiced',
            { billingDraftId: billingDraft.id, invoiceId: `inv_race_${round}`, invoiceNumber: `R-${round}` },
            'invoice',
          ),
        ]);
        const codes = [outcome(discard), outcome(invoice)];
        expect(
          codes.filter((code) => code === 'OK'),
          JSON.stringify(codes),
        ).toHaveLength(1);
        for (const code of codes) expect(['OK', 'VERSION_CONFLICT', 'INVALID_STATE_TRANSITION']).toContain(code);
        const [draft] = await h.read().billingDraftsByIds([billingDraft.id]);
        const discarded = codes[0] === 'OK';
        expect(draft!.status).toBe(discarded ? 'DISCARDED' : 'INVOICED');
        expect((await entries()).map((e) => e.billingStatus)).toEqual(
          discarded ? ['READY_TO_BILL', 'READY_TO_BILL'] : ['BILLED', 'BILLED'],
        );
        expect(await h.read().billingDraftItemsByDraftIds([billingDraft.id])).toHaveLength(discarded ? 0 : 2);
        expect(await h.read().releasedDraftItemsByDraftIds([billingDraft.id])).toHaveLength(discarded ? 2 : 0);
      }
    });

    it('holding a source while a draft claims it: the source is held or drafted, never both', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const s = scenario(h.data, 4 + round);
        const { project, run, entries, first } = await approvedWeekOf(h, s, `race-h${round}`);
        const [hold, draft] = await Promise.all([
          run('placeBillingHold', { projectId: project.id, sourceType: 'TIME_SPLIT', sourceId: first.id, reason: 'Race' }, 'hold'),
          run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' }, 'draft', { facts: facts.billable(s) }),
        ]);
        const [held, drafted] = [outcome(hold), outcome(draft)];
        expect(['OK', 'INVALID_STATE_TRANSITION']).toContain(held);
        expect(['OK', 'SOURCE_ALREADY_BILLED']).toContain(drafted);
        const status = (await entries())[0]!.billingStatus;
        const claimed =
          drafted === 'OK'
            ? (
                await h
                  .read()
                  .billingDraftItemsByDraftIds([
                    (draft.result as unknown as { value: { billingDraft: BillingDraft } }).value.billingDraft.id,
                  ])
              ).map((i) => i.sourceId)
            : [];
        if (held === 'OK') {
          expect(status).toBe('ON_HOLD');
          expect(claimed).not.toContain(first.id);
        } else {
          expect(drafted).toBe('OK');
          expect(status).toBe('ON_DRAFT');
          expect(claimed).toContain(first.id);
        }
      }
    });

    it('two approvals of one write-off: exactly one writes the source off', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const s = scenario(h.data, 8 + round);
        const { run, entries, first } = await approvedWeekOf(h, s, `race-w${round}`);
        const { sourceWriteOff } = await h.ok<{ sourceWriteOff: SourceWriteOff }>(
          run(
            'requestSourceWriteOff',
            { sourceType: 'TIME_SPLIT', sourceId: first.id, reasonCode: 'DISPUTE', reasonText: 'Race' },
            'request',
            { principal: ALICE },
          ),
        );
        const approvals = await Promise.all(
          ['a', 'b'].map((k) =>
            run('approveSourceWriteOff', { writeOffId: sourceWriteOff.id, expectedVersion: 1 }, `approve-${k}`, { principal: APPROVER }),
          ),
        );
        const codes = approvals.map(outcome);
        expect(
          codes.filter((code) => code === 'OK'),
          JSON.stringify(codes),
        ).toHaveLength(1);
        // The loser overlapped the winner (its version is stale: VERSION_CONFLICT) or came after it
        // (the write-off is already APPROVED: INVALID_STATE_TRANSITION); either way nothing is written twice.
        expect(['VERSION_CONFLICT', 'INVALID_STATE_TRANSITION']).toContain(codes.find((code) => code !== 'OK'));
        expect((await entries())[0]!.billingStatus).toBe('WRITTEN_OFF');
        expect((await h.read().sourceWriteOffsByIds([sourceWriteOff.id]))[0]).toMatchObject({ status: 'APPROVED', aggregateVersion: 2 });
        expect((await h.eventsOf([sourceWriteOff.id])).map((e) => e.type)).toEqual(['SourceWriteOffRequested', 'SourceWrittenOff']);
      }
    });
  });
});
