/**
 * What only a remote PSA can do to us (fail, commit then lose its answer, answer late) and what the
 * adapter and the runner make of it: DOWNSTREAM_UNAVAILABLE with nothing completed, and a retry with
 * the same key that gives the same answer with exactly one vendor record of each kind.
 */
import { codeOf, portRunner, valueOf, type PortRunner } from '../../../harness/portRunner.ts';
import { psaCapabilities } from '../../../../systems/psa/capabilities/index.ts';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryVendor } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import { createMemoryPsaAdapter } from '../../../../systems/psa/adapters/memory/memoryAdapter.ts';
import { addDays } from '../../../../systems/psa/capabilities/dates.ts';
import type { Assignment, Project, ResourceRequest, Timecard } from '../../../../systems/psa/ports/types.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import { loadIntoVendor, psaData } from './psaData.ts';
import {
  ALICE,
  APPROVER,
  ENTRIES,
  expectedAssignment,
  expectedEntries,
  expectedProject,
  expectedTimecard,
  facts,
  scenario,
  T0,
} from './writeFixture.ts';

describe('PSA capabilities on a remote system of record that fails', () => {
  const data = psaData();
  const s = scenario(data, 0);
  let vendor: InMemoryVendor;
  let ledger: Kysely<CapabilityTables>;
  let runner: PortRunner<typeof psaCapabilities>;

  beforeEach(async () => {
    vendor = new InMemoryVendor();
    // People and roles only: every project, booking and timecard here is the test's own.
    await loadIntoVendor(vendor, {
      ...data,
      projects: [],
      lines: [],
      milestones: [],
      assignments: [],
      requests: [],
      timecards: [],
      entries: [],
      drafts: [],
      items: [],
    });
    ledger = await openLedger('psa');
    runner = portRunner('psa', psaCapabilities, createMemoryPsaAdapter(vendor, ledger), T0);
  });
  afterEach(async () => {
    await ledger.destroy();
  });

  const read = () => createMemoryPsaAdapter(vendor, ledger).reads(ALL_RECORDS);
  const ledgerRows = async () => ({
    records: await ledger.selectFrom('idempotency_records').select(['capability', 'status', 'attempts']).orderBy('created_at').execute(),
    events: (await ledger.selectFrom('outbox_events').select('type').orderBy('occurred_at').execute()).map((event) => event.type),
  });
  const callsTo = (operation: string) => vendor.calls.filter((name) => name === operation).length;

  const create = (key = 'create-1') =>
    runner.run(
      'createProjectFromContract',
      { contractId: s.contract.id, name: 'Port contract 0', code: 'PORT-0', rateCardId: 'rc_port' },
      { principal: ALICE, key, facts: { contract: s.contract, rateCard: s.rateCard } },
    );
  const requested = async () => {
    const { project } = await valueOf<{ project: Project }>(create());
    await valueOf(
      runner.run(
        'activateProject',
        { projectId: project.id, expectedVersion: 1 },
        { principal: ALICE, key: 'activate-1', facts: facts.activeContract(s) },
      ),
    );
    const { resourceRequest } = await valueOf<{ resourceRequest: ResourceRequest }>(
      runner.run(
        'createResourceRequest',
        {
          projectId: project.id,
          roleId: s.resource.primaryRoleId,
          startDate: s.week,
          endDate: addDays(s.week, 4),
          hours: '40.00',
        },
        { principal: ALICE, key: 'request-1' },
      ),
    );
    return { project, resourceRequest };
  };
  const confirm = (request: ResourceRequest) =>
    runner.run(
      'confirmAssignment',
      { resourceRequestId: request.id, resourceId: s.resource.id, expectedVersion: 1 },
      { principal: ALICE, key: 'confirm-1', facts: { rateCard: s.rateCard, intercompanyEnabled: null } },
    );
  const submit = (assignment: Assignment) =>
    runner.run(
      'submitTimecard',
      { assignmentId: assignment.id, weekStart: s.week, entries: ENTRIES(s) },
      { principal: ALICE, key: 'submit-1' },
    );

  it('a vendor failure is DOWNSTREAM_UNAVAILABLE with nothing completed; the retry with the same key succeeds once', async () => {
    vendor.failNext('create:ContractLine');
    expect(await codeOf(create())).toBe('DOWNSTREAM_UNAVAILABLE');
    expect([vendor.count('ContractLine'), vendor.count('Project')]).toEqual([0, 0]);
    expect(await ledgerRows()).toEqual({
      records: [{ capability: 'psa.createProjectFromContract', status: 'IN_PROGRESS', attempts: 1 }],
      events: [],
    });

    const retry = await create();
    expect(retry.replayed).toBe(false);
    const { project } = (retry.result as unknown as { value: { project: Project } }).value;
    expect(project).toEqual(expectedProject(s, project.id));
    expect([vendor.count('ContractLine'), vendor.count('Project')]).toEqual([1, 1]);
    expect(await ledgerRows()).toEqual({
      records: [{ capability: 'psa.createProjectFromContract', status: 'COMPLETED', attempts: 2 }],
      events: ['ProjectCreated'],
    });
  });

  it('a create that timed out after the vendor committed: the retry finds it by its external key, no duplicate, same answer', async () => {
    const { project, resourceRequest } = await requested();
    const { assignment } = await valueOf<{ assignment: Assignment }>(confirm(resourceRequest));
    vendor.failNext('create:TimeEntry', { kind: 'timeoutAfterCommit' });
    expect(await codeOf(submit(assignment))).toBe('DOWNSTREAM_UNAVAILABLE');
    expect([vendor.count('Timecard'), vendor.count('TimeEntry')]).toEqual([1, 1]);

    const { timecard } = await valueOf<{ timecard: Timecard }>(submit(assignment));
    const ids = { id: timecard.id, projectId: project.id, assignmentId: assignment.id };
    expect(timecard).toEqual(expectedTimecard(s, ids, timecard.submittedAt!));
    expect([vendor.count('Timecard'), vendor.count('TimeEntry')]).toEqual([1, 2]);
    expect(await read().timeEntriesByTimecardIds([timecard.id])).toEqual(expectedEntries(s, ids));
    expect((await ledgerRows()).events.filter((type) => type === 'TimecardSubmitted')).toHaveLength(1);
  });

  it('a change that timed out after the vendor committed: the retry answers the change once (no VERSION_CONFLICT, no ALREADY_IN_STATE)', async () => {
    const { resourceRequest } = await requested();
    const { assignment } = await valueOf<{ assignment: Assignment }>(confirm(resourceRequest));
    const { timecard } = await valueOf<{ timecard: Timecard }>(submit(assignment));
    vendor.failNext('update:Timecard', { kind: 'timeoutAfterCommit' });
    const approve = () =>
      runner.run(
        'approveTimecard',
        { timecardId: timecard.id, expectedVersion: 1 },
        { principal: APPROVER, key: 'approve-1', facts: { rateCard: s.rateCard } },
      );
    expect(await codeOf(approve())).toBe('DOWNSTREAM_UNAVAILABLE');
    expect(callsTo('update:Timecard')).toBe(1);

    const retry = await approve();
    expect(retry).toEqual({
      result: {
        ok: true,
        value: {
          timecard: {
            ...timecard,
            status: 'APPROVED',
            approvedAt: expect.any(String),
            decidedBy: 'psa-approver',
            totalBillableE4: 23_250_000,
            aggregateVersion: 2,
          },
        },
      },
      replayed: false,
    });
    expect(callsTo('update:Timecard')).toBe(1);
    expect((await read().timeEntriesByTimecardIds([timecard.id])).map((e) => [e.billingStatus, e.billableE4])).toEqual([
      ['READY_TO_BILL', 12_000_000],
      ['READY_TO_BILL', 11_250_000],
    ]);
    expect((await ledgerRows()).events.filter((type) => type === 'TimecardApproved')).toHaveLength(1);
  });

  it('an answer that comes late: the retry after the lease resumes with the same answer; the late attempt records nothing twice', async () => {
    const { project, resourceRequest } = await requested();
    const late = vendor.answerLate('update:ResourceRequest');
    const first = confirm(resourceRequest);
    await expect.poll(() => callsTo('update:ResourceRequest')).toBe(1);
    expect(await codeOf(confirm(resourceRequest))).toBe('IDEMPOTENCY_IN_PROGRESS');

    runner.advance(31_000);
    const resumed = await confirm(resourceRequest);
    expect(resumed.replayed).toBe(false);
    const { assignment } = (resumed.result as unknown as { value: { assignment: Assignment } }).value;
    expect(assignment).toEqual(expectedAssignment(s, { id: assignment.id, projectId: project.id }));
    late.release();
    expect(await first).toEqual({ result: resumed.result, replayed: true });
    expect([vendor.count('Assignment'), callsTo('update:ResourceRequest')]).toEqual([1, 1]);
    expect((await ledgerRows()).events.filter((type) => type === 'AssignmentConfirmed')).toHaveLength(1);
  });

  it('a replay after success makes no vendor call', async () => {
    const first = await create();
    const calls = vendor.calls.length;
    expect(await create()).toEqual({ result: first.result, replayed: true });
    expect(vendor.calls.length).toBe(calls);
  });
});
