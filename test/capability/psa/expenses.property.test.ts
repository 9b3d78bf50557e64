/**
 * Random sequences of expense commands on one project, through the gateway (and the ERP's system
 * step straight to the PSA subgraph): submit (billable or not, recharge or disbursement), approve
 * (by another person), reject, generate a draft up to a cut-off, invoice a draft, discard a draft.
 * After every command, conservation including expenses (docs/reconciliation.md#conservation):
 * - each approved billable expense's billable amount is amount × (1 + markup), computed here
 *   independently (BigInt, half away from zero), 0 for a disbursement's markup;
 * - the approved billable value equals ready to bill + on a draft + billed, and the project's
 *   billable sources of type EXPENSE add up to it;
 * - each expense is claimed by at most one live draft item, a draft's summary is the sum of its items,
 *   and each expense's billing status is the one its drafts imply.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { systemPrincipal } from '../../../systems/kernel/capability/peers.ts';
import { parseScaled } from '../../../systems/kernel/decimal.ts';
import type { SubgraphServer } from '../../../systems/kernel/subgraphServer.ts';
import { callSubgraph, startAuthTessera, type AuthTestTessera } from '../../harness/authTessera.ts';
import { newKey } from '../../harness/capabilities.ts';
import { DISCARD_DRAFT } from './billingControlKit.ts';
import { staffedOn } from './expenseKit.ts';
import { APPROVER, GENERATE_DRAFT, call, psaDb, startPsaSubgraph, type Payload } from './psaKit.ts';

const MARKUP_E4 = 75_000; // 7.5 %
const SUBMIT = `mutation ($input: SubmitExpenseInput!) { submitExpense(input: $input) { expense { id } userErrors { code } warnings { code } replayed } }`;
const APPROVE = `mutation ($input: ApproveExpenseInput!) { approveExpense(input: $input) { expense { id } userErrors { code } warnings { code } replayed } }`;
const REJECT = `mutation ($input: RejectExpenseInput!) { rejectExpense(input: $input) { expense { id } userErrors { code } warnings { code } replayed } }`;
const INVOICED = `mutation ($input: RecordBillingDraftInvoicedInput!) { recordBillingDraftInvoiced(input: $input) {
  billingDraft { id } userErrors { code } warnings { code } replayed } }`;
const WINDOWS = [
  ['2027-03-01', '2027-03-12'],
  ['2027-03-15', '2027-03-26'],
  ['2027-03-29', '2027-04-09'],
  ['2027-04-12', '2027-04-23'],
] as const;

let tessera: AuthTestTessera;
let psa: SubgraphServer;
let run = 0;

beforeAll(async () => {
  tessera = await startAuthTessera({ scale: 's' });
  psa = await startPsaSubgraph(tessera);
});
afterAll(async () => {
  await psa?.stop();
  await tessera?.stop();
});

/** amount × (1 + markup/100), half away from zero, to the cent: independent of the runtime's withMarkup. */
function marked(amountE4: number, markupE4: number): number {
  const numerator = BigInt(amountE4) * (1_000_000n + BigInt(markupE4));
  const cents = (numerator * 2n + 100_000_000n) / 200_000_000n;
  return Number(cents * 100n);
}

type Command =
  | { kind: 'submit'; cents: number; billable: boolean; disbursement: boolean; day: number }
  | { kind: 'approve' | 'reject'; pick: number }
  | { kind: 'draft'; day: number }
  | { kind: 'invoice' | 'discard'; pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('submit' as const),
    cents: fc.integer({ min: 1, max: 250_000 }),
    billable: fc.boolean(),
    disbursement: fc.boolean(),
    day: fc.integer({ min: 0, max: 11 }),
  }),
  fc.record({ kind: fc.constantFrom('approve' as const, 'reject' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('draft' as const), day: fc.integer({ min: 0, max: 11 }) }),
  fc.record({ kind: fc.constantFrom('invoice' as const, 'discard' as const), pick: fc.nat() }),
);

const ok = (payload: Payload | null | undefined) => payload != null && payload.userErrors.length === 0;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('expenses conserve approved billable value', () => {
  it('under random submit, approve, reject, draft, invoice and discard sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 12 }), async (commands) => {
        const [from, to] = WINDOWS[run % WINDOWS.length]!;
        run += 1;
        const { project, resource } = await staffedOn(tessera, { from, to, hours: '10' });
        const db = psaDb(tessera);
        const lineId = `cl_prop_${project.id}`;
        await db
          .deleteFrom('contract_lines')
          .where('contract_id', '=', project.contract!.id)
          .where('billing_method', '=', 'EXPENSES')
          .execute();
        await db
          .insertInto('contract_lines')
          .values({
            id: lineId,
            contract_id: project.contract!.id,
            billing_method: 'EXPENSES',
            amount_e4: null,
            nte_e4: null,
            currency: 'USD',
            rate_card_id: null,
            markup_percent_e4: MARKUP_E4,
            contract_version: 1,
          })
          .execute();
        const model = new Map<string, { amountE4: number; billable: boolean; disbursement: boolean; status: string }>();
        const drafts: string[] = [];

        for (const step of commands) {
          if (step.kind === 'submit') {
            const amount = `${Math.floor(step.cents / 100)}.${String(step.cents % 100).padStart(2, '0')}`;
            const result = await call(tessera, SUBMIT, {
              idempotencyKey: newKey(),
              projectId: project.id,
              resourceId: resource.id,
              date: addDays(from, step.day),
              category: 'TRAVEL',
              description: `Expense ${model.size}`,
              amount,
              currency: 'USD',
              billable: step.billable,
              taxTreatment: step.disbursement ? 'DISBURSEMENT' : 'STANDARD',
            });
            expect(ok(result.payload)).toBe(true);
            const id = (result.payload!.expense as { id: string }).id;
            model.set(id, { amountE4: parseScaled(amount), billable: step.billable, disbursement: step.disbursement, status: 'SUBMITTED' });
          } else if (step.kind === 'approve' || step.kind === 'reject') {
            const ids = [...model.keys()];
            if (ids.length === 0) continue;
            const id = ids[step.pick % ids.length]!;
            const current = model.get(id)!;
            const input = { idempotencyKey: newKey(), expenseId: id, expectedVersion: current.status === 'SUBMITTED' ? 1 : 2 };
            const result = await call(
              tessera,
              step.kind === 'approve' ? APPROVE : REJECT,
              step.kind === 'reject' ? { ...input, reason: 'No' } : input,
              {
                claims: APPROVER,
              },
            );
            const target = step.kind === 'approve' ? 'APPROVED' : 'REJECTED';
            const codes = [...result.payload!.userErrors, ...result.payload!.warnings].map((e) => e.code);
            expect(codes).toEqual(
              current.status === 'SUBMITTED' ? [] : current.status === target ? ['ALREADY_IN_STATE'] : ['INVALID_STATE_TRANSITION'],
            );
            if (current.status === 'SUBMITTED') current.status = target;
          } else if (step.kind === 'draft') {
            const result = await call(tessera, GENERATE_DRAFT, {
              idempotencyKey: newKey(),
              projectId: project.id,
              cutoffDate: addDays(from, step.day),
            });
            const codes = result.payload!.userErrors.map((e) => e.code);
            expect(codes.length === 0 || codes[0] === 'NOTHING_TO_BILL', JSON.stringify(codes)).toBe(true);
            if (codes.length === 0) drafts.push((result.payload!.billingDraft as { id: string }).id);
          } else {
            if (drafts.length === 0) continue;
            const id = drafts[step.pick % drafts.length]!;
            if (step.kind === 'invoice') {
              const answer = await callSubgraph(
                psa,
                {
                  query: INVOICED,
                  variables: { input: { idempotencyKey: newKey(), billingDraftId: id, invoiceId: `inv_${id}`, invoiceNumber: `N-${id}` } },
                },
                {
                  [INTERNAL_PRINCIPAL_HEADER]: signInternalPrincipal(systemPrincipal('erp'), tessera.internalSecret, {
                    requestId: newKey(),
                  }),
                },
              );
              expect(answer.body.errors).toBeUndefined();
            } else {
              const row = await db.selectFrom('billing_drafts').select('aggregate_version').where('id', '=', id).executeTakeFirstOrThrow();
              await call(tessera, DISCARD_DRAFT, {
                idempotencyKey: newKey(),
                billingDraftId: id,
                expectedVersion: row.aggregate_version,
                reason: 'Redo',
              });
            }
          }
          await checkConservation(project.id, model);
        }
        const body = await tessera.query(`query ($id: ID!) { project(id: $id) { billableSources { sourceType amount { amount } } } }`, {
          id: project.id,
        });
        const sources = (body.data as { project: { billableSources: { sourceType: string; amount: { amount: string } }[] } }).project
          .billableSources;
        const expected = [...model.values()]
          .filter((e) => e.status === 'APPROVED' && e.billable)
          .reduce((sum, e) => sum + marked(e.amountE4, e.disbursement ? 0 : MARKUP_E4), 0);
        expect(sources.filter((s) => s.sourceType === 'EXPENSE').reduce((sum, s) => sum + parseScaled(s.amount.amount), 0)).toBe(expected);
      }),
      { numRuns: 4 },
    );
  });
});

async function checkConservation(
  projectId: string,
  model: ReadonlyMap<string, { amountE4: number; billable: boolean; disbursement: boolean; status: string }>,
) {
  const db = psaDb(tessera);
  const rows = await db
    .selectFrom('expenses')
    .select(['id', 'status', 'billing_status', 'billable_e4', 'markup_percent_e4'])
    .where('project_id', '=', projectId)
    .execute();
  const drafts = await db.selectFrom('billing_drafts').select(['id', 'status', 'summary_e4']).where('project_id', '=', projectId).execute();
  const items = await db
    .selectFrom('billing_draft_items')
    .select(['draft_id', 'source_id', 'amount_e4'])
    .where('source_type', '=', 'EXPENSE')
    .where('source_id', 'in', [...model.keys(), 'none'])
    .execute();
  const live = new Map(drafts.filter((d) => d.status !== 'DISCARDED').map((d) => [d.id, d.status]));
  let approvedValue = 0;
  let accounted = 0;
  for (const row of rows) {
    const expense = model.get(row.id)!;
    expect(row.status).toBe(expense.status);
    const bills = expense.status === 'APPROVED' && expense.billable;
    const value = bills ? marked(expense.amountE4, expense.disbursement ? 0 : MARKUP_E4) : 0;
    expect(Number(row.billable_e4)).toBe(value);
    const claims = items.filter((item) => item.source_id === row.id && live.has(item.draft_id));
    expect(claims.length).toBeLessThanOrEqual(1);
    const claim = claims[0];
    const expectedStatus = !bills
      ? expense.status === 'SUBMITTED'
        ? 'UNAPPROVED'
        : 'NOT_BILLABLE'
      : claim
        ? live.get(claim.draft_id) === 'INVOICED'
          ? 'BILLED'
          : 'ON_DRAFT'
        : 'READY_TO_BILL';
    expect(row.billing_status).toBe(expectedStatus);
    if (claim) expect(Number(claim.amount_e4)).toBe(value);
    approvedValue += value;
    if (['READY_TO_BILL', 'ON_DRAFT', 'BILLED'].includes(row.billing_status)) accounted += Number(row.billable_e4);
  }
  expect(accounted).toBe(approvedValue);
  for (const draft of drafts.filter((d) => d.status !== 'DISCARDED')) {
    const sum = items.filter((item) => item.draft_id === draft.id).reduce((total, item) => total + Number(item.amount_e4), 0);
    expect(Number(draft.summary_e4)).toBe(sum);
  }
}
