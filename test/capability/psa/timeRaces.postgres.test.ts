/**
 * The day's limit across projects under a race on PostgreSQL (docs/invariants.md#time-controls;
 * when TESSERA_TEST_POSTGRES_URL is set), where only the advisory lock on the person keeps two
 * concurrent submissions apart: one person on two projects submits both weeks at once, each 16
 * hours on the same day, which fit alone but not together (32). Exactly one is SUBMITTED, the other
 * is refused with TIME_DAILY_LIMIT_EXCEEDED and writes nothing; repeated on fresh weeks so a lost
 * race cannot pass by luck.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { onPostgres } from '../../harness/onPostgres.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import {
  SUBMIT_TIMECARD,
  accepted,
  activate,
  call,
  confirm,
  envelope,
  newProject,
  psaDb,
  refused,
  request,
  staffedProject,
  type Assignment,
  type Timecard,
} from './psaKit.ts';

const WEEKS = ['2027-03-01', '2027-03-08', '2027-03-15', '2027-03-22', '2027-03-29'];

onPostgres('PSA time races', (makeStore) => {
  let store: TempStore;
  let tessera: TestTessera;
  let assignments: Assignment[];

  beforeAll(async () => {
    store = await makeStore();
    tessera = await startTestTessera({ scale: 's', store });
    const staffed = await staffedProject(tessera, { from: '2027-03-01', to: '2027-04-30', hours: '300' });
    const second = await activate(
      tessera,
      await newProject(tessera, staffed.contract.id, { startDate: '2027-03-01', endDate: '2027-04-30' }),
    );
    const wanted = await request(tessera, second.id, { roleId: 'rol_02', startDate: '2027-03-01', endDate: '2027-04-30', hours: '300' });
    assignments = [staffed.assignment, (await confirm(tessera, wanted, staffed.resource.id, true)).assignment];
  });
  afterAll(async () => {
    await tessera?.stop();
    await store?.remove();
  });

  describe('PSA time races on PostgreSQL', () => {
    it(`two submissions at once for one person on two projects that fit a day alone but not together: exactly one is taken (${WEEKS.length} rounds)`, async () => {
      const db = psaDb(tessera);
      const resourceId = assignments[0]!.resource.id;
      for (const monday of WEEKS) {
        const results = await Promise.all(
          assignments.map((assignment) =>
            call(tessera, SUBMIT_TIMECARD, {
              idempotencyKey: newKey(),
              assignmentId: assignment.id,
              weekStart: monday,
              entries: [{ date: monday, hours: '16', hourClass: 'BILLABLE' }],
            }),
          ),
        );
        const outcomes = results.map((result) => result.payload?.userErrors.map((error) => error.code).join(',') || 'SUBMITTED');
        const stored = await db
          .selectFrom('timecards')
          .select(['id', 'status', 'total_hours_e2'])
          .where('resource_id', '=', resourceId)
          .where('week_start', '=', monday)
          .execute();
        expect({ week: monday, outcomes: [...outcomes].sort(), timecards: stored.length }).toEqual({
          week: monday,
          outcomes: ['SUBMITTED', 'TIME_DAILY_LIMIT_EXCEEDED'],
          timecards: 1,
        });
        const winner = outcomes.indexOf('SUBMITTED');
        const timecard = accepted<Timecard>(results[winner]!, 'timecard');
        expect(stored).toEqual([{ id: timecard.id, status: 'SUBMITTED', total_hours_e2: 1600 }]);
        expect(envelope(results[1 - winner]!)).toEqual(
          refused('submitTimecard', {
            code: 'TIME_DAILY_LIMIT_EXCEEDED',
            message: `32.00 hours on ${monday} across the person's timecards: a day has 24.00.`,
            field: 'entries.0.hours',
          }),
        );
        const day = await db
          .selectFrom('time_entries')
          .innerJoin('timecards', 'timecards.id', 'time_entries.timecard_id')
          .select((eb) => eb.fn.sum<string | number>('time_entries.hours_e2').as('hours'))
          .where('timecards.resource_id', '=', resourceId)
          .where('time_entries.entry_date', '=', monday)
          .executeTakeFirstOrThrow();
        expect(Number(day.hours)).toBe(1600);
      }
    });
  });
});
