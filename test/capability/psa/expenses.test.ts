/**
 * Expenses through the gateway (docs/capabilities.md#expenses): submitted with every field,
 * approved by someone other than the submitter and the spender with the contract's EXPENSES-line
 * markup frozen, refused with their codes (segregation of duties, precision, wrong currency,
 * closed project, a billable expense on a project that bills no one), then claimed by a billing
 * draft once with their tax treatment, in the project's paged expenses and billable sources.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { startAuthTessera, type AuthTestTessera } from '../../harness/authTessera.ts';
import { newKey } from '../../harness/capabilities.ts';
import { staffedOn } from './expenseKit.ts';
import {
  APPROVER,
  DEFAULT_SUB,
  accepted,
  call,
  envelope,
  generate,
  psaDb,
  refused,
  seededProjects,
  succeeded,
  type Assignment,
  type Money,
  type Project,
  type SeededProject,
} from './psaKit.ts';

const EXPENSE_FIELDS = `id project { id } resource { id } date category description amount { amount currency } receiptReference billable
  taxTreatment markupPercent billableAmount { amount currency } status billingStatus submittedAt decidedAt approver { id } rejectionReason aggregateVersion`;
const ENVELOPE = 'userErrors { code message field } warnings { code message field } replayed';
const SUBMIT = `mutation SubmitExpense($input: SubmitExpenseInput!) { submitExpense(input: $input) { expense { ${EXPENSE_FIELDS} } ${ENVELOPE} } }`;
const APPROVE = `mutation ApproveExpense($input: ApproveExpenseInput!) { approveExpense(input: $input) { expense { ${EXPENSE_FIELDS} } ${ENVELOPE} } }`;
const REJECT = `mutation RejectExpense($input: RejectExpenseInput!) { rejectExpense(input: $input) { expense { ${EXPENSE_FIELDS} } ${ENVELOPE} } }`;

interface Expense {
  readonly id: string;
  readonly amount: Money;
  readonly billableAmount: Money;
  readonly status: string;
  readonly billingStatus: string;
  readonly submittedAt: string;
  readonly decidedAt: string | null;
  readonly aggregateVersion: number;
  readonly [field: string]: unknown;
}

let tessera: AuthTestTessera;
let projects: SeededProject[];
let project: Project;
let assignment: Assignment;
let resource: { id: string; email: string };

beforeAll(async () => {
  tessera = await startAuthTessera({ scale: 's' });
  projects = await seededProjects(tessera);
  ({ project, assignment, resource } = await staffedOn(tessera, { from: '2027-03-01', to: '2027-04-30', hours: '200' }));
  // The contract's EXPENSES line (docs/model.md#contractline): a 12.5 % markup, no cap, in place of
  // the one the demo data may have given the contract (docs/demo-data.md#expenses).
  await psaDb(tessera)
    .deleteFrom('contract_lines')
    .where('contract_id', '=', project.contract!.id)
    .where('billing_method', '=', 'EXPENSES')
    .execute();
  await psaDb(tessera)
    .insertInto('contract_lines')
    .values({
      id: `cl_expenses_${project.id}`,
      contract_id: project.contract!.id,
      billing_method: 'EXPENSES',
      amount_e4: null,
      nte_e4: null,
      currency: 'USD',
      rate_card_id: null,
      markup_percent_e4: 125_000,
      contract_version: 1,
    })
    .execute();
});
afterAll(() => tessera?.stop());

const usd = (amount: string) => ({ amount, currency: 'USD' });

async function submit(input: Record<string, unknown>, claims?: PrincipalClaims) {
  return call(
    tessera,
    SUBMIT,
    { idempotencyKey: newKey(), projectId: project.id, resourceId: resource.id, currency: 'USD', category: 'TRAVEL', ...input },
    claims ? { claims } : {},
  );
}

async function submitted(input: Record<string, unknown>): Promise<Expense> {
  return accepted<Expense>(await submit(input), 'expense');
}

describe('submitExpense and approveExpense', () => {
  it('submits with every field, refuses the submitter and the spender, approves with the markup frozen (half away from zero)', async () => {
    const result = await submit({
      date: '2027-03-02',
      category: 'LODGING',
      description: ' Hotel, two nights ',
      amount: '80.10',
      receiptReference: ' R-2027-0504 ',
    });
    const expense = accepted<Expense>(result, 'expense');
    const asSubmitted = {
      id: expense.id,
      project: { id: project.id },
      resource: { id: resource.id },
      date: '2027-03-02',
      category: 'LODGING',
      description: 'Hotel, two nights',
      amount: usd('80.10'),
      receiptReference: 'R-2027-0504',
      billable: true,
      taxTreatment: 'STANDARD',
      markupPercent: '0.00',
      billableAmount: usd('0.00'),
      status: 'SUBMITTED',
      billingStatus: 'UNAPPROVED',
      submittedAt: expense.submittedAt,
      decidedAt: null,
      approver: null,
      rejectionReason: null,
      aggregateVersion: 1,
    };
    expect(envelope(result)).toEqual(succeeded('submitExpense', { expense: asSubmitted }));

    const input = { expenseId: expense.id, expectedVersion: 1 };
    const sod = {
      code: 'SEGREGATION_OF_DUTIES',
      message: 'You submitted this expense, or you spent it: another person must approve it.',
      field: 'expenseId',
    };
    // The submitter (the default token's subject) may not approve.
    const own = await call(tessera, APPROVE, { idempotencyKey: newKey(), ...input });
    expect(envelope(own)).toEqual(refused('approveExpense', sod));
    // Nor may the spender, by e-mail, in any case.
    const spender: PrincipalClaims = { ...APPROVER, sub: resource.email.toUpperCase() };
    expect(envelope(await call(tessera, APPROVE, { idempotencyKey: newKey(), ...input }, { claims: spender }))).toEqual(
      refused('approveExpense', sod),
    );

    const approved = await call(tessera, APPROVE, { idempotencyKey: newKey(), ...input }, { claims: APPROVER });
    const decided = accepted<Expense>(approved, 'expense');
    // 80.10 × 1.125 = 90.1125 → 90.11.
    expect(envelope(approved)).toEqual(
      succeeded('approveExpense', {
        expense: {
          ...asSubmitted,
          markupPercent: '12.50',
          billableAmount: usd('90.11'),
          status: 'APPROVED',
          billingStatus: 'READY_TO_BILL',
          decidedAt: decided.decidedAt,
          aggregateVersion: 2,
        },
      }),
    );
    expect(DEFAULT_SUB).not.toBe(APPROVER.sub);
    // Approving again: already APPROVED, nothing changes.
    const again = await call(
      tessera,
      APPROVE,
      { idempotencyKey: newKey(), expenseId: expense.id, expectedVersion: 2 },
      { claims: APPROVER },
    );
    expect(envelope(again)).toEqual(
      succeeded(
        'approveExpense',
        { expense: { ...accepted<Expense>(approved, 'expense') } },
        { warnings: [{ code: 'ALREADY_IN_STATE', message: 'Expense already is APPROVED; nothing changed.', field: null }] },
      ),
    );
  });

  it('refuses each guard with its code and field, writing nothing', async () => {
    const before = await psaDb(tessera).selectFrom('expenses').select('id').execute();
    const base = { date: '2027-03-03', description: 'Taxi', amount: '12.00' };
    const refusal = async (input: Record<string, unknown>) => envelope(await submit({ ...base, ...input }));
    expect(await refusal({ currency: 'EUR' })).toEqual(
      refused('submitExpense', {
        code: 'CURRENCY_MISMATCH',
        message: `Project ${project.id} is in USD; an expense in EUR is refused (submit it converted to USD).`,
        field: 'currency',
      }),
    );
    expect(await refusal({ amount: '12.001' })).toEqual(
      refused('submitExpense', { code: 'MONEY_PRECISION', message: '12.001 has more decimals than USD allows (2).', field: 'amount' }),
    );
    expect(await refusal({ date: '2027-05-01' })).toEqual(
      refused('submitExpense', {
        code: 'PRECONDITION_FAILED',
        message: `2027-05-01 is outside the project (2027-03-01 to 2027-04-30).`,
        field: 'date',
      }),
    );
    const closed = projects.find((p) => p.status === 'CLOSED')!;
    expect(await refusal({ projectId: closed.id })).toEqual(
      refused('submitExpense', {
        code: 'PRECONDITION_FAILED',
        message: `Project ${closed.id} is CLOSED: it takes no more expenses.`,
        field: 'projectId',
      }),
    );
    const internal = projects.find((p) => p.type === 'INTERNAL' && p.status === 'ACTIVE' && p.legalEntity.id === 'le_US01')!;
    expect(await refusal({ projectId: internal.id, date: internal.startDate })).toEqual(
      refused('submitExpense', {
        code: 'PROJECT_NOT_BILLABLE',
        message: `Project ${internal.id} bills no customer (INTERNAL, no contract): submit the expense as not billable.`,
        field: 'billable',
      }),
    );
    expect(await psaDb(tessera).selectFrom('expenses').select('id').execute()).toEqual(before);
  });

  it('rejects with a reason; a rejected expense is never approved', async () => {
    const expense = await submitted({ date: '2027-03-04', category: 'MEALS', description: 'Team dinner', amount: '310.00' });
    const rejected = accepted<Expense>(
      await call(
        tessera,
        REJECT,
        { idempotencyKey: newKey(), expenseId: expense.id, expectedVersion: 1, reason: 'No receipt' },
        { claims: APPROVER },
      ),
      'expense',
    );
    expect([rejected.status, rejected.billingStatus, rejected.rejectionReason, rejected.aggregateVersion]).toEqual([
      'REJECTED',
      'NOT_BILLABLE',
      'No receipt',
      2,
    ]);
    const late = await call(
      tessera,
      APPROVE,
      { idempotencyKey: newKey(), expenseId: expense.id, expectedVersion: 2 },
      { claims: APPROVER },
    );
    expect(envelope(late)).toEqual(
      refused('approveExpense', {
        code: 'INVALID_STATE_TRANSITION',
        message: 'Expense is REJECTED: approveExpense cannot move it to APPROVED.',
        field: null,
      }),
    );
  });
});

describe('billing expenses', () => {
  it('a draft claims approved billable expenses once, with their tax treatment; the project pages them and counts them as billable sources', async () => {
    const recharge = await submitted({ date: '2027-03-08', description: 'Flight', amount: '400.00' });
    const fee = await submitted({
      date: '2027-03-09',
      category: 'OTHER',
      description: 'Visa fee',
      amount: '60.00',
      taxTreatment: 'DISBURSEMENT',
    });
    const kept = await submitted({ date: '2027-03-10', category: 'SOFTWARE', description: 'Licence', amount: '9.99', billable: false });
    for (const expense of [recharge, fee, kept]) {
      await call(tessera, APPROVE, { idempotencyKey: newKey(), expenseId: expense.id, expectedVersion: 1 }, { claims: APPROVER });
    }
    const draft = await generate(tessera, project.id, '2027-03-31');
    const expenseItems = draft.items.filter((item) => item.sourceType === 'EXPENSE');
    // 400.00 × 1.125 = 450.00; the disbursement at cost; 80.10 → 90.11 from the first test.
    expect(expenseItems.map((item) => [item.description, item.quantity, item.unitPrice, item.amount])).toEqual([
      ['2027-03-02 Lodging: Hotel, two nights (markup 12.5%)', '1.00', usd('90.11'), usd('90.11')],
      ['2027-03-08 Travel: Flight (markup 12.5%)', '1.00', usd('450.00'), usd('450.00')],
      ['2027-03-09 Other: Visa fee (disbursement)', '1.00', usd('60.00'), usd('60.00')],
    ]);
    const treatments = await psaDb(tessera)
      .selectFrom('billing_draft_items')
      .select(['source_id', 'tax_treatment'])
      .where('draft_id', '=', draft.id)
      .where('source_type', '=', 'EXPENSE')
      .orderBy('id')
      .execute();
    expect(treatments.map((t) => t.tax_treatment)).toEqual(['STANDARD', 'STANDARD', 'DISBURSEMENT']);

    const body = await tessera.query(
      `query ($id: ID!) { project(id: $id) {
        expenses(first: 2) { nodes { id billingStatus } pageInfo { hasNextPage } totalCount }
        approved: expenses(status: [APPROVED], first: 50) { totalCount }
        billableSources { sourceType sourceId amount { amount currency } billingStatus }
      } }`,
      { id: project.id },
    );
    const data = (body.data as { project: Record<string, unknown> }).project as {
      expenses: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean }; totalCount: number };
      approved: { totalCount: number };
      billableSources: { sourceType: string; sourceId: string; amount: Money; billingStatus: string }[];
    };
    expect(body.errors).toBeUndefined();
    expect([data.expenses.nodes.length, data.expenses.pageInfo.hasNextPage, data.expenses.totalCount, data.approved.totalCount]).toEqual([
      2,
      true,
      5,
      4,
    ]);
    expect(
      data.billableSources.filter((s) => s.sourceType === 'EXPENSE').map((s) => [s.sourceId, s.amount.amount, s.billingStatus]),
    ).toEqual(expenseItems.map((item) => [item.sourceId, item.amount.amount, 'ON_DRAFT']));
    expect(expenseItems.map((item) => item.sourceId)).toContain(recharge.id);
    const spent = await tessera.query(
      `query ($id: ID!) { resource(id: $id) { expenses(status: [SUBMITTED, APPROVED, REJECTED], first: 50) { nodes { id project { id } } totalCount } } }`,
      { id: resource.id },
    );
    const own = (spent.data as { resource: { expenses: { nodes: { id: string; project: { id: string } }[]; totalCount: number } } })
      .resource.expenses;
    // The person's five here, and what the demo data has them spend on their other projects, in id order.
    const stored = await psaDb(tessera).selectFrom('expenses').select('id').where('resource_id', '=', resource.id).orderBy('id').execute();
    expect(own.nodes.map((node) => node.id)).toEqual(stored.slice(0, 50).map((row) => row.id));
    expect([own.totalCount, own.nodes.filter((node) => node.project.id === project.id).length]).toEqual([stored.length, 5]);
    expect(assignment.project.id).toBe(project.id);
  });
});
