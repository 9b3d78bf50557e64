/**
 * Reading the dead-letter queue through the gateway (docs/events.md#dead-letters): real dead letters
 * of consumers that failed on the in-process transport, listed with each filter and paged, one read
 * whole (envelope, error, attempts, first and last failure), and no read without `ops:read`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, newKey } from '../../harness/capabilities.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { envelope, FlakyConsumer, openBench, ops, startOpsTessera, TestClock, type Bench } from './fixture.ts';

const LIST = `query ($filter: DeadLetterFilter, $first: Int, $after: String) {
  deadLetters(filter: $filter, first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } totalCount } }`;
const ONE = `query ($id: ID!) { deadLetter(id: $id) {
  id consumer status error attempts firstFailedAt lastFailedAt replayCount transport resolvedAt resolvedBy discardReason
  envelope { eventId type source aggregateType aggregateId aggregateVersion occurredAt correlationId causationId traceparent legalEntityId payload } } }`;
const DISCARD = `mutation ($input: DiscardDeadLetterInput!) { discardDeadLetter(input: $input) { deadLetter { id status } userErrors { code } } }`;

const clock = new TestClock(new Date('2026-05-04T10:00:00.000Z'));
const arSync = new FlakyConsumer('ar-sync', ['CustomerBillingEnabled', 'TimecardApproved']);
const staffingSync = new FlakyConsumer('staffing-sync', ['StaffingNeeded']);
const released = envelope('CustomerBillingEnabled', 'Customer', 'cus_A');
const memo = envelope('TimecardApproved', 'Timecard', 'tc_B');
const won = envelope('StaffingNeeded', 'ResourceRequest', 'rr_C');
const releasedAgain = envelope('CustomerBillingEnabled', 'Customer', 'cus_A', 2);

let tessera: TestTessera;
let bench: Bench;
let token: string;
/** The dead letters by name: last failures at 10:01 (a), 11:01 (b), 12:01 (c) and 13:01 (d, discarded). */
const ids = { a: '', b: '', c: '', d: '' };

beforeAll(async () => {
  tessera = await startOpsTessera(clock);
  bench = await openBench(tessera, clock, [arSync, staffingSync]);
  ids.a = await bench.deadLetter(released, arSync);
  clock.set('2026-05-04T11:00:00.000Z');
  ids.b = await bench.deadLetter(memo, arSync);
  clock.set('2026-05-04T12:00:00.000Z');
  ids.c = await bench.deadLetter(won, staffingSync);
  clock.set('2026-05-04T13:00:00.000Z');
  ids.d = await bench.deadLetter(releasedAgain, arSync);
  const discarded = await call(
    tessera,
    DISCARD,
    { idempotencyKey: newKey(), deadLetterId: ids.d, reason: 'superseded' },
    { claims: ops('ops-reader') },
  );
  expect(discarded.payload).toEqual({ deadLetter: { id: ids.d, status: 'DISCARDED' }, userErrors: [] });
  token = await tessera.token(ops('ops-reader', 'ops:read'));
});
afterAll(async () => {
  await bench?.close();
  await tessera?.stop();
});

async function list(filter: Record<string, unknown> | null, page: { first?: number; after?: string } = {}) {
  return tessera.query(LIST, { filter, ...page }, token);
}

/** The whole answer of a one-page list of these ids. */
function listed(...names: (keyof typeof ids)[]) {
  const nodes = names.map((name) => ({ id: ids[name] }));
  return {
    data: { deadLetters: { nodes, pageInfo: { hasNextPage: false, endCursor: cursor(nodes.at(-1)?.id) }, totalCount: nodes.length } },
  };
}

function cursor(id: string | undefined): string | null {
  return id === undefined ? null : Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

describe('the dead-letter queue through the gateway', () => {
  it('lists every dead letter, oldest last failure first, and pages through them', async () => {
    expect(await list(null)).toEqual(listed('a', 'b', 'c', 'd'));
    const first = await list(null, { first: 3 });
    expect(first).toEqual({
      data: {
        deadLetters: {
          nodes: [{ id: ids.a }, { id: ids.b }, { id: ids.c }],
          pageInfo: { hasNextPage: true, endCursor: cursor(ids.c) },
          totalCount: 4,
        },
      },
    });
    expect(await list(null, { first: 3, after: cursor(ids.c)! })).toEqual({
      data: { deadLetters: { nodes: [{ id: ids.d }], pageInfo: { hasNextPage: false, endCursor: cursor(ids.d) }, totalCount: 4 } },
    });
  });

  it('filters by consumer, event type, status, aggregate and last-failure window, alone and together', async () => {
    expect(await list({ consumer: 'ar-sync' })).toEqual(listed('a', 'b', 'd'));
    expect(await list({ consumer: 'staffing-sync' })).toEqual(listed('c'));
    expect(await list({ consumer: 'nobody' })).toEqual(listed());
    expect(await list({ eventType: 'CustomerBillingEnabled' })).toEqual(listed('a', 'd'));
    expect(await list({ eventType: 'TimecardApproved' })).toEqual(listed('b'));
    expect(await list({ status: 'OPEN' })).toEqual(listed('a', 'b', 'c'));
    expect(await list({ status: 'DISCARDED' })).toEqual(listed('d'));
    expect(await list({ status: 'REPLAYED' })).toEqual(listed());
    expect(await list({ aggregateId: 'cus_A' })).toEqual(listed('a', 'd'));
    expect(await list({ aggregateId: 'rr_C' })).toEqual(listed('c'));
    // from is inclusive, to exclusive, both on the last failure.
    expect(await list({ from: '2026-05-04T11:01:00.000Z' })).toEqual(listed('b', 'c', 'd'));
    expect(await list({ from: '2026-05-04T11:01:00.001Z' })).toEqual(listed('c', 'd'));
    expect(await list({ to: '2026-05-04T12:01:00.000Z' })).toEqual(listed('a', 'b'));
    expect(await list({ from: '2026-05-04T13:01:00+02:00', to: '2026-05-04T12:01:00.001Z' })).toEqual(listed('b', 'c'));
    expect(await list({ consumer: 'ar-sync', status: 'OPEN', eventType: 'CustomerBillingEnabled' })).toEqual(listed('a'));
    expect(await list({ consumer: 'ar-sync', aggregateId: 'cus_A', from: '2026-05-04T10:01:00.001Z' })).toEqual(listed('d'));
  });

  it('reads one dead letter whole: the envelope as delivered, the last error, the attempts, the first and last failure', async () => {
    expect(await tessera.query(ONE, { id: ids.a }, token)).toEqual({
      data: {
        deadLetter: {
          id: ids.a,
          consumer: 'ar-sync',
          status: 'OPEN',
          error: 'ar-sync: the ledger refused CustomerBillingEnabled cus_A',
          attempts: 2,
          firstFailedAt: '2026-05-04T10:00:00.000Z',
          lastFailedAt: '2026-05-04T10:01:00.000Z',
          replayCount: 0,
          transport: 'in-process',
          resolvedAt: null,
          resolvedBy: null,
          discardReason: null,
          envelope: { ...released, payload: JSON.stringify(released.payload) },
        },
      },
    });
    expect(await tessera.query(ONE, { id: ids.d }, token)).toMatchObject({
      data: {
        deadLetter: {
          id: ids.d,
          status: 'DISCARDED',
          firstFailedAt: '2026-05-04T13:00:00.000Z',
          lastFailedAt: '2026-05-04T13:01:00.000Z',
          resolvedAt: '2026-05-04T13:01:00.000Z',
          resolvedBy: 'ops-reader',
          discardReason: 'superseded',
          envelope: { eventId: releasedAgain.eventId, aggregateVersion: 2 },
        },
      },
    });
    expect(await tessera.query(ONE, { id: 'dlq_nothing' }, token)).toEqual({ data: { deadLetter: null } });
  });

  it('answers FORBIDDEN on the field without ops:read', async () => {
    const reader = await tessera.token({ sub: 'erp-reader', scope: 'erp:read psa:read', legal_entities: '*' });
    expect(await tessera.query(LIST, { filter: null }, reader)).toEqual({
      errors: [
        {
          message: 'Not authorized to read Query.deadLetters (requires scope ops:read).',
          path: ['deadLetters'],
          extensions: { code: 'FORBIDDEN', coordinate: 'Query.deadLetters', reason: 'requires scope ops:read' },
        },
      ],
      data: { deadLetters: null },
    });
    expect(await tessera.query(ONE, { id: ids.a }, reader)).toEqual({
      errors: [
        {
          message: 'Not authorized to read Query.deadLetter (requires scope ops:read).',
          path: ['deadLetter'],
          extensions: { code: 'FORBIDDEN', coordinate: 'Query.deadLetter', reason: 'requires scope ops:read' },
        },
      ],
      // deadLetter is nullable: the refusal nulls the field, not the answer.
      data: { deadLetter: null },
    });
  });
});
