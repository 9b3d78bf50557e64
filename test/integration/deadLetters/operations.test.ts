/**
 * Replaying and discarding dead letters through the gateway (docs/events.md#dead-letters): real dead
 * letters of consumers that failed on the in-process transport; a replay goes through the attached
 * transport once per letter however often it is asked for, the fixed consumer handles the event
 * exactly once, and every refusal is coded with its field. Each test has consumers of its own.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, newKey } from '../../harness/capabilities.ts';
import { redeliveryFor } from '../../../systems/integration/deadLetters/redelivery.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { envelope, FlakyConsumer, openBench, ops, startOpsTessera, TestClock, type Bench } from './fixture.ts';

const LETTER = 'id status replayCount resolvedAt resolvedBy discardReason';
const REPLAY = `mutation ($input: ReplayDeadLetterInput!) { replayDeadLetter(input: $input) {
  deadLetter { ${LETTER} } userErrors { code message field } warnings { code message field } replayed } }`;
const REPLAY_ALL = `mutation ($input: ReplayDeadLettersInput!) { replayDeadLetters(input: $input) {
  count deadLetterIds userErrors { code message field } warnings { code message field } replayed } }`;
const DISCARD = `mutation ($input: DiscardDeadLetterInput!) { discardDeadLetter(input: $input) {
  deadLetter { ${LETTER} } userErrors { code message field } warnings { code message field } replayed } }`;
const ONE = `query ($id: ID!) { deadLetter(id: $id) { ${LETTER} } }`;
const AUDIT = `query ($principal: String) { integrationAuditLog(filter: { principal: $principal }) {
  nodes { principal capability version idempotencyKey outcome errorCode } } }`;

const clock = new TestClock(new Date('2026-06-01T09:00:00.000Z'));
let tessera: TestTessera;
let bench: Bench | null = null;
let consumerCount = 0;
/** A token reading the queue and the audit log (a principal of its own: it calls nothing). */
let reader: string;

beforeAll(async () => {
  tessera = await startOpsTessera(clock);
  // The process engine attached its transport for replays when it started (runtime/processEngine.ts).
  expect(redeliveryFor(tessera.tessera.systems.integration!.db)).toBe(tessera.tessera.engine!.transport);
  reader = await tessera.token(ops('ops-auditor', 'ops:read audit:read'));
});
afterEach(async () => {
  await bench?.close();
  bench = null;
});
afterAll(() => tessera?.stop());

/** A consumer of its own for one test, on a bench of its own. */
async function consumerOnBench(types: readonly string[] = ['CustomerBillingEnabled']): Promise<FlakyConsumer> {
  consumerCount += 1;
  const consumer = new FlakyConsumer(`ops-test-${consumerCount}`, types);
  bench = await openBench(tessera, clock, [consumer]);
  return consumer;
}

function letter(
  id: string,
  fields: Partial<Record<'status' | 'replayCount' | 'resolvedAt' | 'resolvedBy' | 'discardReason', unknown>> = {},
) {
  return { id, status: 'OPEN', replayCount: 0, resolvedAt: null, resolvedBy: null, discardReason: null, ...fields };
}

async function read(id: string) {
  const body = await tessera.query(ONE, { id }, reader);
  expect(body.errors).toBeUndefined();
  return (body.data as { deadLetter: unknown }).deadLetter;
}

async function audit(principal: string) {
  const body = await tessera.query(AUDIT, { principal }, reader);
  expect(body.errors).toBeUndefined();
  return (body.data as { integrationAuditLog: { nodes: unknown[] } }).integrationAuditLog.nodes;
}

function audited(principal: string, capability: string, idempotencyKey: string, outcome: string, errorCode: string | null = null) {
  return { principal, capability: `integration.${capability}`, version: 1, idempotencyKey, outcome, errorCode };
}

describe('replaying a dead letter', () => {
  it('puts the event in front of its fixed consumer once; the letter is REPLAYED by its caller; the call is audited', async () => {
    const consumer = await consumerOnBench();
    const event = envelope('CustomerBillingEnabled', 'Customer', 'cus_replay');
    const id = await bench!.deadLetter(event, consumer);
    consumer.failing = false;
    clock.set('2026-06-01T10:00:00.000Z');
    const key = newKey();
    const replayed = await call(tessera, REPLAY, { idempotencyKey: key, deadLetterId: id }, { claims: ops('ops-replay') });
    expect({ status: replayed.status, body: replayed.body }).toEqual({
      status: 200,
      body: {
        data: {
          replayDeadLetter: {
            deadLetter: letter(id, {
              status: 'REPLAYED',
              replayCount: 1,
              resolvedAt: '2026-06-01T10:00:00.000Z',
              resolvedBy: 'ops-replay',
            }),
            userErrors: [],
            warnings: [],
            replayed: false,
          },
        },
      },
    });
    expect(bench!.redeliveries).toEqual([[consumer.name, event.eventId, `replay:${id}`]]);
    // The redelivery woke the transport: drain waits for that pass, and delivers what is left.
    await bench!.transport.drain();
    expect(await bench!.transport.drain()).toBe(0);
    expect(consumer.handled).toEqual([event.eventId]);
    expect(await read(id)).toEqual(
      letter(id, { status: 'REPLAYED', replayCount: 1, resolvedAt: '2026-06-01T10:00:00.000Z', resolvedBy: 'ops-replay' }),
    );
    expect(await audit('ops-replay')).toEqual([audited('ops-replay', 'replayDeadLetter', key, 'SUCCEEDED')]);
  });

  it('answers the same key twice with one redelivery: the second answer is the first, replayed', async () => {
    const consumer = await consumerOnBench();
    const event = envelope('CustomerBillingEnabled', 'Customer', 'cus_same_key');
    const id = await bench!.deadLetter(event, consumer);
    consumer.failing = false;
    const key = newKey();
    const first = await call(tessera, REPLAY, { idempotencyKey: key, deadLetterId: id }, { claims: ops('ops-same-key') });
    const resolvedAt = clock.now().toISOString();
    clock.advance(1_000);
    const again = await call(tessera, REPLAY, { idempotencyKey: key, deadLetterId: id }, { claims: ops('ops-same-key') });
    const replayedLetter = letter(id, { status: 'REPLAYED', replayCount: 1, resolvedAt, resolvedBy: 'ops-same-key' });
    expect(first.body).toEqual({
      data: { replayDeadLetter: { deadLetter: replayedLetter, userErrors: [], warnings: [], replayed: false } },
    });
    expect(again.body).toEqual({
      data: { replayDeadLetter: { deadLetter: replayedLetter, userErrors: [], warnings: [], replayed: true } },
    });
    expect(bench!.redeliveries).toEqual([[consumer.name, event.eventId, `replay:${id}`]]);
    await bench!.transport.drain();
    expect(consumer.handled).toEqual([event.eventId]);
    expect(await audit('ops-same-key')).toEqual([
      audited('ops-same-key', 'replayDeadLetter', key, 'SUCCEEDED'),
      audited('ops-same-key', 'replayDeadLetter', key, 'REPLAYED'),
    ]);
  });

  it('answers a second key on a replayed letter ALREADY_IN_STATE without redelivering it', async () => {
    const consumer = await consumerOnBench();
    const event = envelope('CustomerBillingEnabled', 'Customer', 'cus_two_keys');
    const id = await bench!.deadLetter(event, consumer);
    consumer.failing = false;
    const first = await call(tessera, REPLAY, { idempotencyKey: newKey(), deadLetterId: id }, { claims: ops('ops-first') });
    clock.advance(5_000);
    const second = await call(tessera, REPLAY, { idempotencyKey: newKey(), deadLetterId: id }, { claims: ops('ops-second') });
    const replayedLetter = letter(id, {
      status: 'REPLAYED',
      replayCount: 1,
      resolvedAt: new Date(clock.now().getTime() - 5_000).toISOString(),
      resolvedBy: 'ops-first',
    });
    expect(first.payload).toEqual({ deadLetter: replayedLetter, userErrors: [], warnings: [], replayed: false });
    expect(second.body).toEqual({
      data: {
        replayDeadLetter: {
          deadLetter: replayedLetter,
          userErrors: [],
          warnings: [{ code: 'ALREADY_IN_STATE', message: `Dead letter ${id} was already replayed.`, field: null }],
          replayed: false,
        },
      },
    });
    expect(bench!.redeliveries).toEqual([[consumer.name, event.eventId, `replay:${id}`]]);
    await bench!.transport.drain();
    expect(consumer.handled).toEqual([event.eventId]);
  });

  it('leaves a replayed letter REPLAYED when its consumer fails again: the new failure is a new OPEN dead letter', async () => {
    const consumer = await consumerOnBench();
    const event = envelope('CustomerBillingEnabled', 'Customer', 'cus_fails_again');
    const firstFailedAt = clock.now().toISOString();
    const id = await bench!.deadLetter(event, consumer);
    const replayed = await call(tessera, REPLAY, { idempotencyKey: newKey(), deadLetterId: id }, { claims: ops('ops-again') });
    expect(replayed.payload).toMatchObject({ deadLetter: { status: 'REPLAYED', replayCount: 1 }, userErrors: [] });
    // The redelivery fails its first attempt now (on the wake-up, or in this drain) and its last one a minute later.
    const failedAt = clock.now().toISOString();
    await bench!.transport.drain();
    clock.advance(60_000);
    expect(await bench!.transport.drain()).toBe(1);
    const rows = await bench!.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('consumer', '=', consumer.name)
      .orderBy('last_failed_at')
      .execute();
    expect(rows.map((row) => [row.id === id, row.event_id, row.status, row.attempts, row.first_failed_at, row.replay_count])).toEqual([
      [true, event.eventId, 'REPLAYED', 2, firstFailedAt, 1],
      [false, event.eventId, 'OPEN', 2, failedAt, 0],
    ]);
    consumer.failing = false;
    const second = await call(tessera, REPLAY, { idempotencyKey: newKey(), deadLetterId: rows[1]!.id }, { claims: ops('ops-again') });
    expect(second.payload).toMatchObject({ deadLetter: { status: 'REPLAYED', replayCount: 1 }, userErrors: [], warnings: [] });
    await bench!.transport.drain();
    expect(consumer.handled).toEqual([event.eventId]);
  });
});

describe('replaying by filter', () => {
  it('replays only the OPEN letters that match, oldest first, at most limit; a repeated key redelivers nothing', async () => {
    const consumer = await consumerOnBench(['CustomerBillingEnabled', 'TimecardApproved']);
    const events = ['cus_f1', 'cus_f2', 'cus_f3', 'cus_f4', 'cus_f5'].map((id) => envelope('CustomerBillingEnabled', 'Customer', id));
    const memo = envelope('TimecardApproved', 'Timecard', 'tc_f6');
    const ids: string[] = [];
    for (const event of [...events, memo]) {
      clock.advance(3_600_000);
      ids.push(await bench!.deadLetter(event, consumer));
    }
    const [replayedOne, discarded, open1, open2, open3, memoId] = ids as [string, string, string, string, string, string];
    consumer.failing = false;
    expect(
      (await call(tessera, REPLAY, { idempotencyKey: newKey(), deadLetterId: replayedOne }, { claims: ops('ops-batch') })).payload,
    ).toMatchObject({
      userErrors: [],
    });
    expect(
      (
        await call(
          tessera,
          DISCARD,
          { idempotencyKey: newKey(), deadLetterId: discarded, reason: 'duplicate' },
          { claims: ops('ops-batch') },
        )
      ).payload,
    ).toMatchObject({ userErrors: [] });
    bench!.redeliveries.length = 0;

    // The status in the filter is ignored: only OPEN letters are replayed. limit 2: the oldest two.
    const key = newKey();
    const input = {
      idempotencyKey: key,
      filter: { consumer: consumer.name, eventType: 'CustomerBillingEnabled', status: 'DISCARDED' },
      limit: 2,
    };
    const batch = await call(tessera, REPLAY_ALL, input, { claims: ops('ops-batch') });
    expect(batch.body).toEqual({
      data: { replayDeadLetters: { count: 2, deadLetterIds: [open1, open2], userErrors: [], warnings: [], replayed: false } },
    });
    const again = await call(tessera, REPLAY_ALL, input, { claims: ops('ops-batch') });
    expect(again.body).toEqual({
      data: { replayDeadLetters: { count: 2, deadLetterIds: [open1, open2], userErrors: [], warnings: [], replayed: true } },
    });
    expect(bench!.redeliveries).toEqual([
      [consumer.name, events[2]!.eventId, `replay:${open1}`],
      [consumer.name, events[3]!.eventId, `replay:${open2}`],
    ]);

    // The rest of the filter (no limit: up to 100) is the one CustomerBillingEnabled letter left OPEN.
    const rest = await call(
      tessera,
      REPLAY_ALL,
      { idempotencyKey: newKey(), filter: { consumer: consumer.name, eventType: 'CustomerBillingEnabled' } },
      { claims: ops('ops-batch') },
    );
    expect(rest.payload).toEqual({ count: 1, deadLetterIds: [open3], userErrors: [], warnings: [], replayed: false });
    const none = await call(
      tessera,
      REPLAY_ALL,
      { idempotencyKey: newKey(), filter: { consumer: consumer.name, eventType: 'CustomerBillingEnabled' } },
      { claims: ops('ops-batch') },
    );
    expect(none.payload).toEqual({ count: 0, deadLetterIds: [], userErrors: [], warnings: [], replayed: false });

    await bench!.transport.drain();
    expect([...consumer.handled].sort()).toEqual([events[0]!, events[2]!, events[3]!, events[4]!].map((event) => event.eventId).sort());
    expect(await read(discarded)).toMatchObject({ status: 'DISCARDED', replayCount: 0 });
    expect(await read(memoId)).toMatchObject({ status: 'OPEN', replayCount: 0 });
    for (const id of [replayedOne, open1, open2, open3])
      expect(await read(id)).toMatchObject({ status: 'REPLAYED', replayCount: 1, resolvedBy: 'ops-batch' });
  });

  it('refuses a limit outside 1 to 100 with its field', async () => {
    for (const limit of [0, 101]) {
      const refused = await call(tessera, REPLAY_ALL, { idempotencyKey: newKey(), limit }, { claims: ops('ops-limit') });
      expect(refused.body).toEqual({
        data: {
          replayDeadLetters: {
            count: null,
            deadLetterIds: null,
            userErrors: [{ code: 'PRECONDITION_FAILED', message: `limit must be between 1 and 100; got ${limit}.`, field: 'limit' }],
            warnings: [],
            replayed: false,
          },
        },
      });
    }
  });
});

describe('discarding a dead letter', () => {
  it('discards an OPEN letter for its reason; the event is not delivered; a blank reason is refused with its field', async () => {
    const consumer = await consumerOnBench();
    const event = envelope('CustomerBillingEnabled', 'Customer', 'cus_discard');
    const id = await bench!.deadLetter(event, consumer);
    const blankKey = newKey();
    const blank = await call(
      tessera,
      DISCARD,
      { idempotencyKey: blankKey, deadLetterId: id, reason: '  \t ' },
      { claims: ops('ops-discard') },
    );
    expect(blank.body).toEqual({
      data: {
        discardDeadLetter: {
          deadLetter: null,
          userErrors: [{ code: 'PRECONDITION_FAILED', message: 'Discarding a dead letter needs a reason.', field: 'reason' }],
          warnings: [],
          replayed: false,
        },
      },
    });
    expect(await read(id)).toEqual(letter(id));

    clock.set('2026-07-01T08:30:00.000Z');
    const key = newKey();
    const discarded = await call(
      tessera,
      DISCARD,
      { idempotencyKey: key, deadLetterId: id, reason: '  sent by hand to the ledger  ' },
      { claims: ops('ops-discard') },
    );
    const discardedLetter = letter(id, {
      status: 'DISCARDED',
      resolvedAt: '2026-07-01T08:30:00.000Z',
      resolvedBy: 'ops-discard',
      discardReason: 'sent by hand to the ledger',
    });
    expect(discarded.body).toEqual({
      data: { discardDeadLetter: { deadLetter: discardedLetter, userErrors: [], warnings: [], replayed: false } },
    });
    clock.advance(1_000);
    const twice = await call(
      tessera,
      DISCARD,
      { idempotencyKey: newKey(), deadLetterId: id, reason: 'again' },
      { claims: ops('ops-discard') },
    );
    expect(twice.payload).toEqual({
      deadLetter: discardedLetter,
      userErrors: [],
      warnings: [{ code: 'ALREADY_IN_STATE', message: `Dead letter ${id} was already discarded.`, field: null }],
      replayed: false,
    });
    consumer.failing = false;
    expect(await bench!.transport.drain()).toBe(0);
    expect(consumer.handled).toEqual([]);
    expect(bench!.redeliveries).toEqual([]);
    expect(await audit('ops-discard')).toEqual([
      audited('ops-discard', 'discardDeadLetter', blankKey, 'REJECTED', 'PRECONDITION_FAILED'),
      audited('ops-discard', 'discardDeadLetter', key, 'SUCCEEDED'),
      expect.objectContaining({ capability: 'integration.discardDeadLetter', outcome: 'SUCCEEDED' }),
    ]);
  });

  it('refuses to discard a replayed letter and to replay a discarded one: INVALID_STATE_TRANSITION, nothing redelivered', async () => {
    const consumer = await consumerOnBench();
    const replayedId = await bench!.deadLetter(envelope('CustomerBillingEnabled', 'Customer', 'cus_state_1'), consumer);
    const discardedId = await bench!.deadLetter(envelope('CustomerBillingEnabled', 'Customer', 'cus_state_2'), consumer);
    await call(tessera, REPLAY, { idempotencyKey: newKey(), deadLetterId: replayedId }, { claims: ops('ops-state') });
    await call(tessera, DISCARD, { idempotencyKey: newKey(), deadLetterId: discardedId, reason: 'obsolete' }, { claims: ops('ops-state') });
    bench!.redeliveries.length = 0;

    const discard = await call(
      tessera,
      DISCARD,
      { idempotencyKey: newKey(), deadLetterId: replayedId, reason: 'too late' },
      { claims: ops('ops-state') },
    );
    expect(discard.body).toEqual({
      data: {
        discardDeadLetter: {
          deadLetter: null,
          userErrors: [
            {
              code: 'INVALID_STATE_TRANSITION',
              message: `Dead letter ${replayedId} was replayed: it can no longer be discarded.`,
              field: 'deadLetterId',
            },
          ],
          warnings: [],
          replayed: false,
        },
      },
    });
    const replay = await call(tessera, REPLAY, { idempotencyKey: newKey(), deadLetterId: discardedId }, { claims: ops('ops-state') });
    expect(replay.body).toEqual({
      data: {
        replayDeadLetter: {
          deadLetter: null,
          userErrors: [
            {
              code: 'INVALID_STATE_TRANSITION',
              message: `Dead letter ${discardedId} was discarded: it is not replayed.`,
              field: 'deadLetterId',
            },
          ],
          warnings: [],
          replayed: false,
        },
      },
    });
    expect(bench!.redeliveries).toEqual([]);
    expect(await read(replayedId)).toMatchObject({ status: 'REPLAYED', discardReason: null });
    expect(await read(discardedId)).toMatchObject({ status: 'DISCARDED', replayCount: 0 });
  });
});

describe('refusals', () => {
  it('answers NOT_FOUND with its field for an unknown dead letter', async () => {
    await consumerOnBench();
    for (const [query, field, input] of [
      [REPLAY, 'replayDeadLetter', { deadLetterId: 'dlq_nothing' }],
      [DISCARD, 'discardDeadLetter', { deadLetterId: 'dlq_nothing', reason: 'gone' }],
    ] as const) {
      const refused = await call(tessera, query, { idempotencyKey: newKey(), ...input }, { claims: ops('ops-unknown') });
      expect(refused.body).toEqual({
        data: {
          [field]: {
            deadLetter: null,
            userErrors: [{ code: 'NOT_FOUND', message: 'Dead letter "dlq_nothing" was not found.', field: 'deadLetterId' }],
            warnings: [],
            replayed: false,
          },
        },
      });
    }
    expect(bench!.redeliveries).toEqual([]);
  });

  it('answers FORBIDDEN on the field without ops:write, and changes nothing', async () => {
    const consumer = await consumerOnBench();
    const id = await bench!.deadLetter(envelope('CustomerBillingEnabled', 'Customer', 'cus_forbidden'), consumer);
    const readOnly = ops('ops-read-only', 'ops:read audit:read');
    for (const [query, field, input] of [
      [REPLAY, 'replayDeadLetter', { deadLetterId: id }],
      [REPLAY_ALL, 'replayDeadLetters', { filter: { consumer: consumer.name } }],
      [DISCARD, 'discardDeadLetter', { deadLetterId: id, reason: 'no' }],
    ] as const) {
      const refused = await call(tessera, query, { idempotencyKey: newKey(), ...input }, { claims: readOnly });
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 200,
        body: {
          errors: [
            {
              message: `Not authorized to read Mutation.${field} (requires scope ops:write).`,
              path: [field],
              extensions: { code: 'FORBIDDEN', coordinate: `Mutation.${field}`, reason: 'requires scope ops:write' },
            },
          ],
          data: null,
        },
      });
    }
    expect(bench!.redeliveries).toEqual([]);
    expect(await read(id)).toEqual(letter(id));
    expect(await audit('ops-read-only')).toEqual([]);
  });

  it('answers DOWNSTREAM_UNAVAILABLE when no transport runs here, writing nothing; the same key works once one does', async () => {
    const consumer = await consumerOnBench();
    const event = envelope('CustomerBillingEnabled', 'Customer', 'cus_no_transport');
    const id = await bench!.deadLetter(event, consumer);
    consumer.failing = false;
    bench!.detach();
    const key = newKey();
    const message =
      'No event transport runs in this process: a dead letter is replayed where the process engine runs. Retry the same request later.';
    for (const [query, field, input] of [
      [REPLAY, 'replayDeadLetter', { idempotencyKey: key, deadLetterId: id }],
      [REPLAY_ALL, 'replayDeadLetters', { idempotencyKey: newKey(), filter: { consumer: consumer.name } }],
    ] as const) {
      const refused = await call(tessera, query, input, { claims: ops('ops-no-transport') });
      expect({ status: refused.status, body: refused.body }).toEqual({
        status: 200,
        body: {
          errors: [{ message, path: [field], extensions: { code: 'DOWNSTREAM_UNAVAILABLE', serviceName: 'integration' } }],
          data: null,
        },
      });
    }
    expect(await read(id)).toEqual(letter(id));
    expect(await bench!.db.selectFrom('event_queue').select('id').where('consumer', '=', consumer.name).execute()).toEqual([]);
    expect(
      await bench!.db.selectFrom('idempotency_records').select('idempotency_key').where('principal_sub', '=', 'ops-no-transport').execute(),
    ).toEqual([]);
    expect(await audit('ops-no-transport')).toEqual([]);

    bench!.attach();
    const retried = await call(tessera, REPLAY, { idempotencyKey: key, deadLetterId: id }, { claims: ops('ops-no-transport') });
    expect(retried.payload).toMatchObject({ deadLetter: { status: 'REPLAYED', replayCount: 1 }, userErrors: [], replayed: false });
    await bench!.transport.drain();
    expect(consumer.handled).toEqual([event.eventId]);
    expect(await audit('ops-no-transport')).toEqual([audited('ops-no-transport', 'replayDeadLetter', key, 'SUCCEEDED')]);
  });
});
