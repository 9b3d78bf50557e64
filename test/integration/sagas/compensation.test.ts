/**
 * Compensation in opportunity to project (docs/processes.md#compensation): the last step
 * (activateProject) fails for good (an answer no retry can change), so the compensations of the
 * steps done before it run, last first: the resource requests the process made are cancelled
 * (newest first, under `<step key>:compensate:<request>`), never deleted; the process is
 * COMPENSATED, and processStatus shows each step's end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { cleanRun, freshCustomers, linkOf, processOf, type ProcessView } from '../faults/scenario.ts';
import { openWorld, type StepCall, type World } from '../faults/world.ts';

let world: World;
let process: ProcessView;
const calls: StepCall[] = [];
/** The requests createResourceRequest answered, in the order it made them. */
const made: string[] = [];

beforeAll(async () => {
  world = await openWorld({ makeStore: async () => tempSqliteStore() });
  world.faults.fetch = async (call, next) => {
    calls.push(call);
    if (call.field === 'createResourceRequest') {
      const response = await next();
      const body = (await response.clone().json()) as { data?: { createResourceRequest?: { resourceRequest?: { id: string } } } };
      made.push(body.data!.createResourceRequest!.resourceRequest!.id);
      return response;
    }
    if (call.field !== 'activateProject') return next();
    // A query the PSA cannot run: no retry changes that (failed for good, not transient, not a refusal).
    return new Response(
      JSON.stringify({
        data: null,
        errors: [{ message: 'Cannot query field "activate".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
      }),
      { status: 200, headers: { 'content-type': 'application/json' } },
    );
  };
  const opportunityId = await cleanRun(world, (await freshCustomers(world))(), 'Compensated deal');
  process = (await processOf(world, opportunityId))!;
}, 120_000);
afterAll(() => world?.close());

describe('a step failing for good after resource requests were made', () => {
  it('compensates the done steps that have a compensation and ends COMPENSATED', () => {
    expect(process.status).toBe('COMPENSATED');
    expect(process.steps.map((step) => [step.name, step.status])).toEqual([
      ['createContract', 'DONE'],
      ['submitContract', 'DONE'],
      ['awaitApproval', 'DONE'],
      ['awaitSignature', 'DONE'],
      ['enableCustomerBilling', 'DONE'],
      ['createProject', 'DONE'],
      ['activateContract', 'DONE'],
      ['requestResources', 'COMPENSATED'],
      ['activateProject', 'FAILED'],
    ]);
    const failed = process.steps.find((step) => step.name === 'activateProject')!;
    expect(failed.attempts).toBe(1);
    expect(failed.error).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', message: 'Cannot query field "activate".' });
  });

  it('cancels the requests it made, newest first, under the compensation key; nothing is deleted', async () => {
    const projectId = linkOf(process, 'Project');
    const requests = await world.systems.psa.db
      .selectFrom('resource_requests')
      .select(['id', 'status', 'aggregate_version'])
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute();
    expect(requests.length).toBe(2);
    expect(requests.map((request) => [request.status, request.aggregate_version])).toEqual([
      ['CANCELLED', 2],
      ['CANCELLED', 2],
    ]);
    expect([...made].sort()).toEqual(requests.map((request) => request.id));
    const cancellations = calls.filter((call) => call.field === 'cancelResourceRequest').map((call) => call.key);
    const stepKey = `process:${process.id}:requestResources:compensate`;
    expect(cancellations).toEqual([...made].reverse().map((id) => `${stepKey}:${id}`));
    // The project stays PLANNED (never activated, never deleted); the contract's activation is financial and stays.
    const project = await world.systems.psa.db
      .selectFrom('projects')
      .select('status')
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    expect(project.status).toBe('PLANNED');
  });
});
