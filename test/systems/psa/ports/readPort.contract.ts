/**
 * The PSA read-port contract: the same assertions against every adapter (SQL on SQLite and
 * PostgreSQL, the in-memory remote one). Each adapter's test file loads the same canonical records
 * and hands over its system; the suite compares answers with values computed from the data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../../../auth/principal.ts';
import { NO_RECORDS, recordScope, type RecordScope } from '../../../../policies/recordScope.ts';
import { encodeCursor } from '../../../../systems/kernel/pagination.ts';
import type { PsaReadPort } from '../../../../systems/psa/ports/readPort.ts';
import { byId, expectedProjectTotals } from '../../../harness/expectations.ts';
import { ALL_RECORDS, expectEveryMethodScoped, unscoped } from '../../../harness/recordPolicyProbe.ts';
import type { OpenPsa } from './openPsa.ts';
import { psaData, type PsaData } from './psaData.ts';
import { expenseReadTests } from './readExpenses.ts';
import { billingControlProbes, billingControlReadTests } from './readBillingControls.ts';
import { metricProbes, metricReadTests } from './readMetrics.ts';

const EVERYTHING = ALL_RECORDS;
const ALL = { first: 500, afterId: null };

function scopeOf(claims: { legal_entities: string | string[]; partner_accounts?: string[] }): RecordScope {
  return recordScope(principalFromClaims({ sub: 'read-port-contract', ...claims }));
}

export function psaReadPortContract(adapter: string, open: (data: PsaData) => Promise<OpenPsa>): void {
  describe(`PSA read port on ${adapter}`, () => {
    const data = psaData();
    let opened: OpenPsa;
    const read = (scope: RecordScope = EVERYTHING): PsaReadPort => opened.system.reads(scope);
    const projectIds = data.projects.map((p) => p.id);
    // A project with time ready to bill, a contract with drafts, a timecard with entries: the keys the probes use.
    const ready = data.entries.find((e) => e.billingStatus === 'READY_TO_BILL')!;
    const billedContract = data.drafts.find((d) => d.status !== 'DISCARDED' && d.contractId !== null)!.contractId!;
    const plannedContract = data.projects.find((p) => data.milestones.some((m) => m.projectId === p.id))!.contractId!;
    const timecard = data.timecards.find((t) => data.entries.some((e) => e.timecardId === t.id))!;
    const assignment = data.assignments.find((a) => a.status === 'CONFIRMED' || a.status === 'ACTIVE')!;

    beforeAll(async () => {
      opened = await open(data);
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('holds exactly the loaded records', async () => {
      expect(byId(await read().projectsByIds(projectIds))).toEqual(byId(data.projects));
      expect(byId(await read().milestonesByProjectIds(projectIds))).toEqual(byId(data.milestones));
      expect(byId(await read().assignmentsByProjectIds(projectIds))).toEqual(byId(data.assignments));
      expect(await read().resourceRequestsByProjectIds(projectIds)).toEqual(byId(data.requests));
      expect(byId(await read().timecardsByIds(data.timecards.map((t) => t.id)))).toEqual(byId(data.timecards));
      expect(byId(await read().timeEntriesByTimecardIds(data.timecards.map((t) => t.id)))).toEqual(byId(data.entries));
      expect(byId(await read().billingDraftsByProjectIds(projectIds))).toEqual(byId(data.drafts));
      expect(await read().billingDraftItemsByDraftIds(data.drafts.map((d) => d.id))).toEqual(byId(data.items));
      expect(await read().contractLinesByContractIds(data.lines.map((l) => l.contractId))).toEqual(byId(data.lines));
      expect(await read().allRoles()).toEqual(byId(data.roles));
      expect(byId(await read().resourcesByIds(data.resources.map((r) => r.id)))).toEqual(byId(data.resources));
    });

    it("sums a person's hours per date over their other timecards, REJECTED ones and the excepted project left out", async () => {
      const weeks = data.timecards.filter((t) => data.entries.some((e) => e.timecardId === t.id)).slice(0, 12);
      expect(weeks.length).toBeGreaterThan(0);
      for (const week of weeks) {
        const counted = new Set(
          data.timecards
            .filter((t) => t.resourceId === week.resourceId && t.status !== 'REJECTED' && t.projectId !== 'prj_none')
            .map((t) => t.id),
        );
        const expected = new Map<string, number>();
        for (const e of data.entries) {
          if (counted.has(e.timecardId) && e.date >= week.weekStart && e.date <= week.weekEnd)
            expected.set(e.date, (expected.get(e.date) ?? 0) + e.hoursE2);
        }
        const all = [...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, hoursE2]) => ({ date, hoursE2 }));
        expect(await read().resourceHoursByDate(week.resourceId, week.weekStart, week.weekEnd, 'prj_none')).toEqual(all);
        // The week's own project left out: only the other projects' time of the person remains.
        const others = new Map<string, number>();
        for (const e of data.entries) {
          if (counted.has(e.timecardId) && e.projectId !== week.projectId && e.date >= week.weekStart && e.date <= week.weekEnd)
            others.set(e.date, (others.get(e.date) ?? 0) + e.hoursE2);
        }
        const rest = [...others].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, hoursE2]) => ({ date, hoursE2 }));
        expect(await read().resourceHoursByDate(week.resourceId, week.weekStart, week.weekEnd, week.projectId)).toEqual(rest);
      }
      expect(await read().resourceHoursByDate('res_missing', '2026-01-05', '2026-01-11', 'prj_none')).toEqual([]);
    });

    it('answers a batch lookup with only the records that exist, and no keys with no records', async () => {
      const [first] = data.projects;
      expect(await read().projectsByIds([first!.id, 'prj_missing'])).toEqual([first]);
      expect(await read().projectsByIds([])).toEqual([]);
      expect(await read().projectStaffCounts([])).toEqual(new Map());
      expect(await read().projectTimeTotals([])).toEqual(new Map());
      expect(await read().recentTimecardsByProjectIds(projectIds, null, 0)).toEqual([]);
    });

    it('walks a keyset-paginated list in ID order without gaps or repeats', async () => {
      const seen: string[] = [];
      let afterId: string | null = null;
      for (;;) {
        const page = await read().projectsPage({}, { first: 5, afterId });
        expect(page.total).toBe(data.projects.length);
        seen.push(...page.rows.slice(0, 5).map((row) => row.id));
        if (page.rows.length <= 5) break;
        afterId = page.rows[4]!.id;
      }
      expect(seen).toEqual(byId(data.projects).map((p) => p.id));
      expect(encodeCursor(seen[0]!)).toMatch(/^[A-Za-z0-9_-]+$/);
    });

    it('filters by status and counts the filtered set', async () => {
      const active = data.projects.filter((p) => p.status === 'ACTIVE');
      const page = await read().projectsPage({ status: ['ACTIVE'] }, ALL);
      expect(page.total).toBe(active.length);
      expect(page.rows.map((p) => p.id)).toEqual(byId(active).map((p) => p.id));
      const resources = await read().resourcesPage({ homeLegalEntityId: 'le_US01' }, ALL);
      expect(resources.rows).toEqual(byId(data.resources.filter((r) => r.homeLegalEntityId === 'le_US01')));
    });

    it('computes staff, approved hours and unbilled WIP per project', async () => {
      const [staff, time] = await Promise.all([read().projectStaffCounts(projectIds), read().projectTimeTotals(projectIds)]);
      for (const id of projectIds) {
        const expected = expectedProjectTotals(data.dataset, id);
        expect(staff.get(id) ?? 0, id).toBe(expected.staffCount);
        expect(time.get(id) ?? { approvedHoursE2: 0, unbilledWipE4: 0 }, id).toEqual({
          approvedHoursE2: expected.approvedHoursE2,
          unbilledWipE4: expected.unbilledWipE4,
        });
      }
      expect([...time.values()].some((t) => t.unbilledWipE4 > 0)).toBe(true);
    });

    it('returns the latest N timecards of each project, newest week first', async () => {
      const found = await read().recentTimecardsByProjectIds(projectIds, ['APPROVED'], 3);
      for (const id of projectIds) {
        const expected = data.timecards
          .filter((t) => t.projectId === id && t.status === 'APPROVED')
          .sort((a, b) => (a.weekStart === b.weekStart ? (a.id < b.id ? -1 : 1) : a.weekStart < b.weekStart ? 1 : -1))
          .slice(0, 3);
        expect(
          found.filter((t) => t.projectId === id),
          id,
        ).toEqual(expected);
      }
    });

    it('answers what capabilities check: ready sources, billed and planned on a contract, a week, hard bookings, code and subject', async () => {
      const sources = await read().readySources(ready.projectId, '9999-12-31');
      expect(sources.time.map((e) => e.id)).toEqual(
        data.entries
          .filter((e) => e.projectId === ready.projectId && e.billingStatus === 'READY_TO_BILL')
          .sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1))
          .map((e) => e.id),
      );
      const role = data.roles.find((r) => r.id === ready.roleId)!;
      expect(sources.time.find((e) => e.id === ready.id)).toEqual({
        id: ready.id,
        date: ready.date,
        hoursE2: ready.hoursE2,
        billRateE4: ready.billRateE4,
        billableE4: ready.billableE4,
        roleName: role.name,
      });
      expect(await read().billedOnContract(billedContract)).toBe(
        data.drafts.filter((d) => d.contractId === billedContract && d.status !== 'DISCARDED').reduce((sum, d) => sum + d.summaryE4, 0),
      );
      const liveDrafts = new Set(data.drafts.filter((d) => d.contractId === billedContract && d.status !== 'DISCARDED').map((d) => d.id));
      const bySource = new Map<string, number>();
      for (const item of data.items.filter((i) => liveDrafts.has(i.draftId)))
        bySource.set(item.sourceType, (bySource.get(item.sourceType) ?? 0) + item.amountE4);
      expect(await read().billedOnContractBySource(billedContract)).toEqual(
        [...bySource].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sourceType, amountE4]) => ({ sourceType, amountE4 })),
      );
      const onContract = new Set(data.projects.filter((p) => p.contractId === plannedContract).map((p) => p.id));
      expect(await read().plannedOnContract(plannedContract)).toBe(
        data.milestones.filter((m) => onContract.has(m.projectId)).reduce((sum, m) => sum + m.amountE4, 0),
      );
      expect(await read().timecardOfWeek(timecard.resourceId, timecard.projectId, timecard.weekStart)).toEqual(timecard);
      expect(await read().timecardOfWeek(timecard.resourceId, timecard.projectId, '1999-01-04')).toBeNull();
      expect(await read().hardBookings(assignment.resourceId, assignment.startDate, assignment.endDate)).toContainEqual({
        startDate: assignment.startDate,
        endDate: assignment.endDate,
        hoursE2: assignment.scheduledHoursE2,
      });
      expect(await read().projectCodeTaken(data.projects[0]!.code)).toBe(true);
      expect(await read().projectCodeTaken('NO-SUCH-CODE')).toBe(false);
      const resource = data.resources[0]!;
      expect(await read().resourceOfSubject(resource.email.toUpperCase())).toEqual(resource);
      expect(await read().resourceOfSubject('nobody@example.com')).toBeNull();
    });

    it('restricts pages, children and aggregates to the record scope (counts included)', async () => {
      const le = data.projects[0]!.legalEntityId;
      const scope = scopeOf({ legal_entities: [le.replace(/^le_/, '')] });
      const mine = data.projects.filter((p) => p.legalEntityId === le);
      const page = await read(scope).projectsPage({}, ALL);
      expect(page.total).toBe(mine.length);
      expect(page.rows.map((p) => p.id)).toEqual(byId(mine).map((p) => p.id));
      expect(await read(NO_RECORDS).projectsPage({}, ALL)).toEqual({ rows: [], total: 0 });
      const visible = new Set(mine.map((p) => p.id));
      expect(byId(await read(scope).assignmentsByResourceIds(data.resources.map((r) => r.id)))).toEqual(
        byId(data.assignments.filter((a) => visible.has(a.projectId))),
      );
      expect(byId(await read(scope).timecardsByIds(data.timecards.map((t) => t.id)))).toEqual(
        byId(data.timecards.filter((t) => visible.has(t.projectId))),
      );
      const staff = await read(scope).projectStaffCounts(projectIds);
      expect([...staff.keys()].every((id) => visible.has(id))).toBe(true);
    });

    it('shows a partner only the people working on its projects; a legal-entity scope hides no colleague', async () => {
      const account = data.projects.find((p) => p.accountId !== null)!.accountId!;
      const partner = scopeOf({ legal_entities: '*', partner_accounts: [account] });
      const projects = new Set(data.projects.filter((p) => p.accountId === account).map((p) => p.id));
      const working = new Set([
        ...data.assignments.filter((a) => projects.has(a.projectId)).map((a) => a.resourceId),
        ...data.timecards.filter((t) => projects.has(t.projectId)).map((t) => t.resourceId),
        ...data.projects.filter((p) => projects.has(p.id) && p.projectManagerId !== null).map((p) => p.projectManagerId!),
      ]);
      const expected = byId(data.resources.filter((r) => working.has(r.id)));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(data.resources.length);
      const everyone = data.resources.map((r) => r.id);
      expect(byId(await read(partner).visibleResourcesByIds(everyone))).toEqual(expected);
      expect(await read(partner).resourcesPage({}, ALL)).toEqual({ rows: expected, total: expected.length });
      // The capabilities' own reads stay unscoped (staffing an intercompany colleague).
      expect(byId(await read(partner).resourcesByIds(everyone))).toEqual(byId(data.resources));
      const oneEntity = scopeOf({ legal_entities: [data.projects[0]!.legalEntityId.replace(/^le_/, '')] });
      expect(byId(await read(oneEntity).visibleResourcesByIds(everyone))).toEqual(byId(data.resources));
      expect((await read(oneEntity).resourcesPage({}, ALL)).total).toBe(data.resources.length);
    });

    expenseReadTests(read, data);
    billingControlReadTests(read, data);
    metricReadTests(read, data);

    it('scopes every method: bound to a scope that sees nothing, none answers a record', async () => {
      await expectEveryMethodScoped(
        (scope) => read(scope),
        {
          projectsByIds: (port) => port.projectsByIds(projectIds),
          projectsPage: (port) => port.projectsPage({}, ALL),
          projectsByAccountIds: (port) => port.projectsByAccountIds(data.projects.map((p) => p.accountId ?? '')),
          projectsByContractIds: (port) => port.projectsByContractIds(data.projects.map((p) => p.contractId ?? '')),
          projectStaffCounts: (port) => port.projectStaffCounts(projectIds),
          projectTimeTotals: (port) => port.projectTimeTotals(projectIds),
          contractLinesByContractIds: unscoped('a line is the PSA part of a CRM contract, read wherever the CRM shows the contract'),
          milestonesByIds: (port) => port.milestonesByIds(data.milestones.map((m) => m.id)),
          milestonesByProjectIds: (port) => port.milestonesByProjectIds(projectIds),
          rolesByIds: unscoped('roles are reference data every PSA reader may read'),
          allRoles: unscoped('roles are reference data every PSA reader may read'),
          resourcesByIds: unscoped('people are staffable across legal entities (intercompany)'),
          resourceOfSubject: unscoped('who a principal is among the people; no record policy restricts people'),
          visibleResourcesByIds: (port) => port.visibleResourcesByIds(data.resources.map((r) => r.id)),
          resourcesPage: (port) => port.resourcesPage({}, ALL),
          hardBookings: unscoped('dates and hours a resource is booked on any project: its capacity, no project record'),
          resourceHoursByDate: unscoped("a person's hours per date on any project: their day's and week's limits, no project record"),
          assignmentsByIds: (port) => port.assignmentsByIds(data.assignments.map((a) => a.id)),
          assignmentsByProjectIds: (port) => port.assignmentsByProjectIds(projectIds),
          assignmentsByResourceIds: (port) => port.assignmentsByResourceIds(data.resources.map((r) => r.id)),
          resourceRequestsByIds: (port) => port.resourceRequestsByIds(data.requests.map((r) => r.id)),
          resourceRequestsByProjectIds: (port) => port.resourceRequestsByProjectIds(projectIds),
          timecardsByIds: (port) => port.timecardsByIds([timecard.id]),
          timecardOfWeek: (port) => port.timecardOfWeek(timecard.resourceId, timecard.projectId, timecard.weekStart),
          recentTimecardsByProjectIds: (port) => port.recentTimecardsByProjectIds(projectIds, null, 5),
          timeEntriesByTimecardIds: (port) => port.timeEntriesByTimecardIds([timecard.id]),
          readySources: (port) => port.readySources(ready.projectId, '9999-12-31'),
          projectWork: (port) => port.projectWork(timecard.projectId),
          expensesByIds: (port) => port.expensesByIds(data.expenses.map((e) => e.id)),
          expensesPage: (port) => port.expensesPage({}, ALL),
          approvedBillableExpensesByProjectIds: (port) => port.approvedBillableExpensesByProjectIds(projectIds),
          billingDraftsByIds: (port) => port.billingDraftsByIds(data.drafts.map((d) => d.id)),
          billingDraftsByProjectIds: (port) => port.billingDraftsByProjectIds(projectIds),
          billingDraftItemsByDraftIds: (port) => port.billingDraftItemsByDraftIds(data.drafts.map((d) => d.id)),
          billedOnContract: (port) => port.billedOnContract(billedContract),
          billedOnContractBySource: (port) => port.billedOnContractBySource(billedContract),
          plannedOnContract: (port) => port.plannedOnContract(plannedContract),
          ...billingControlProbes(data),
          ...metricProbes(data),
          projectCodeTaken: unscoped('codes are unique across every project: a taken code is refused whoever asks'),
        },
        { control: EVERYTHING },
      );
    });
  });
}
