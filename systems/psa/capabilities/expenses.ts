/**
 * Expense capabilities (docs/capabilities.md#expenses, docs/state-machines.md#expense): a resource's
 * spending on a project is submitted, then approved by someone else (docs/invariants.md#inv-8:
 * neither its submitter nor its spender), which freezes what the customer is billed (the amount
 * with the markup of the contract's EXPENSES line), or rejected with a reason. An approved
 * billable expense is READY_TO_BILL, a source that generateBillingDraft claims once
 * (docs/invariants.md#inv-2) like approved time.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { guardTransition, type StateMachine } from '../../kernel/capability/stateMachine.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { money, withMarkup } from '../../kernel/decimal.ts';
import { isIndependentApprover } from '../../../policies/named/segregationOfDuties.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import {
  EXPENSE_CATEGORIES,
  type Expense,
  type ExpenseCategory,
  type ExpenseStatus,
  type Project,
  type TaxTreatment,
} from '../ports/types.ts';
import { projectFor, resourceFor, visibleProject } from './records.ts';

type Handler<Input> = CapabilityHandler<PsaPorts, PsaContext, Input, { expense: Expense }>;

/** An expense is decided once: approved or rejected (a rejected one is submitted again as a new expense). */
export const expenseMachine: StateMachine<ExpenseStatus> = {
  SUBMITTED: ['APPROVED', 'REJECTED'],
  APPROVED: [],
  REJECTED: [],
};

/** Project states that take no more expenses (as they take no more time). */
const CLOSED_PROJECTS: readonly string[] = ['CLOSED', 'CANCELLED'];
/** Assignment states of a person who works (or worked) on the project: who may have spent money on it. */
const ON_THE_TEAM: readonly string[] = ['CONFIRMED', 'ACTIVE', 'COMPLETED'];
/** The contract line whose markup applies to expenses (docs/model.md#contractline). */
const EXPENSES_LINE = 'EXPENSES';
const MAX_DESCRIPTION = 200;
const MAX_RECEIPT_REFERENCE = 100;

/** Whether the project bills a customer: a customer project with a contract. */
export function billsCustomer(project: Project): boolean {
  return project.type === 'CUSTOMER_BILLABLE' && project.contractId !== null && project.accountId !== null;
}

interface SubmitInput {
  readonly projectId: string;
  readonly resourceId: string;
  readonly date: string;
  readonly category: string;
  readonly description: string;
  readonly amount: string;
  readonly currency: string;
  readonly receiptReference?: string | null;
  readonly billable?: boolean | null;
  readonly taxTreatment?: TaxTreatment | null;
}

export const submitExpense: Handler<SubmitInput> = {
  async effect({ input, ports, emit, principal, now }) {
    const project = await projectFor(ports.read, input.projectId);
    if (CLOSED_PROJECTS.includes(project.status)) {
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is ${project.status}: it takes no more expenses.`, 'projectId');
    }
    if (input.currency !== project.currency) {
      throw rejected(
        'CURRENCY_MISMATCH',
        `Project ${project.id} is in ${project.currency}; an expense in ${input.currency} is refused (submit it converted to ${project.currency}).`,
        'currency',
      );
    }
    const amount = moneyInput(input.amount, project.currency, 'amount');
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'An expense is a positive amount.', 'amount');
    if (input.date < project.startDate || input.date > project.endDate) {
      throw rejected('PRECONDITION_FAILED', `${input.date} is outside the project (${project.startDate} to ${project.endDate}).`, 'date');
    }
    if (!(EXPENSE_CATEGORIES as readonly string[]).includes(input.category))
      throw rejected('PRECONDITION_FAILED', `${input.category} is not an expense category.`, 'category');
    const description = input.description.trim();
    if (description === '' || description.length > MAX_DESCRIPTION)
      throw rejected('PRECONDITION_FAILED', `Describe the expense in 1 to ${MAX_DESCRIPTION} characters.`, 'description');
    const receiptReference = input.receiptReference?.trim() || null;
    if (receiptReference !== null && receiptReference.length > MAX_RECEIPT_REFERENCE)
      throw rejected('PRECONDITION_FAILED', `A receipt reference has at most ${MAX_RECEIPT_REFERENCE} characters.`, 'receiptReference');
    const billable = input.billable !== false;
    if (billable && !billsCustomer(project)) {
      throw rejected(
        'PROJECT_NOT_BILLABLE',
        `Project ${project.id} bills no customer (${project.type}${project.contractId ? '' : ', no contract'}): submit the expense as not billable.`,
        'billable',
      );
    }
    const resource = await resourceFor(ports.read, input.resourceId);
    const onTeam = (await ports.read.assignmentsByProjectIds([project.id])).some(
      (assignment) => assignment.resourceId === resource.id && ON_THE_TEAM.includes(assignment.status),
    );
    if (!onTeam) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Resource ${resource.id} has no confirmed, active or completed assignment on project ${project.id}.`,
        'resourceId',
      );
    }

    const expense = await ports.write.submitExpense({
      id: newId('exp'),
      projectId: project.id,
      resourceId: resource.id,
      date: input.date,
      category: input.category as ExpenseCategory,
      description,
      amountE4: amount,
      currency: project.currency,
      receiptReference,
      billable,
      taxTreatment: input.taxTreatment ?? 'STANDARD',
      markupPercentE4: 0,
      billableE4: 0,
      status: 'SUBMITTED',
      billingStatus: 'UNAPPROVED',
      submittedAt: now.toISOString(),
      submittedBy: principal.sub,
      decidedAt: null,
      decidedBy: null,
      approverId: null,
      rejectionReason: null,
      aggregateVersion: 1,
    });
    emit(
      aggregateEvent('ExpenseSubmitted', 'Expense', expense, project.legalEntityId, {
        expenseId: expense.id,
        projectId: project.id,
        resourceId: resource.id,
        date: expense.date,
        category: expense.category,
        amount: money(expense.amountE4, expense.currency),
        billable: expense.billable,
        taxTreatment: expense.taxTreatment,
        submittedBy: principal.sub,
      }),
    );
    return { expense };
  },
};

interface DecisionInput {
  readonly expenseId: string;
  readonly expectedVersion: number;
}

async function expenseFor(read: PsaReadPort, id: string): Promise<{ expense: Expense; project: Project }> {
  const expense = (await read.expensesByIds([id]))[0];
  const project = expense ? await visibleProject(read, expense.projectId) : null;
  if (!expense || !project) throw notFoundRejection('Expense', id, 'expenseId');
  return { expense, project };
}

/** The markup of the contract's EXPENSES line (percent, e4); 0 without one. */
async function contractMarkup(read: PsaReadPort, contractId: string): Promise<number> {
  const lines = await read.contractLinesByContractIds([contractId]);
  return lines.find((line) => line.billingMethod === EXPENSES_LINE)?.markupPercentE4 ?? 0;
}

export const approveExpense: Handler<DecisionInput> = {
  async effect({ input, ports, emit, principal, now }) {
    const { expense: row, project } = await expenseFor(ports.read, input.expenseId);
    checkVersion('Expense', row.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('Expense', expenseMachine, row.status, 'APPROVED', 'approveExpense');
    if (warning) return { expense: row, warnings: [warning] };
    const spender = await resourceFor(ports.read, row.resourceId, 'expenseId');
    if (!isIndependentApprover(principal.sub, row.submittedBy, [spender.id, spender.email])) {
      throw rejected('SEGREGATION_OF_DUTIES', 'You submitted this expense, or you spent it: another person must approve it.', 'expenseId');
    }
    if (project.status === 'CLOSED')
      throw rejected('PRECONDITION_FAILED', `Project ${project.id} is CLOSED: its expenses are no longer approved.`, 'expenseId');

    // Frozen now: a later change of the contract's markup never reprices an approved expense. A
    // disbursement is passed on at cost (never marked up, docs/capabilities.md#expenses).
    const bills = row.billable && billsCustomer(project);
    const markup = bills && row.taxTreatment === 'STANDARD' ? await contractMarkup(ports.read, project.contractId!) : 0;
    const billableE4 = bills ? withMarkup(row.amountE4, markup, row.currency) : 0;
    const approver = await ports.read.resourceOfSubject(principal.sub);
    const expense = await ports.write.approveExpense(row, {
      decidedAt: now.toISOString(),
      decidedBy: principal.sub,
      approverId: approver?.id ?? null,
      markupPercentE4: markup,
      billableE4,
      billingStatus: bills ? 'READY_TO_BILL' : 'NOT_BILLABLE',
    });
    emit(
      aggregateEvent('ExpenseApproved', 'Expense', expense, project.legalEntityId, {
        expenseId: expense.id,
        projectId: project.id,
        resourceId: expense.resourceId,
        approvedBy: principal.sub,
        amount: money(expense.amountE4, expense.currency),
        billableAmount: money(expense.billableE4, expense.currency),
        billingStatus: expense.billingStatus,
      }),
    );
    return { expense };
  },
};

interface RejectInput extends DecisionInput {
  readonly reason: string;
}

export const rejectExpense: Handler<RejectInput> = {
  async effect({ input, ports, emit, principal, now }) {
    const { expense: row, project } = await expenseFor(ports.read, input.expenseId);
    checkVersion('Expense', row.aggregateVersion, input.expectedVersion, { required: true });
    const warning = guardTransition('Expense', expenseMachine, row.status, 'REJECTED', 'rejectExpense');
    if (warning) return { expense: row, warnings: [warning] };
    const reason = input.reason.trim();
    if (reason === '') throw rejected('PRECONDITION_FAILED', 'Say why the expense is rejected: the spender has to know.', 'reason');
    const approver = await ports.read.resourceOfSubject(principal.sub);
    const expense = await ports.write.rejectExpense(row, {
      decidedAt: now.toISOString(),
      decidedBy: principal.sub,
      approverId: approver?.id ?? null,
      reason,
    });
    emit(
      aggregateEvent('ExpenseRejected', 'Expense', expense, project.legalEntityId, {
        expenseId: expense.id,
        projectId: project.id,
        resourceId: expense.resourceId,
        rejectedBy: principal.sub,
        reason,
      }),
    );
    return { expense };
  },
};
