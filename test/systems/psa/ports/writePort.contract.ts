/**
 * The PSA write-port contract: the same capability path through the kernel runner on every adapter
 * (SQL on SQLite and PostgreSQL, the in-memory remote one), from a contract to an invoiced billing
 * draft, with the same answers, the same records read back through the read port, the same outbox
 * events, and the same typed rejections: VERSION_CONFLICT from the versioned write itself,
 * SOURCE_ALREADY_BILLED from the billing claim, OVERBOOKED from the capacity check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EffectResult } from '../../../../systems/kernel/capability/capabilityResolvers.ts';
import { CapabilityRejected } from '../../../../systems/kernel/capability/rejection.ts';
import type { CapabilityResult } from '../../../../systems/kernel/capability/types.ts';
import { addDays } from '../../../../systems/psa/capabilities/dates.ts';
import type { Assignment, BillingDraft, Project, ResourceRequest, Timecard } from '../../../../systems/psa/ports/types.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { withPorts, type OpenPsa } from './openPsa.ts';
import { psaData, type PsaData } from './psaData.ts';
import { psaRunner } from './psaRunner.ts';
import {
  ALICE, APPROVER, ENTRIES, expectedAssignment, expectedEntries, expectedProject, expectedTimecard, facts, RATE_E4, scenario, T0, type Scenario,
} from './writeFixture.ts';

export function psaWritePortContract(adapter: string, open: (data: PsaData) => Promise<OpenPsa>): void {
  describe(`PSA capabilities through the write port on ${adapter}`, () => {
    const data = psaData();
    let psa: OpenPsa;
    let runner: ReturnType<typeof psaRunner>;
    beforeAll(async () => {
      psa = await open(data);
      runner = psaRunner(psa.system, T0);
    });
    afterAll(async () => {
      await psa?.close();
    });
    const read = () => psa.system.reads(ALL_RECORDS);
    const ok = async <T>(promise: Promise<CapabilityResult<EffectResult>>): Promise<T> => {
      const { result } = await promise;
      if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.error)}`);
      return result.value as T;
    };
    const eventsOf = async (ids: readonly string[]) =>
      (await psa.system.ledger.selectFrom('outbox_events').select(['type', 'aggregate_type', 'aggregate_id', 'aggregate_version', 'legal_entity_id', 'payload_json'])
        .where('aggregate_id', 'in', ids).orderBy('occurred_at').orderBy('aggregate_version').execute())
        .map((e) => ({ type: e.type, aggregate: `${e.aggregate_type}:${e.aggregate_id}:${e.aggregate_version}`, legalEntityId: e.legal_entity_id, payload: JSON.parse(e.payload_json) as unknown }));
    const staffed = async (s: Scenario, key: string) => {
      const { project } = await ok<{ project: Project }>(runner.run('createProjectFromContract', {
        contractId: s.contract.id, name: `Port contract ${s.n}`, code: `PORT-${s.n}`, rateCardId: 'rc_port',
      }, { principal: ALICE, key: `${key}-create`, facts: { contract: s.contract, rateCard: s.rateCard } }));
      const { project: active } = await ok<{ project: Project }>(runner.run('activateProject', { projectId: project.id, expectedVersion: 1 },
        { principal: ALICE, key: `${key}-activate`, facts: facts.activeContract(s) }));
      const { resourceRequest } = await ok<{ resourceRequest: ResourceRequest }>(runner.run('createResourceRequest', {
        projectId: project.id, roleId: s.resource.primaryRoleId, startDate: s.week, endDate: addDays(s.week, 4), hours: '40.00',
      }, { principal: ALICE, key: `${key}-request` }));
      return { project, active, resourceRequest };
    };

    it('creates, staffs, times and bills a project up to its invoice: same records and events', async () => {
      const s = scenario(data, 0);
      const { project, active, resourceRequest } = await staffed(s, 'path');
      expect(project).toEqual(expectedProject(s, project.id));
      expect(active).toEqual({ ...expectedProject(s, project.id), status: 'ACTIVE', aggregateVersion: 2 });
      const [line] = await read().contractLinesByContractIds([s.contract.id]);
      expect(line).toEqual({ id: line!.id, contractId: s.contract.id, billingMethod: 'TIME_AND_MATERIALS', amountE4: null, notToExceedE4: 1_000_000_000, currency: 'USD', rateCardId: 'rc_port' });
      expect(resourceRequest).toEqual({
        id: resourceRequest.id, projectId: project.id, roleId: s.resource.primaryRoleId, startDate: s.week, endDate: addDays(s.week, 4), hoursE2: 4000,
        status: 'OPEN', assignmentId: null, aggregateVersion: 1,
      });

      const confirmed = await ok<{ assignment: Assignment; resourceRequest: ResourceRequest }>(runner.run('confirmAssignment',
        { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 },
        { principal: ALICE, key: 'path-confirm', facts: { rateCard: s.rateCard, intercompanyEnabled: null } }));
      const assignmentId = confirmed.assignment.id;
      expect(confirmed).toEqual({
        assignment: expectedAssignment(s, { id: assignmentId, projectId: project.id }),
        resourceRequest: { ...resourceRequest, status: 'FILLED', assignmentId, aggregateVersion: 2 },
      });

      const { timecard } = await ok<{ timecard: Timecard }>(runner.run('submitTimecard', { assignmentId, weekStart: s.week, entries: ENTRIES(s) }, { principal: ALICE, key: 'path-submit' }));
      const ids = { id: timecard.id, projectId: project.id, assignmentId };
      expect(timecard).toEqual(expectedTimecard(s, ids, new Date(T0.getTime() + 5_000).toISOString()));
      expect(await read().timeEntriesByTimecardIds([timecard.id])).toEqual(expectedEntries(s, ids));

      const approved = await ok<{ timecard: Timecard }>(runner.run('approveTimecard', { timecardId: timecard.id, expectedVersion: 1 }, { principal: APPROVER, key: 'path-approve' }));
      expect(approved.timecard).toEqual({
        ...expectedTimecard(s, ids, timecard.submittedAt!), status: 'APPROVED', approvedAt: new Date(T0.getTime() + 6_000).toISOString(),
        decidedBy: 'psa-approver', totalBillableE4: 23_250_000, aggregateVersion: 2,
      });
      const priced = expectedEntries(s, ids).map((entry) => ({
        ...entry, billRateE4: RATE_E4, billableE4: entry.hoursE2 * 15_000, billingStatus: 'READY_TO_BILL', costRateE4: s.resource.costRateE4, costCurrency: s.resource.costCurrency,
      }));
      expect(await read().timeEntriesByTimecardIds([timecard.id])).toEqual(priced);

      const { billingDraft } = await ok<{ billingDraft: BillingDraft }>(runner.run('generateBillingDraft', { projectId: project.id, cutoffDate: '2031-12-31' },
        { principal: ALICE, key: 'path-draft', facts: facts.billable(s) }));
      const draft: BillingDraft = {
        id: billingDraft.id, projectId: project.id, contractId: s.contract.id, legalEntityId: 'le_US01', accountId: s.contract.accountId, cutoffDate: '2031-12-31',
        status: 'IN_REVIEW', summaryE4: 23_250_000, currency: 'USD', invoiceId: null, invoiceNumber: null, aggregateVersion: 1,
      };
      expect(billingDraft).toEqual(draft);
      expect(await read().billingDraftItemsByDraftIds([draft.id])).toEqual(priced.map((entry, index) => ({
        id: `bdi_${draft.id.slice(3)}_00000${index}`, draftId: draft.id, sourceType: 'TIME_SPLIT', sourceId: entry.id, description: `${entry.date} ${s.roleName}`,
        quantityE2: entry.hoursE2, unitPriceE4: RATE_E4, amountE4: entry.billableE4,
      })));
      expect((await read().timeEntriesByTimecardIds([timecard.id])).map((e) => e.billingStatus)).toEqual(['ON_DRAFT', 'ON_DRAFT']);

      const invoiced = await ok<{ billingDraft: BillingDraft }>(runner.run('recordBillingDraftInvoiced',
        { billingDraftId: draft.id, invoiceId: 'inv_port_0', invoiceNumber: ' INV-PORT-0 ' }, { principal: ALICE, key: 'path-invoiced' }));
      expect(invoiced.billingDraft).toEqual({ ...draft, status: 'INVOICED', invoiceId: 'inv_port_0', invoiceNumber: 'INV-PORT-0', aggregateVersion: 2 });
      expect((await read().timeEntriesByTimecardIds([timecard.id])).map((e) => e.billingStatus)).toEqual(['BILLED', 'BILLED']);
      expect((await read().projectTimeTotals([project.id])).get(project.id)).toEqual({ approvedHoursE2: 1550, unbilledWipE4: 0 });

      const events = await eventsOf([project.id, resourceRequest.id, assignmentId, timecard.id, draft.id]);
      expect(events.map((e) => [e.type, e.aggregate, e.legalEntityId])).toEqual([
        ['ProjectCreated', `Project:${project.id}:1`, 'le_US01'],
        ['ProjectActivated', `Project:${project.id}:2`, 'le_US01'],
        ['ResourceRequestCreated', `ResourceRequest:${resourceRequest.id}:1`, 'le_US01'],
        ['AssignmentConfirmed', `Assignment:${assignmentId}:1`, 'le_US01'],
        ['TimecardSubmitted', `Timecard:${timecard.id}:1`, 'le_US01'],
        ['TimecardApproved', `Timecard:${timecard.id}:2`, 'le_US01'],
        ['BillingDraftGenerated', `BillingDraft:${draft.id}:1`, 'le_US01'],
        ['BillingDraftInvoiced', `BillingDraft:${draft.id}:2`, 'le_US01'],
      ]);
      expect(events[0]!.payload).toEqual({
        projectId: project.id, code: 'PORT-0', status: 'PLANNED', contractId: s.contract.id, customerId: s.contract.accountId, billingMethod: 'TIME_AND_MATERIALS',
        contractLineId: line!.id, contractLineCreated: true, milestoneIds: [], milestoneTotal: { amount: '0.00', currency: 'USD' },
      });
      expect(events[6]!.payload).toEqual({
        billingDraftId: draft.id, projectId: project.id, contractId: s.contract.id, customerId: s.contract.accountId, status: 'IN_REVIEW',
        cutoffDate: '2031-12-31', summaryAmount: { amount: '2325.00', currency: 'USD' }, timeEntryCount: 2, milestoneCount: 0,
      });
      expect(events[7]!.payload).toEqual({
        billingDraftId: draft.id, projectId: project.id, invoiceId: 'inv_port_0', invoiceNumber: 'INV-PORT-0', status: 'INVOICED',
        summaryAmount: { amount: '2325.00', currency: 'USD' }, billedTimeEntries: 2, billedMilestones: 0,
      });
    });

    it('a replay with the same key answers the stored result, replayed', async () => {
      const s = scenario(data, 1);
      const { project } = await staffed(s, 'replay');
      const again = await runner.run('createProjectFromContract', {
        contractId: s.contract.id, name: `Port contract ${s.n}`, code: `PORT-${s.n}`, rateCardId: 'rc_port',
      }, { principal: ALICE, key: 'replay-create', facts: { contract: s.contract, rateCard: s.rateCard } });
      expect(again).toEqual({ result: { ok: true, value: { project } }, replayed: true });
      expect((await read().projectsByContractIds([s.contract.id])).map((p) => p.id)).toEqual([project.id]);
    });

    it('refuses a second hard booking beyond the resource capacity (OVERBOOKED), and a stale week submission (VERSION_CONFLICT)', async () => {
      const s = scenario(data, 2);
      const { project, resourceRequest } = await staffed(s, 'capacity');
      const { assignment } = await ok<{ assignment: Assignment }>(runner.run('confirmAssignment', { resourceRequestId: resourceRequest.id, resourceId: s.resource.id, expectedVersion: 1 },
        { principal: ALICE, key: 'capacity-confirm-1', facts: { rateCard: s.rateCard, intercompanyEnabled: null } }));
      const { resourceRequest: second } = await ok<{ resourceRequest: ResourceRequest }>(runner.run('createResourceRequest', {
        projectId: project.id, roleId: s.resource.primaryRoleId, startDate: s.week, endDate: addDays(s.week, 4), hours: '10.00',
      }, { principal: ALICE, key: 'capacity-request-2' }));
      const overbooked = await runner.run('confirmAssignment', { resourceRequestId: second.id, resourceId: s.resource.id, expectedVersion: 1 },
        { principal: ALICE, key: 'capacity-confirm-2', facts: { rateCard: s.rateCard, intercompanyEnabled: null } });
      expect(overbooked).toEqual({
        result: { ok: false, error: { code: 'OVERBOOKED', message: `Resource ${s.resource.id} would be booked 10.00 hours on ${s.week} (at most 8.80). Set allowOverbook to book anyway.`, field: 'resourceId' } },
        replayed: false,
      });
      expect(await read().assignmentsByProjectIds([project.id])).toEqual([assignment]);

      await ok(runner.run('submitTimecard', { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s) }, { principal: ALICE, key: 'capacity-submit-1' }));
      const stale = await runner.run('submitTimecard', { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s), expectedVersion: 7 }, { principal: ALICE, key: 'capacity-submit-2' });
      expect(stale.result).toEqual({ ok: false, error: { code: 'VERSION_CONFLICT', message: 'Timecard is at version 1, not 7: it changed since you read it. Read it again, then decide.', field: 'expectedVersion' } });
    });

    it('the versioned write refuses a record that moved since it was read (VERSION_CONFLICT), writing nothing', async () => {
      const s = scenario(data, 3);
      const { active } = await staffed(s, 'stale');
      const outcome = await withPorts(psa.system, (ports) => ports.write.activateProject({ ...active, aggregateVersion: 1 })).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(CapabilityRejected);
      expect((outcome as CapabilityRejected).rejection).toEqual({
        code: 'VERSION_CONFLICT', message: `Project ${JSON.stringify(active.id)} changed while this call ran. Read it again, then decide.`, field: 'expectedVersion',
      });
      expect(await read().projectsByIds([active.id])).toEqual([active]);
    });

    it('the billing claim refuses a source another draft holds (SOURCE_ALREADY_BILLED), writing nothing', async () => {
      const claimed = data.items[0]!;
      const project = data.projects.find((p) => p.id === data.drafts.find((d) => d.id === claimed.draftId)!.projectId)!;
      const draft: BillingDraft = {
        id: 'bd_port_claim', projectId: project.id, contractId: project.contractId, legalEntityId: project.legalEntityId, accountId: project.accountId!,
        cutoffDate: '2031-12-31', status: 'IN_REVIEW', summaryE4: claimed.amountE4, currency: project.currency, invoiceId: null, invoiceNumber: null, aggregateVersion: 1,
      };
      const item = { ...claimed, id: 'bdi_port_claim_000000', draftId: draft.id };
      const outcome = await withPorts(psa.system, (ports) => ports.write.generateBillingDraft(draft, [item])).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(CapabilityRejected);
      expect((outcome as CapabilityRejected).rejection).toEqual({
        code: 'SOURCE_ALREADY_BILLED', message: 'A source of this draft was claimed by another draft meanwhile; nothing was drafted.', field: 'projectId',
      });
      expect(await read().billingDraftsByIds([draft.id])).toEqual([]);
      expect(await read().billingDraftItemsByDraftIds([claimed.draftId])).toContainEqual(claimed);
    });
  });
}
