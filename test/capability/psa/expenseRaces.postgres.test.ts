/**
 * An approved billable expense is claimed once under concurrent drafts on PostgreSQL
 * (docs/invariants.md#inv-2; when TESSERA_TEST_POSTGRES_URL is set): two generateBillingDraft
 * calls fire at once through the gateway, each with its own key, on a project whose only ready
 * source is an expense; exactly one draft claims it, the other is refused and writes nothing.
 * Repeated on fresh expenses so a lost race cannot pass by luck.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { onPostgres } from '../../harness/onPostgres.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { APPROVER, GENERATE_DRAFT, accepted, call, psaDb, type BillingDraft, type Project } from './psaKit.ts';
import { staffedOn } from './expenseKit.ts';

const ROUNDS = 5;
const SUBMIT = `mutation ($input: SubmitExpenseInput!) { submitExpense(input: $input) { expense { id aggregateVersion } userErrors { code message field } warnings { code } replayed } }`;
const APPROVE = `mutation ($input: ApproveExpenseInput!) { approveExpense(input: $input) { expense { id billingStatus markupPercent billableAmount { amount } } userErrors { code message field } warnings { code } replayed } }`;

onPostgres('PSA expense claims', (makeStore) => {
  let store: TempStore;
  let tessera: TestTessera;
  let project: Project;
  let resourceId: string;

  beforeAll(async () => {
    store = await makeStore();
    tessera = await startTestTessera({ scale: 's', store });
    const staffed = await staffedOn(tessera, { from: '2027-03-01', to: '2027-04-30', hours: '100' });
    project = staffed.project;
    resourceId = staffed.resource.id;
  });
  afterAll(async () => {
    await tessera?.stop();
    await store?.remove();
  });

  describe('expense claims on PostgreSQL', () => {
    it(`two drafts at once over one ready expense: exactly one claims it (${ROUNDS} rounds)`, async () => {
      const db = psaDb(tessera);
      for (let round = 0; round < ROUNDS; round += 1) {
        const date = `2027-03-${String(round + 2).padStart(2, '0')}`;
        const submitted = accepted<{ id: string; aggregateVersion: number }>(
          await call(tessera, SUBMIT, {
            idempotencyKey: newKey(),
            projectId: project.id,
            resourceId,
            date,
            category: 'TRAVEL',
            description: `Train ${round}`,
            amount: '84.20',
            currency: 'USD',
          }),
          'expense',
        );
        const approved = accepted<{ billingStatus: string; markupPercent: string; billableAmount: { amount: string } }>(
          await call(tessera, APPROVE, { idempotencyKey: newKey(), expenseId: submitted.id, expectedVersion: 1 }, { claims: APPROVER }),
          'expense',
        );
        expect(approved.billingStatus).toBe('READY_TO_BILL');
        // The seeded contract's EXPENSES line may carry a markup: the draft bills the amount frozen at approval.
        const billable = (8420 * (10000 + Math.round(Number(approved.markupPercent) * 100))) / 10000;
        expect(approved.billableAmount.amount).toBe((Math.round(billable) / 100).toFixed(2));

        const results = await Promise.all(
          [0, 1].map(() => call(tessera, GENERATE_DRAFT, { idempotencyKey: newKey(), projectId: project.id, cutoffDate: date })),
        );
        const outcomes = results.map((result) => result.payload?.userErrors.map((error) => error.code).join(',') || 'DRAFTED');
        const winner = outcomes.indexOf('DRAFTED');
        expect(winner, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(0);
        // The loser either lost the claim (SOURCE_ALREADY_BILLED) or, serialized behind the winner, found nothing left.
        expect(['SOURCE_ALREADY_BILLED', 'NOTHING_TO_BILL']).toContain(outcomes[1 - winner]);
        const draft = accepted<BillingDraft>(results[winner]!, 'billingDraft');
        expect(draft.items.map((item) => [item.sourceType, item.sourceId, item.amount.amount])).toEqual([
          ['EXPENSE', submitted.id, approved.billableAmount.amount],
        ]);

        const claims = await db
          .selectFrom('billing_draft_items')
          .select(['draft_id'])
          .where('source_type', '=', 'EXPENSE')
          .where('source_id', '=', submitted.id)
          .execute();
        expect(claims).toEqual([{ draft_id: draft.id }]);
        const drafts = await db
          .selectFrom('billing_drafts')
          .select('id')
          .where('project_id', '=', project.id)
          .where('cutoff_date', '=', date)
          .execute();
        expect(drafts).toEqual([{ id: draft.id }]);
        const row = await db.selectFrom('expenses').select(['billing_status']).where('id', '=', submitted.id).executeTakeFirstOrThrow();
        expect(row.billing_status).toBe('ON_DRAFT');
      }
    });
  });
});
