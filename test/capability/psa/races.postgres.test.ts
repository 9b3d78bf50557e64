/**
 * PSA check-then-write steps under a race on PostgreSQL (when TESSERA_TEST_POSTGRES_URL is set),
 * where only the advisory lock of `serializeOn` keeps two concurrent transactions apart (SQLite's
 * single writer does it on its own). Each race fires two calls at once through the gateway, each
 * with its own idempotency key, and is repeated on fresh records so a lost race cannot pass by luck:
 * two confirmations that each fit a resource's free capacity but not together (exactly one books,
 * the other is OVERBOOKED), and two projects on a contract without a PSA line yet (both planned,
 * exactly one line created and shared).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey } from '../../harness/capabilities.ts';
import { onPostgres } from '../../harness/onPostgres.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import {
  CONFIRM_ASSIGNMENT,
  CREATE_PROJECT,
  accepted,
  call,
  crmContract,
  envelope,
  eventsOf,
  freeResource,
  newProject,
  pick,
  psaDb,
  refused,
  request,
  seededContracts,
  type Assignment,
  type Project,
  type ResourceRequest,
  type SeededContract,
} from './psaKit.ts';

/** How many fresh pairs each race fires. */
const ROUNDS = 5;

onPostgres('PSA races', (makeStore) => {
  let store: TempStore;
  let tessera: TestTessera;
  /** A seeded ACTIVE T&M contract of US01 billing at rate card rc_001, running through May 2027. */
  let contract: SeededContract;

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
        c.startDate <= '2027-03-01' &&
        c.endDate >= '2027-05-28',
    );
  });
  afterAll(async () => {
    await tessera?.stop();
    await store?.remove();
  });

  describe('PSA races on PostgreSQL', () => {
    it(`two confirmations at once for one resource that fit alone but not together: exactly one books, the other is OVERBOOKED (${ROUNDS} rounds)`, async () => {
      // One week per round (Monday to Friday), all free for the resource at the start.
      const weeks = [
        ['2027-04-05', '2027-04-09'],
        ['2027-04-12', '2027-04-16'],
        ['2027-04-19', '2027-04-23'],
        ['2027-04-26', '2027-04-30'],
        ['2027-05-03', '2027-05-07'],
      ] as const;
      expect(weeks).toHaveLength(ROUNDS);
      const project = await newProject(tessera, contract.id, { startDate: '2027-03-01', endDate: '2027-05-28' });
      const resource = await freeResource(tessera, 'le_US01', '2027-04-05', '2027-05-07');
      const db = psaDb(tessera);

      for (const [monday, friday] of weeks) {
        // 30 hours over 5 weekdays is 6.00 a day: each fits within 8.80 alone, the two make 12.00.
        const wanted: ResourceRequest[] = [];
        for (const roleId of ['rol_02', 'rol_03'])
          wanted.push(await request(tessera, project.id, { roleId, startDate: monday, endDate: friday, hours: '30' }));
        const results = await Promise.all(
          wanted.map((one) =>
            call(tessera, CONFIRM_ASSIGNMENT, {
              idempotencyKey: newKey(),
              resourceRequestId: one.id,
              resourceId: resource.id,
              expectedVersion: one.aggregateVersion,
            }),
          ),
        );

        const booked = await db
          .selectFrom('assignments')
          .select(['id', 'resource_id'])
          .where('resource_id', '=', resource.id)
          .where('start_date', '=', monday)
          .execute();
        const outcomes = results.map((result) => result.payload?.userErrors.map((error) => error.code).join(',') || 'BOOKED');
        expect({ week: monday, outcomes: [...outcomes].sort(), assignments: booked.length }).toEqual({
          week: monday,
          outcomes: ['BOOKED', 'OVERBOOKED'],
          assignments: 1,
        });

        const winner = outcomes.indexOf('BOOKED');
        const loser = 1 - winner;
        const assignment = accepted<Assignment>(results[winner]!, 'assignment');
        expect(assignment).toMatchObject({
          resource: { id: resource.id },
          startDate: monday,
          endDate: friday,
          scheduledHours: '30.00',
          status: 'CONFIRMED',
        });
        expect(accepted<ResourceRequest>(results[winner]!, 'resourceRequest')).toMatchObject({
          id: wanted[winner]!.id,
          status: 'FILLED',
          assignment: { id: assignment.id },
        });
        expect(booked.map((row) => row.id)).toEqual([assignment.id]);
        expect(envelope(results[loser]!)).toEqual(
          refused('confirmAssignment', {
            code: 'OVERBOOKED',
            field: 'resourceId',
            message: `Resource ${resource.id} would be booked 12.00 hours on ${monday} (at most 8.80). Set allowOverbook to book anyway.`,
          }),
        );
        const left = await db
          .selectFrom('resource_requests')
          .select(['status', 'assignment_id', 'aggregate_version'])
          .where('id', '=', wanted[loser]!.id)
          .executeTakeFirstOrThrow();
        expect(left).toEqual({ status: 'OPEN', assignment_id: null, aggregate_version: 1 });
      }
    });

    it(`two projects at once on a contract without a PSA line: both planned, exactly one line created and shared (${ROUNDS} rounds)`, async () => {
      const db = psaDb(tessera);
      for (let round = 1; round <= ROUNDS; round++) {
        const fresh = await crmContract(tessera, {
          accountId: contract.account.id,
          billingMethod: 'TIME_AND_MATERIALS',
          amount: '50000.00',
          startDate: '2027-01-04',
          endDate: '2027-06-30',
        });
        expect(await db.selectFrom('contract_lines').select('id').where('contract_id', '=', fresh.id).execute()).toEqual([]);

        const results = await Promise.all(
          ['A', 'B'].map((name) =>
            call(tessera, CREATE_PROJECT, {
              idempotencyKey: newKey(),
              contractId: fresh.id,
              name: `Race ${round}${name}`,
              rateCardId: 'rc_001',
            }),
          ),
        );

        const lines = await db.selectFrom('contract_lines').selectAll().where('contract_id', '=', fresh.id).execute();
        const planned = await db.selectFrom('projects').select('id').where('contract_id', '=', fresh.id).orderBy('id').execute();
        const outcomes = results.map((result) => result.payload?.userErrors.map((error) => error.code).join(',') || 'PLANNED');
        expect({ round, outcomes, lines: lines.length, projects: planned.length }).toEqual({
          round,
          outcomes: ['PLANNED', 'PLANNED'],
          lines: 1,
          projects: 2,
        });

        const projects = results.map((result) => accepted<Project>(result, 'project'));
        expect(planned.map((row) => row.id)).toEqual(projects.map((project) => project.id).sort());
        const [line] = lines;
        expect({ ...line, nte_e4: Number(line!.nte_e4) }).toEqual({
          id: line!.id,
          contract_id: fresh.id,
          billing_method: 'TIME_AND_MATERIALS',
          amount_e4: null,
          nte_e4: 500_000_000,
          currency: 'USD',
          rate_card_id: 'rc_001',
          markup_percent_e4: null,
          contract_version: 1,
        });
        const created = await Promise.all(
          projects.map(
            async (project) =>
              (await eventsOf(tessera, project.id))[0]?.payload as { contractLineId: string; contractLineCreated: boolean } | undefined,
          ),
        );
        expect(created.map((payload) => payload?.contractLineId)).toEqual([line!.id, line!.id]);
        expect(created.map((payload) => payload?.contractLineCreated).sort()).toEqual([false, true]);
      }
    });
  });
});
