/**
 * Closing a project under a race on PostgreSQL (when TESSERA_TEST_POSTGRES_URL is set), where
 * READ COMMITTED lets two transactions interleave (docs/invariants.md#inv-22): closeProject fired
 * at once with an approval of the project's last submitted timecard, and at once with the
 * submission of a new week. Repeated on fresh projects so a lost race cannot pass by luck. Never
 * does a CLOSED project end up with work that is not approved or not billed: either the close
 * wins and the work is refused, or the work lands and the close is refused with what it found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { onPostgres } from '../../harness/onPostgres.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import { CLOSE_PROJECT } from './lifecycleKit.ts';
import {
  APPROVER,
  APPROVE_TIMECARD,
  SUBMIT_TIMECARD,
  activate,
  call,
  confirm,
  freeResource,
  newProject,
  pick,
  psaDb,
  request,
  seededContracts,
  submit,
  type SeededContract,
} from './psaKit.ts';

const ROUNDS = 5;
/** One week per round (Monday to Friday), for each race. */
const WEEKS = ['2027-04-05', '2027-04-12', '2027-04-19', '2027-04-26', '2027-05-03'] as const;
const fridayOf = (monday: string) => `${monday.slice(0, 8)}${String(Number(monday.slice(8)) + 4).padStart(2, '0')}`;
const codes = (result: { readonly payload: { readonly userErrors: readonly { readonly code: string }[] } | null }) =>
  result.payload?.userErrors.map((error) => error.code).join(',') || 'OK';

onPostgres('Project close races', (makeStore) => {
  let store: TempStore;
  let tessera: TestTessera;
  let contract: SeededContract;
  let resource: { id: string };

  beforeAll(async () => {
    store = await makeStore();
    tessera = await startTestTessera({ scale: 's', store });
    contract = pick(
      await seededContracts(tessera),
      'ACTIVE US01 T&M contract at rc_001 running through May 2027',
      (c) =>
        c.status === 'ACTIVE' &&
        c.billingMethod === 'TIME_AND_MATERIALS' &&
        c.legalEntity.id === 'le_US01' &&
        c.lines[0]?.rateCard?.id === 'rc_001' &&
        c.startDate <= '2027-04-05' &&
        c.endDate >= '2027-05-07',
    );
    resource = await freeResource(tessera, 'le_US01', '2027-04-05', '2027-05-07');
  });
  afterAll(async () => {
    await tessera?.stop();
    await store?.remove();
  });

  /** A new ACTIVE project for `monday`'s week with the resource booked 2 hours a day (two races share each week). */
  async function staffedWeek(monday: string) {
    const project = await activate(tessera, await newProject(tessera, contract.id, { startDate: monday, endDate: fridayOf(monday) }));
    const wanted = await request(tessera, project.id, { roleId: 'rol_02', startDate: monday, endDate: fridayOf(monday), hours: '10' });
    const { assignment } = await confirm(tessera, wanted, resource.id);
    return { project, assignment };
  }

  const projectRow = (id: string) =>
    psaDb(tessera).selectFrom('projects').select(['status', 'aggregate_version']).where('id', '=', id).executeTakeFirstOrThrow();

  describe('closeProject under a race on PostgreSQL', () => {
    it(`against the approval of the last submitted timecard: the close is refused, the approval stands (${ROUNDS} rounds)`, async () => {
      for (const monday of WEEKS) {
        const { project, assignment } = await staffedWeek(monday);
        const timecard = await submit(tessera, assignment.id, monday, [{ date: monday, hours: '2' }]);
        const [closed, approved] = await Promise.all([
          call(tessera, CLOSE_PROJECT, { idempotencyKey: newKey(), projectId: project.id, expectedVersion: project.aggregateVersion }),
          call(tessera, APPROVE_TIMECARD, { idempotencyKey: newKey(), timecardId: timecard.id, expectedVersion: 1 }, { claims: APPROVER }),
        ]);
        const row = await projectRow(project.id);
        const entries = await psaDb(tessera)
          .selectFrom('time_entries')
          .select('billing_status')
          .where('timecard_id', '=', timecard.id)
          .execute();
        expect({ week: monday, close: codes(closed), approve: codes(approved), project: row.status, entries }).toEqual({
          week: monday,
          close: 'PROJECT_HAS_OPEN_WORK',
          approve: 'OK',
          project: 'ACTIVE',
          entries: [{ billing_status: 'READY_TO_BILL' }],
        });
      }
    });

    it(`against the submission of a new week: exactly one wins, never a timecard on a CLOSED project (${ROUNDS} rounds)`, async () => {
      const outcomes: string[] = [];
      for (const monday of WEEKS) {
        const { project, assignment } = await staffedWeek(monday);
        const [closed, submitted] = await Promise.all([
          call(tessera, CLOSE_PROJECT, { idempotencyKey: newKey(), projectId: project.id, expectedVersion: project.aggregateVersion }),
          call(tessera, SUBMIT_TIMECARD, {
            idempotencyKey: newKey(),
            assignmentId: assignment.id,
            weekStart: monday,
            entries: [{ date: monday, hours: '2' }],
          }),
        ]);
        const row = await projectRow(project.id);
        const timecards = await psaDb(tessera).selectFrom('timecards').select('status').where('project_id', '=', project.id).execute();
        const outcome = `${codes(closed)}/${codes(submitted)}`;
        outcomes.push(outcome);
        expect({ week: monday, outcome, project: row.status, timecards: timecards.length }).toEqual(
          outcome === 'OK/PRECONDITION_FAILED'
            ? { week: monday, outcome, project: 'CLOSED', timecards: 0 }
            : { week: monday, outcome: 'PROJECT_HAS_OPEN_WORK/OK', project: 'ACTIVE', timecards: 1 },
        );
        if (outcome === 'OK/PRECONDITION_FAILED') {
          expect(submitted.payload?.userErrors).toEqual([
            { code: 'PRECONDITION_FAILED', message: `Project ${project.id} is CLOSED: it takes no more time.`, field: 'assignmentId' },
          ]);
        } else {
          expect(closed.payload?.userErrors).toEqual([
            {
              code: 'PROJECT_HAS_OPEN_WORK',
              message: `Project ${project.id} cannot close: 1 timecard not approved (1 SUBMITTED; 2.00 hours). Approve and bill it (or write it off), then close.`,
              field: 'projectId',
            },
          ]);
        }
      }
      expect(outcomes).toHaveLength(ROUNDS);
    });
  });
});
