/**
 * The fault tests of the opportunity-to-project process (docs/processes.md#opportunity-to-project),
 * one contract run on SQLite, PostgreSQL and NATS JetStream: a business block resumed by
 * retryProcess, the process killed between and inside steps, an ERP step failing twice, an ERP
 * step whose answer is lost after it committed, events delivered three times and out of order, a
 * poison event dead-lettered and replayed after the fix. Every case ends exactly where a clean run
 * ends (`snapshotOf`: one process, one contract, one project, one ERP project, one set of resource
 * requests, no invoice, the same events in every outbox) with every step accounted for.
 */
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import type { CapabilityTables } from '../../../systems/kernel/capability/tables.ts';
import { envelopeOf } from '../../../systems/kernel/events/relay.ts';
import type { EventEnvelope } from '../../../systems/kernel/events/envelope.ts';
import { openWorld, unavailable, type World, type WorldOptions } from './world.ts';
import {
  ALL_STEPS,
  approve,
  cleanRun,
  contractOf,
  freshCustomers,
  heldCustomer,
  processOf,
  processStatus,
  releaseCreditHold,
  sign,
  snapshotOf,
  winDeal,
  type Customer,
  type ProcessView,
  type Snapshot,
} from './scenario.ts';

/** Past the executor's lease (60 s): a new executor may take over a process the dead one held. */
const PAST_LEASE_MS = 61_000;

const CALL_STEPS = [
  'createContract',
  'submitContract',
  'enableCustomerBilling',
  'createProject',
  'activateContract',
  'requestResources',
  'activateProject',
];

export function faultsContract(engine: string, options: () => WorldOptions): void {
  describe(`opportunity-to-project faults on ${engine}`, { timeout: 180_000 }, () => {
    let world: World;
    let customer: () => Customer;
    let clean: Promise<{ snapshot: Snapshot; process: ProcessView }> | null = null;

    beforeAll(async () => {
      world = await openWorld(options());
      customer = await freshCustomers(world);
    }, 180_000);
    afterAll(() => world?.close());

    /** The clean run every case compares with (run once, by the first case that needs it). */
    const baseline = () =>
      (clean ??= (async () => {
        const opportunityId = await cleanRun(world, customer(), 'Clean run');
        return { snapshot: await snapshotOf(world, opportunityId), process: (await processOf(world, opportunityId))! };
      })());

    const attemptsOf = (process: ProcessView) => Object.fromEntries(process.steps.map((step) => [step.name, step.attempts]));

    /** Every step DONE, finished, its call's request id and key recorded; the attempts as `extra` says beyond the clean run's. */
    async function expectAccountedFor(process: ProcessView, extra: Record<string, number>) {
      const { process: cleanProcess } = await baseline();
      expect(process.status).toBe('COMPLETED');
      expect(process.currentStep).toBeNull();
      expect(process.blocked).toBeNull();
      expect(process.steps.map((step) => [step.name, step.status, step.error])).toEqual(ALL_STEPS.map((name) => [name, 'DONE', null]));
      for (const step of process.steps) {
        expect(step.finishedAt, step.name).not.toBeNull();
        if (CALL_STEPS.includes(step.name)) {
          expect(step.idempotencyKey).toBe(`process:${process.id}:${step.name}`);
          expect(step.requestId, step.name).not.toBeNull();
        }
      }
      const expected = attemptsOf(cleanProcess);
      for (const [name, more] of Object.entries(extra)) expected[name] = expected[name]! + more;
      expect(attemptsOf(process)).toEqual(expected);
      // The graph's processStatus(correlationId) is the same process.
      expect(await processStatus(world, process.correlationId)).toEqual(process);
    }

    async function auditOutcomes(system: 'crm' | 'psa' | 'erp', key: string): Promise<string[]> {
      const db = world.systems[system].db as unknown as Kysely<{
        audit_log: { idempotency_key: string; outcome: string; occurred_at: string; id: string };
      }>;
      const rows = await db.selectFrom('audit_log').select('outcome').where('idempotency_key', '=', key).execute();
      // Sorted: calls made at the same instant of the test clock have no order of their own.
      return rows.map((row) => row.outcome).sort();
    }

    it('a clean run completes: one contract, one ACTIVE project, its ERP project, two resource requests, no invoice', async () => {
      const { snapshot, process } = await baseline();
      expect(snapshot).toEqual({
        process: {
          count: 1,
          status: 'COMPLETED',
          currentStep: null,
          blocked: null,
          steps: ALL_STEPS.map((name) => [name, 'DONE']),
          keys: ALL_STEPS.map((name) => (CALL_STEPS.includes(name) ? `process:<id>:${name}` : null)),
          eventTypes: ['ContractApproved', 'ContractSigned', 'ContractSubmittedForApproval'],
        },
        contracts: ['ACTIVE'],
        contractLines: 1,
        projects: ['ACTIVE'],
        erpProjects: 1,
        contractTerms: 1,
        revenueSchedules: 1,
        billingProfiles: 1,
        resourceRequests: ['rol_01 12000 2026-12-01..2027-01-29 OPEN', 'rol_02 24000 2026-11-16..2027-01-29 OPEN'],
        invoices: 0,
        outbox: snapshot.outbox,
      });
      expect(snapshot.outbox.psa.filter((type) => type === 'StaffingNeeded')).toHaveLength(2);
      await expectAccountedFor(process, {});
    });

    it('BLOCKED on a credit hold with code, reason and owner; stays BLOCKED when retried before the fix; completes after it', async () => {
      const held = await heldCustomer(world);
      const opportunityId = await winDeal(world, held, 'Deal for a customer on credit hold');
      await world.drain();
      const contractId = await contractOf(world, opportunityId);
      await approve(world, contractId);
      await world.drain();
      await sign(world, contractId);
      await world.drain();

      const blocked = (await processOf(world, opportunityId))!;
      expect(blocked).toMatchObject({ status: 'BLOCKED', currentStep: 'enableCustomerBilling' });
      expect(blocked.blocked).toEqual({
        code: 'CUSTOMER_ON_CREDIT_HOLD',
        reason: expect.stringContaining(`Customer ${held.accountId} is on credit hold in UK01`),
        owner: 'finance: credit control',
      });
      const step = blocked.steps.find((candidate) => candidate.name === 'enableCustomerBilling')!;
      expect(step).toMatchObject({ status: 'BLOCKED', attempts: 1, error: { code: 'CUSTOMER_ON_CREDIT_HOLD' } });
      expect(await processStatus(world, blocked.correlationId)).toEqual(blocked);
      // Nothing after the block ran.
      expect((await snapshotOf(world, opportunityId)).projects).toEqual([]);

      const retry = (who: 'ops' | 'sales') =>
        world.raw(
          'mutation ($input: RetryProcessInput!) { retryProcess(input: $input) { process { status } userErrors { code } } }',
          { input: { idempotencyKey: crypto.randomUUID(), processId: blocked.id } },
          who,
        );
      // Only an operator (ops:write) retries.
      expect((await retry('sales')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await retry('ops')).data).toEqual({ retryProcess: { process: { status: 'RUNNING' }, userErrors: [] } });
      await world.drain();
      const still = (await processOf(world, opportunityId))!;
      expect(still).toMatchObject({ status: 'BLOCKED', blocked: { code: 'CUSTOMER_ON_CREDIT_HOLD' } });
      expect(still.steps.find((candidate) => candidate.name === 'enableCustomerBilling')).toMatchObject({ status: 'BLOCKED', attempts: 2 });

      // Finance releases the hold with the ERP's releaseCreditHold, through the gateway; then ops retries.
      await releaseCreditHold(world, held);
      expect((await retry('ops')).data).toEqual({ retryProcess: { process: { status: 'RUNNING' }, userErrors: [] } });
      await world.drain();

      const done = (await processOf(world, opportunityId))!;
      await expectAccountedFor(done, { enableCustomerBilling: 2 });
      expect(await snapshotOf(world, opportunityId)).toEqual((await baseline()).snapshot);
      // The refusal is stored under its key and replayed; each retry after a block calls under the next generation of the key.
      const key = `process:${done.id}:enableCustomerBilling`;
      expect(await auditOutcomes('erp', key)).toEqual(['REJECTED', 'REPLAYED', 'REPLAYED']);
      expect(await auditOutcomes('erp', `${key}:unblocked:1`)).toEqual(['REJECTED', 'REPLAYED']);
      expect(await auditOutcomes('erp', `${key}:unblocked:2`)).toEqual(['SUCCEEDED']);
    });

    it('killed inside steps and between them, restarted on the same stores: the effects of a clean run', async () => {
      await baseline();
      const killAt = (step: string) => {
        world.faults.afterCall = (_processId, name) => {
          if (name !== step) return;
          world.faults.afterCall = null;
          throw new Error(`killed inside ${step}`);
        };
      };
      const opportunityId = await winDeal(world, customer(), 'Deal whose process is killed');

      // Inside createContract: the CRM committed the contract, the step is not recorded.
      killAt('createContract');
      await expect(world.drain()).rejects.toThrow('killed inside createContract');
      let view = (await processOf(world, opportunityId))!;
      expect(view.steps[0]).toMatchObject({ name: 'createContract', status: 'RUNNING', attempts: 1 });
      expect((await snapshotOf(world, opportunityId)).contracts).toEqual(['DRAFT']);
      await world.restart('executor:second');
      // The dead executor's lease holds the process until it expires.
      await world.drain();
      expect((await processOf(world, opportunityId))!.steps[0]).toMatchObject({ status: 'RUNNING', attempts: 1 });
      world.advance(PAST_LEASE_MS);
      await world.drain();
      view = (await processOf(world, opportunityId))!;
      expect(view).toMatchObject({ status: 'WAITING', currentStep: 'awaitApproval' });

      // Between steps: the process waits for the approval when Tessera stops.
      await world.restart('executor:third');
      const contractId = await contractOf(world, opportunityId);
      await approve(world, contractId);
      await world.drain();
      await sign(world, contractId);

      // Inside activateContract: the ERP activated the contract and created the ERP project.
      killAt('activateContract');
      await expect(world.drain()).rejects.toThrow('killed inside activateContract');
      const midway = await snapshotOf(world, opportunityId);
      expect([midway.contracts, midway.erpProjects, midway.resourceRequests]).toEqual([['ACTIVE'], 1, []]);
      await world.restart('executor:fourth');
      world.advance(PAST_LEASE_MS);

      // Inside requestResources: both resource requests exist, the step is not recorded.
      killAt('requestResources');
      await expect(world.drain()).rejects.toThrow('killed inside requestResources');
      expect((await snapshotOf(world, opportunityId)).resourceRequests).toHaveLength(2);
      await world.restart('executor:fifth');
      world.advance(PAST_LEASE_MS);
      await world.drain();

      const done = (await processOf(world, opportunityId))!;
      await expectAccountedFor(done, { createContract: 1, activateContract: 1, requestResources: 1 });
      expect(await snapshotOf(world, opportunityId)).toEqual((await baseline()).snapshot);
      // The retried calls were answered by replaying, not by doing it again.
      expect(await auditOutcomes('crm', `process:${done.id}:createContract`)).toEqual(['REPLAYED', 'SUCCEEDED']);
      // activateContract read the contract ACTIVE and made no second call.
      expect(await auditOutcomes('erp', `process:${done.id}:activateContract`)).toEqual(['SUCCEEDED']);
      const lines = (
        await world.systems.crm.db.selectFrom('opportunity_lines').select('id').where('opportunity_id', '=', opportunityId).execute()
      ).map((line) => line.id);
      for (const line of lines) {
        expect(await auditOutcomes('psa', `process:${done.id}:requestResources:${line}`)).toEqual(['REPLAYED', 'SUCCEEDED']);
      }
    });

    it('the ERP steps answer 503 twice, then succeed: COMPLETED, three attempts each, nothing twice', async () => {
      await baseline();
      const seen = new Map<string, number>();
      world.faults.fetch = async (call, next) => {
        if (call.field !== 'enableCustomerBilling' && call.field !== 'activateContractV2') return next();
        const count = (seen.get(call.field) ?? 0) + 1;
        seen.set(call.field, count);
        return count <= 2 ? unavailable() : next();
      };
      try {
        const opportunityId = await cleanRun(world, customer(), 'Deal whose ERP is unavailable');
        const done = (await processOf(world, opportunityId))!;
        expect(Object.fromEntries(seen)).toEqual({ enableCustomerBilling: 3, activateContractV2: 3 });
        await expectAccountedFor(done, { enableCustomerBilling: 2, activateContract: 2 });
        expect(done.steps.find((step) => step.name === 'enableCustomerBilling')!.attempts).toBe(3);
        expect(await snapshotOf(world, opportunityId)).toEqual((await baseline()).snapshot);
        expect(await auditOutcomes('erp', `process:${done.id}:enableCustomerBilling`)).toEqual(['SUCCEEDED']);
        expect(await auditOutcomes('erp', `process:${done.id}:activateContract`)).toEqual(['SUCCEEDED']);
      } finally {
        world.faults.fetch = null;
      }
    });

    it('every step call commits and its answer is lost: retried under the same key, replayed, nothing twice', async () => {
      await baseline();
      const lost: string[] = [];
      world.faults.fetch = async (call, next): Promise<FetcherResponse> => {
        const response = await next();
        if (call.key && !lost.includes(call.key)) {
          lost.push(call.key);
          throw new Error('socket hang up: the answer was lost');
        }
        return response;
      };
      try {
        const opportunityId = await cleanRun(world, customer(), 'Deal whose answers are lost');
        const done = (await processOf(world, opportunityId))!;
        const key = (step: string) => `process:${done.id}:${step}`;
        expect(lost.filter((candidate) => !candidate.startsWith(key('requestResources:')))).toEqual(
          ['createContract', 'submitContract', 'enableCustomerBilling', 'createProject', 'activateContract', 'activateProject'].map(key),
        );
        expect(lost.filter((candidate) => candidate.startsWith(key('requestResources:')))).toHaveLength(2);
        await expectAccountedFor(done, {
          createContract: 1,
          submitContract: 1,
          enableCustomerBilling: 1,
          createProject: 1,
          activateContract: 1,
          requestResources: 2,
          activateProject: 1,
        });
        expect(await snapshotOf(world, opportunityId)).toEqual((await baseline()).snapshot);
        expect(await auditOutcomes('crm', key('createContract'))).toEqual(['REPLAYED', 'SUCCEEDED']);
        expect(await auditOutcomes('erp', key('enableCustomerBilling'))).toEqual(['REPLAYED', 'SUCCEEDED']);
        expect(await auditOutcomes('psa', key('createProject'))).toEqual(['REPLAYED', 'SUCCEEDED']);
        // These steps read the state their lost call left (IN_APPROVAL, ACTIVE) and called nothing again.
        expect(await auditOutcomes('crm', key('submitContract'))).toEqual(['SUCCEEDED']);
        expect(await auditOutcomes('erp', key('activateContract'))).toEqual(['SUCCEEDED']);
        expect(await auditOutcomes('psa', key('activateProject'))).toEqual(['SUCCEEDED']);
      } finally {
        world.faults.fetch = null;
      }
    });

    it('the same events delivered three times and out of order: one process, the effects of a clean run', async () => {
      await baseline();
      const transport = world.tessera.tessera.engine!.transport;
      const outbox = async (system: 'crm', aggregateId: string, type: string): Promise<EventEnvelope> =>
        envelopeOf(
          await (world.systems[system].db as unknown as Kysely<CapabilityTables>)
            .selectFrom('outbox_events')
            .selectAll()
            .where('aggregate_id', '=', aggregateId)
            .where('type', '=', type)
            .executeTakeFirstOrThrow(),
          system,
        );
      const opportunityId = await winDeal(world, customer(), 'Deal whose events come twice');
      const won = await outbox('crm', opportunityId, 'OpportunityWon');
      // Two copies reach the sagas before the relay publishes the original.
      await transport.redeliver('sagas', won, 'copy:1');
      await transport.redeliver('sagas', won, 'copy:2');
      await world.drain();
      expect(
        await world.systems.integration.db.selectFrom('process_instances').select('id').where('subject_id', '=', opportunityId).execute(),
      ).toHaveLength(1);
      expect(await processOf(world, opportunityId)).toMatchObject({ status: 'WAITING', currentStep: 'awaitApproval' });

      const contractId = await contractOf(world, opportunityId);
      await approve(world, contractId);
      await sign(world, contractId);
      const [submitted, approved, signed] = await Promise.all(
        ['ContractSubmittedForApproval', 'ContractApproved', 'ContractSigned'].map((type) => outbox('crm', contractId, type)),
      );
      // The signature arrives first, alone; then the approval; then more copies of all three, newest first.
      // (The clock moves between them: the process lists its events by arrival time.)
      world.advance(1_000);
      await transport.redeliver('sagas', signed!, 'copy:1');
      await transport.drain();
      world.advance(1_000);
      await transport.redeliver('sagas', approved!, 'copy:1');
      await transport.drain();
      world.advance(1_000);
      for (const event of [signed!, approved!, submitted!, submitted!]) {
        await transport.redeliver('sagas', event, `copy:2:${event.eventId}:${Math.random()}`);
      }
      await world.drain();

      const done = (await processOf(world, opportunityId))!;
      // Each contract event recorded once, whatever order it arrived in (NATS may hand a replay over on a later pull).
      expect(done.events.map((event) => event.type).sort()).toEqual(['ContractApproved', 'ContractSigned', 'ContractSubmittedForApproval']);
      expect(new Set(done.events.map((event) => event.eventId)).size).toBe(done.events.length);
      const inbox = await world.systems.integration.db
        .selectFrom('event_inbox')
        .select('event_id')
        .where('consumer', '=', 'sagas')
        .where('event_id', 'in', [won.eventId, submitted!.eventId, approved!.eventId, signed!.eventId])
        .execute();
      expect(inbox).toHaveLength(4);
      // Waits may be visited a different number of times; every call step ran once.
      const cleanAttempts = attemptsOf((await baseline()).process);
      expect(Object.fromEntries(CALL_STEPS.map((name) => [name, attemptsOf(done)[name]]))).toEqual(
        Object.fromEntries(CALL_STEPS.map((name) => [name, cleanAttempts[name]])),
      );
      expect(done.status).toBe('COMPLETED');
      expect(await snapshotOf(world, opportunityId)).toEqual((await baseline()).snapshot);
    });

    it('a poison event dead-letters in the sagas consumer, and replayed through the graph after the fix it completes', async () => {
      await baseline();
      const opportunityId = await winDeal(world, customer(), 'Deal whose event is poison');
      const trigger = `poison_${opportunityId.replace(/\W/g, '_')}`;
      const db = world.systems.integration.db as unknown as Kysely<unknown>;
      // The fault: the sagas consumer's transaction fails for this opportunity, whatever the attempt.
      if (world.dialect === 'sqlite') {
        await sql
          .raw(
            `create trigger ${trigger} before insert on process_instances when new.subject_id = '${opportunityId}' ` +
              `begin select raise(abort, 'poison: no process for ${opportunityId}'); end`,
          )
          .execute(db);
      } else {
        await sql
          .raw(
            `create function ${trigger}() returns trigger language plpgsql as $$ begin ` +
              `if new.subject_id = '${opportunityId}' then raise exception 'poison: no process for ${opportunityId}'; end if; ` +
              `return new; end $$`,
          )
          .execute(db);
        await sql
          .raw(`create trigger ${trigger} before insert on process_instances for each row execute function ${trigger}()`)
          .execute(db);
      }
      await world.drain();

      const LETTERS = `query ($filter: DeadLetterFilter) { deadLetters(filter: $filter) { totalCount nodes { id consumer status error attempts replayCount envelope { type aggregateId } } } }`;
      const letters = await world.gql<{ deadLetters: { totalCount: number; nodes: Record<string, unknown>[] } }>(
        LETTERS,
        { filter: { aggregateId: opportunityId } },
        'ops',
      );
      expect(letters.deadLetters.totalCount).toBe(1);
      const letter = letters.deadLetters.nodes[0]!;
      expect(letter).toMatchObject({
        consumer: 'sagas',
        status: 'OPEN',
        attempts: 3,
        replayCount: 0,
        envelope: { type: 'OpportunityWon', aggregateId: opportunityId },
      });
      expect(letter.error).toContain('poison: no process for');
      expect(await processOf(world, opportunityId)).toBeNull();

      // The fix, then the replay through the graph (ops:write).
      await sql.raw(world.dialect === 'sqlite' ? `drop trigger ${trigger}` : `drop trigger ${trigger} on process_instances`).execute(db);
      const replay = await world.gql<{ replayDeadLetter: { deadLetter: { status: string; replayCount: number }; userErrors: unknown[] } }>(
        'mutation ($input: ReplayDeadLetterInput!) { replayDeadLetter(input: $input) { deadLetter { status replayCount } userErrors { code message } } }',
        { input: { idempotencyKey: crypto.randomUUID(), deadLetterId: letter.id } },
        'ops',
      );
      expect(replay.replayDeadLetter).toEqual({ deadLetter: { status: 'REPLAYED', replayCount: 1 }, userErrors: [] });
      await world.drain();
      expect(await processOf(world, opportunityId)).toMatchObject({ status: 'WAITING', currentStep: 'awaitApproval' });
      const contractId = await contractOf(world, opportunityId);
      await approve(world, contractId);
      await world.drain();
      await sign(world, contractId);
      await world.drain();

      await expectAccountedFor((await processOf(world, opportunityId))!, {});
      expect(await snapshotOf(world, opportunityId)).toEqual((await baseline()).snapshot);
      const after = await world.gql<{ deadLetters: { totalCount: number; nodes: Record<string, unknown>[] } }>(
        LETTERS,
        { filter: { aggregateId: opportunityId } },
        'ops',
      );
      expect(after.deadLetters.nodes.map((node) => [node.id, node.status])).toEqual([[letter.id, 'REPLAYED']]);
    });
  });
}
