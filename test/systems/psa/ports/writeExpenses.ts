/**
 * Expenses through the write port (writePort.contract.ts), the same on every adapter: submitted,
 * approved by another person with the contract's EXPENSES-line markup frozen (or rejected),
 * claimed once by a billing draft with their tax treatment, billed by the invoice; the reads
 * (page, approved billable, ready to bill) answer the same records.
 */
import { expect, it } from 'vitest';
import { CapabilityRejected } from '../../../../systems/kernel/capability/rejection.ts';
import { addDays } from '../../../../systems/psa/capabilities/dates.ts';
import type { Assignment, BillingDraft, BillingDraftItem, Expense, Project, ResourceRequest } from '../../../../systems/psa/ports/types.ts';
import { withPorts } from './openPsa.ts';
import type { WriteHarness } from './writeHarness.ts';
import { ALICE, APPROVER, facts, scenario, T0, type Scenario } from './writeFixture.ts';

/** A project on `s`'s contract with a T&M line (90,000.00 cap) and an EXPENSES line (10,000.00 cap, 10 % markup), staffed with `s.resource`. */
async function expenseProject(h: WriteHarness, s: Scenario, key: string): Promise<{ project: Project; assignment: Assignment }> {
  const { project } = await h.ok<{ project: Project }>(
    h.runner().run(
      'createProjectFromContract',
      {
        contractId: s.contract.id,
        name: `Expenses ${s.n}`,
        code: `EXP-${s.n}`,
        lines: [
          { billingMethod: 'TIME_AND_MATERIALS', notToExceed: '90000.00', rateCardId: 'rc_port' },
          { billingMethod: 'EXPENSES', notToExceed: '10000.00', markupPercent: '10' },
        ],
      },
      { principal: ALICE, key: `${key}-create`, facts: { contract: s.contract, rateCard: s.rateCard } },
    ),
  );
  await h.ok(
    h
      .runner()
      .run(
        'activateProject',
        { projectId: project.id, expectedVersion: 1 },
        { principal: ALICE, key: `${key}-activate`, facts: facts.activeContract(s) },
      ),
  );
  const { resourceRequest } = await h.ok<{ resourceRequest: ResourceRequest }>(
    h
      .runner()
      .run(
        'createResourceRequest',
        { projectId: project.id, roleId: s.resource.primaryRoleId, startDate: s.week, endDate: addDays(s.week, 4), hours: '40.00' },
        { principal: ALICE, key: `${key}-request` },
      ),
  );
  const { assignment } = await h.ok<{ assignment: Assignment }>(
    h
      .runner()
      .run(
        'confirmAssignment',
        { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 },
        { principal: ALICE, key: `${key}-confirm`, facts: { rateCard: s.rateCard, intercompanyEnabled: null } },
      ),
  );
  return { project: { ...project, status: 'ACTIVE', aggregateVersion: 2 }, assignment };
}

export function expenseTests(h: WriteHarness): void {
  it('submits, approves (markup frozen), drafts once with the tax treatment and bills expenses: same records and events', async () => {
    const s = scenario(h.data, 40);
    const { project } = await expenseProject(h, s, 'exp');
    const submit = async (key: string, input: Record<string, unknown>) =>
      (
        await h.ok<{ expense: Expense }>(
          h
            .runner()
            .run(
              'submitExpense',
              { projectId: project.id, resourceId: s.resource.id, currency: 'USD', ...input },
              { principal: ALICE, key },
            ),
        )
      ).expense;
    const flight = await submit('exp-flight', {
      date: s.week,
      category: 'TRAVEL',
      description: ' Flight to the client ',
      amount: '123.45',
      receiptReference: ' RCPT-0001 ',
    });
    const submitted: Omit<Expense, 'id' | 'submittedAt'> = {
      projectId: project.id,
      resourceId: s.resource.id,
      date: s.week,
      category: 'TRAVEL',
      description: 'Flight to the client',
      amountE4: 1_234_500,
      currency: 'USD',
      receiptReference: 'RCPT-0001',
      billable: true,
      taxTreatment: 'STANDARD',
      markupPercentE4: 0,
      billableE4: 0,
      status: 'SUBMITTED',
      billingStatus: 'UNAPPROVED',
      submittedBy: 'alice',
      decidedAt: null,
      decidedBy: null,
      approverId: null,
      rejectionReason: null,
      aggregateVersion: 1,
    };
    expect(flight).toEqual({ ...submitted, id: flight.id, submittedAt: flight.submittedAt });
    expect(flight.id).toMatch(/^exp_[0-9a-f]{20}$/);
    const court = await submit('exp-court', {
      date: addDays(s.week, 1),
      category: 'OTHER',
      description: 'Court filing fee paid for the client',
      amount: '50.00',
      taxTreatment: 'DISBURSEMENT',
    });
    const licence = await submit('exp-licence', {
      date: addDays(s.week, 2),
      category: 'SOFTWARE',
      description: 'Tool licence',
      amount: '20.00',
      billable: false,
    });
    const typo = await submit('exp-typo', { date: addDays(s.week, 3), category: 'MEALS', description: 'Dinner', amount: '999.00' });

    // Segregation of duties: the submitter may not approve.
    const own = await h.runner().run('approveExpense', { expenseId: flight.id, expectedVersion: 1 }, { principal: ALICE, key: 'exp-own' });
    expect(own.result).toEqual({
      ok: false,
      error: {
        code: 'SEGREGATION_OF_DUTIES',
        message: 'You submitted this expense, or you spent it: another person must approve it.',
        field: 'expenseId',
      },
    });
    const approve = async (expense: Expense, key: string) =>
      (
        await h.ok<{ expense: Expense }>(
          h.runner().run('approveExpense', { expenseId: expense.id, expectedVersion: 1 }, { principal: APPROVER, key }),
        )
      ).expense;
    const decided = { status: 'APPROVED', decidedBy: 'psa-approver', approverId: null, aggregateVersion: 2 } as const;
    const approvedFlight = await approve(flight, 'exp-approve-flight');
    // 123.45 × 1.10 = 135.795 → 135.80 (half away from zero).
    expect(approvedFlight).toEqual({
      ...flight,
      ...decided,
      decidedAt: approvedFlight.decidedAt,
      markupPercentE4: 100_000,
      billableE4: 1_358_000,
      billingStatus: 'READY_TO_BILL',
    });
    const approvedCourt = await approve(court, 'exp-approve-court');
    // A disbursement is passed on at cost.
    expect(approvedCourt).toMatchObject({
      markupPercentE4: 0,
      billableE4: 500_000,
      billingStatus: 'READY_TO_BILL',
      taxTreatment: 'DISBURSEMENT',
    });
    const approvedLicence = await approve(licence, 'exp-approve-licence');
    expect(approvedLicence).toMatchObject({ markupPercentE4: 0, billableE4: 0, billingStatus: 'NOT_BILLABLE', status: 'APPROVED' });
    const { expense: rejected } = await h.ok<{ expense: Expense }>(
      h
        .runner()
        .run(
          'rejectExpense',
          { expenseId: typo.id, expectedVersion: 1, reason: ' 999 is a typo ' },
          { principal: APPROVER, key: 'exp-reject' },
        ),
    );
    expect(rejected).toEqual({
      ...typo,
      status: 'REJECTED',
      billingStatus: 'NOT_BILLABLE',
      decidedAt: rejected.decidedAt,
      decidedBy: 'psa-approver',
      rejectionReason: '999 is a typo',
      aggregateVersion: 2,
    });
    expect(Date.parse(rejected.decidedAt!)).toBeGreaterThan(T0.getTime());

    const page = await h.read().expensesPage({ projectId: project.id }, { first: 3, afterId: null });
    const all = [approvedFlight, approvedCourt, approvedLicence, rejected].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(page).toEqual({ rows: all.slice(0, 4), total: 4 });
    expect(await h.read().expensesPage({ projectId: project.id, status: ['REJECTED'] }, { first: 10, afterId: null })).toEqual({
      rows: [rejected],
      total: 1,
    });
    expect(await h.read().expensesPage({ resourceId: s.resource.id, status: ['APPROVED'] }, { first: 10, afterId: all[0]!.id })).toEqual({
      rows: all.slice(1).filter((e) => e.status === 'APPROVED'),
      total: 3,
    });
    expect(await h.read().expensesByIds([flight.id, 'exp_missing'])).toEqual([approvedFlight]);
    expect(await h.read().approvedBillableExpensesByProjectIds([project.id])).toEqual([approvedFlight, approvedCourt]);
    expect((await h.read().readySources(project.id, s.week)).expenses).toEqual([approvedFlight]);

    const { billingDraft } = await h.ok<{ billingDraft: BillingDraft }>(
      h
        .runner()
        .run(
          'generateBillingDraft',
          { projectId: project.id, cutoffDate: '2031-12-31' },
          { principal: ALICE, key: 'exp-draft', facts: facts.billable(s) },
        ),
    );
    expect(billingDraft.summaryE4).toBe(1_858_000);
    const items: BillingDraftItem[] = [
      {
        id: `bdi_${billingDraft.id.slice(3)}_000000`,
        draftId: billingDraft.id,
        sourceType: 'EXPENSE',
        sourceId: flight.id,
        description: `${s.week} Travel: Flight to the client (markup 10%)`,
        quantityE2: 100,
        unitPriceE4: 1_358_000,
        amountE4: 1_358_000,
        taxTreatment: 'STANDARD',
      },
      {
        id: `bdi_${billingDraft.id.slice(3)}_000001`,
        draftId: billingDraft.id,
        sourceType: 'EXPENSE',
        sourceId: court.id,
        description: `${addDays(s.week, 1)} Other: Court filing fee paid for the client (disbursement)`,
        quantityE2: 100,
        unitPriceE4: 500_000,
        amountE4: 500_000,
        taxTreatment: 'DISBURSEMENT',
      },
    ];
    expect(await h.read().billingDraftItemsByDraftIds([billingDraft.id])).toEqual(items);
    expect((await h.read().expensesByIds([flight.id, court.id])).map((e) => e.billingStatus)).toEqual(['ON_DRAFT', 'ON_DRAFT']);

    // The claim: a second draft over the same expense is refused, writing nothing.
    const second: BillingDraft = { ...billingDraft, id: 'bd_port_expense_again', summaryE4: 1_358_000 };
    const again = await withPorts(h.psa().system, (ports) =>
      ports.write.generateBillingDraft(second, [{ ...items[0]!, id: 'bdi_port_expense_again_000000', draftId: second.id }]),
    ).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(CapabilityRejected);
    expect((again as CapabilityRejected).rejection.code).toBe('SOURCE_ALREADY_BILLED');
    expect(await h.read().billingDraftsByIds([second.id])).toEqual([]);
    expect(await h.read().readySources(project.id, '2031-12-31')).toMatchObject({ expenses: [] });

    const invoiced = await h.ok<{ billingDraft: BillingDraft }>(
      h
        .runner()
        .run(
          'recordBillingDraftInvoiced',
          { billingDraftId: billingDraft.id, invoiceId: 'inv_port_exp', invoiceNumber: 'INV-PORT-EXP' },
          { principal: ALICE, key: 'exp-invoiced' },
        ),
    );
    expect(invoiced.billingDraft.status).toBe('INVOICED');
    const statusOf = async (ids: readonly string[]) => {
      const found = await h.read().expensesByIds(ids);
      return ids.map((id) => found.find((e) => e.id === id)?.billingStatus);
    };
    expect(await statusOf([flight.id, court.id, licence.id])).toEqual(['BILLED', 'BILLED', 'NOT_BILLABLE']);

    const events = await h.eventsOf([flight.id, typo.id, billingDraft.id]);
    expect(events.map((e) => [e.type, e.aggregate, e.legalEntityId])).toEqual([
      ['ExpenseSubmitted', `Expense:${flight.id}:1`, 'le_US01'],
      ['ExpenseSubmitted', `Expense:${typo.id}:1`, 'le_US01'],
      ['ExpenseApproved', `Expense:${flight.id}:2`, 'le_US01'],
      ['ExpenseRejected', `Expense:${typo.id}:2`, 'le_US01'],
      ['BillingDraftGenerated', `BillingDraft:${billingDraft.id}:1`, 'le_US01'],
      ['BillingDraftInvoiced', `BillingDraft:${billingDraft.id}:2`, 'le_US01'],
    ]);
    expect(events.map((e) => e.payload).slice(0, 4)).toEqual([
      {
        expenseId: flight.id,
        projectId: project.id,
        resourceId: s.resource.id,
        date: s.week,
        category: 'TRAVEL',
        amount: { amount: '123.45', currency: 'USD' },
        billable: true,
        taxTreatment: 'STANDARD',
        submittedBy: 'alice',
      },
      {
        expenseId: typo.id,
        projectId: project.id,
        resourceId: s.resource.id,
        date: addDays(s.week, 3),
        category: 'MEALS',
        amount: { amount: '999.00', currency: 'USD' },
        billable: true,
        taxTreatment: 'STANDARD',
        submittedBy: 'alice',
      },
      {
        expenseId: flight.id,
        projectId: project.id,
        resourceId: s.resource.id,
        approvedBy: 'psa-approver',
        amount: { amount: '123.45', currency: 'USD' },
        billableAmount: { amount: '135.80', currency: 'USD' },
        billingStatus: 'READY_TO_BILL',
      },
      { expenseId: typo.id, projectId: project.id, resourceId: s.resource.id, rejectedBy: 'psa-approver', reason: '999 is a typo' },
    ]);
    expect(events[5]!.payload).toMatchObject({ billedTimeEntries: 0, billedMilestones: 0, billedExpenses: 2 });
  });

  it('refuses an expense in another currency, too precise, outside the project, by someone off the team, or billable on a project that bills no one', async () => {
    const s = scenario(h.data, 41);
    const { project } = await expenseProject(h, s, 'exp-guards');
    const base = {
      projectId: project.id,
      resourceId: s.resource.id,
      date: s.week,
      category: 'TRAVEL',
      description: 'Taxi',
      amount: '12.00',
      currency: 'USD',
    };
    const refusal = async (key: string, input: Record<string, unknown>) =>
      (await h.runner().run('submitExpense', { ...base, ...input }, { principal: ALICE, key })).result;
    expect(await refusal('g-currency', { currency: 'EUR' })).toEqual({
      ok: false,
      error: {
        code: 'CURRENCY_MISMATCH',
        message: `Project ${project.id} is in USD; an expense in EUR is refused (submit it converted to USD).`,
        field: 'currency',
      },
    });
    expect(await refusal('g-precision', { amount: '12.005' })).toEqual({
      ok: false,
      error: { code: 'MONEY_PRECISION', message: '12.005 has more decimals than USD allows (2).', field: 'amount' },
    });
    expect(await refusal('g-zero', { amount: '0.00' })).toMatchObject({
      ok: false,
      error: { code: 'PRECONDITION_FAILED', field: 'amount' },
    });
    expect(await refusal('g-date', { date: '2032-01-05' })).toMatchObject({
      ok: false,
      error: { code: 'PRECONDITION_FAILED', field: 'date' },
    });
    const other = h.data.resources.find((r) => r.id !== s.resource.id && r.status === 'ACTIVE')!;
    expect(await refusal('g-team', { resourceId: other.id })).toEqual({
      ok: false,
      error: {
        code: 'PRECONDITION_FAILED',
        message: `Resource ${other.id} has no confirmed, active or completed assignment on project ${project.id}.`,
        field: 'resourceId',
      },
    });
    const internal = h.data.projects.find((p) => p.type === 'INTERNAL' && p.status === 'ACTIVE')!;
    expect(await refusal('g-internal', { projectId: internal.id, currency: internal.currency, date: internal.startDate })).toEqual({
      ok: false,
      error: {
        code: 'PROJECT_NOT_BILLABLE',
        message: `Project ${internal.id} bills no customer (INTERNAL, no contract): submit the expense as not billable.`,
        field: 'billable',
      },
    });
    expect((await h.read().expensesPage({ projectId: project.id }, { first: 10, afterId: null })).total).toBe(0);
  });
}
