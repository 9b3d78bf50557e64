/** The expense reads of the PSA read-port contract (readPort.contract.ts): the same answers on every adapter. */
import { expect, it } from 'vitest';
import { recordScope, type RecordScope } from '../../../../policies/recordScope.ts';
import { principalFromClaims } from '../../../../auth/principal.ts';
import type { PsaReadPort } from '../../../../systems/psa/ports/readPort.ts';
import type { Expense } from '../../../../systems/psa/ports/types.ts';
import type { PsaData } from './psaData.ts';

const APPROVED_BILLABLE = ['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT', 'BILLED', 'CREDITED', 'WRITTEN_OFF'];
const byId = (expenses: readonly Expense[]) => [...expenses].sort((a, b) => (a.id < b.id ? -1 : 1));
const byDate = (expenses: readonly Expense[]) =>
  [...expenses].sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.id < b.id ? -1 : 1));

export function expenseReadTests(read: (scope?: RecordScope) => PsaReadPort, data: PsaData): void {
  it('answers expenses: by id, paged by project, person and status, approved billable, ready to bill; within the scope', async () => {
    expect(data.expenses.length).toBeGreaterThan(12);
    const first = data.expenses[0]!;
    expect(await read().expensesByIds([first.id, 'exp_missing'])).toEqual([first]);
    const ofProject = byId(data.expenses.filter((e) => e.projectId === first.projectId));
    const page1 = await read().expensesPage({ projectId: first.projectId }, { first: 2, afterId: null });
    expect(page1).toEqual({ rows: ofProject.slice(0, 3), total: ofProject.length });
    const page2 = await read().expensesPage({ projectId: first.projectId }, { first: 2, afterId: ofProject[1]!.id });
    expect(page2).toEqual({ rows: ofProject.slice(2, 5), total: ofProject.length });
    const approved = byId(data.expenses.filter((e) => e.resourceId === first.resourceId && e.status === 'APPROVED'));
    expect(await read().expensesPage({ resourceId: first.resourceId, status: ['APPROVED'] }, { first: 500, afterId: null })).toEqual({
      rows: approved,
      total: approved.length,
    });
    const projectIds = [...new Set(data.expenses.map((e) => e.projectId))];
    expect(await read().approvedBillableExpensesByProjectIds(projectIds)).toEqual(
      byDate(data.expenses.filter((e) => APPROVED_BILLABLE.includes(e.billingStatus))),
    );
    expect((await read().readySources(first.projectId, '9999-12-31')).expenses).toEqual(
      byDate(data.expenses.filter((e) => e.projectId === first.projectId && e.billingStatus === 'READY_TO_BILL')),
    );
    expect((await read().readySources(first.projectId, '1999-12-31')).expenses).toEqual([]);

    const project = data.projects.find((p) => p.id === first.projectId)!;
    const elsewhere = data.projects.find((p) => p.legalEntityId !== project.legalEntityId)!.legalEntityId;
    const other = recordScope(principalFromClaims({ sub: 'read-port-contract', legal_entities: [elsewhere.replace(/^le_/, '')] }));
    expect(await read(other).expensesByIds([first.id])).toEqual([]);
    expect(await read(other).expensesPage({ projectId: first.projectId }, { first: 10, afterId: null })).toEqual({ rows: [], total: 0 });
  });
}
