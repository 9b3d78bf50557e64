/**
 * The process metrics at the embedded gateway's `/metrics` after a saga ran to completion
 * (docs/processes.md#metrics): the saga-state gauge read from the store, the dead-letter depth per
 * consumer, and the delivery counters and lag histogram matching what the consumers' inbox holds.
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempSqliteStore } from '../harness/tempDatabase.ts';
import { cleanRun, freshCustomers, processOf } from '../integration/faults/scenario.ts';
import { openWorld, type World } from '../integration/faults/world.ts';

let world: World;
let lines: string[];
let inbox: Map<string, number>;
let published: number;

beforeAll(async () => {
  world = await openWorld({ makeStore: async () => tempSqliteStore() });
  const opportunityId = await cleanRun(world, (await freshCustomers(world))(), 'Metrics deal');
  expect((await processOf(world, opportunityId))?.status).toBe('COMPLETED');
  const response = await fetch(new URL('/metrics', world.tessera.url));
  expect(response.status).toBe(200);
  lines = (await response.text()).split('\n');
  const integration = world.systems.integration.db as unknown as Kysely<{ event_inbox: { consumer: string } }>;
  const rows = await integration
    .selectFrom('event_inbox')
    .select((eb) => ['consumer', eb.fn.countAll<number | string>().as('count')])
    .groupBy('consumer')
    .execute();
  inbox = new Map(rows.map((row) => [row.consumer, Number(row.count)]));
  published = 0;
  for (const system of ['crm', 'psa', 'erp', 'integration'] as const) {
    const db = world.systems[system].db as unknown as Kysely<{ outbox_events: { published_at: string | null } }>;
    const row = await db
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('published_at', 'is not', null)
      .executeTakeFirstOrThrow();
    published += Number(row.count);
  }
}, 120_000);
afterAll(() => world?.close());

const starting = (prefix: string) => lines.filter((line) => line.startsWith(prefix));

describe('process metrics after a saga run', () => {
  it('counts the process by kind and status, every status present', () => {
    expect(starting('tessera_processes{')).toEqual([
      'tessera_processes{kind="opportunityToProject",status="BLOCKED"} 0',
      'tessera_processes{kind="opportunityToProject",status="COMPENSATED"} 0',
      'tessera_processes{kind="opportunityToProject",status="COMPENSATING"} 0',
      'tessera_processes{kind="opportunityToProject",status="COMPLETED"} 1',
      'tessera_processes{kind="opportunityToProject",status="FAILED"} 0',
      'tessera_processes{kind="opportunityToProject",status="RUNNING"} 0',
      'tessera_processes{kind="opportunityToProject",status="WAITING"} 0',
    ]);
    expect(lines).toContain('# TYPE tessera_processes gauge');
  });

  it('has no dead letter for any consumer', () => {
    expect(starting('tessera_dead_letters{')).toEqual([
      'tessera_dead_letters{consumer="cash"} 0',
      'tessera_dead_letters{consumer="sagas"} 0',
      'tessera_dead_letters{consumer="webhooks"} 0',
    ]);
  });

  it('counts one handled delivery and one lag observation per event each consumer holds in its inbox', () => {
    expect(inbox.get('sagas')).toBeGreaterThanOrEqual(3); // OpportunityWon, ContractApproved, ContractSigned at least
    const consumers = [...inbox.keys()].sort();
    expect(starting('tessera_event_deliveries_total{')).toEqual(
      consumers.map((consumer) => `tessera_event_deliveries_total{consumer="${consumer}",outcome="handled"} ${inbox.get(consumer)}`),
    );
    expect(starting('tessera_event_lag_seconds_count{')).toEqual(
      consumers.map((consumer) => `tessera_event_lag_seconds_count{consumer="${consumer}"} ${inbox.get(consumer)}`),
    );
    expect(starting('tessera_event_retries_total{')).toEqual([]);
  });

  it('counts every outbox event the relay published, by system', () => {
    const sum = starting('tessera_events_published_total{').reduce((total, line) => total + Number(line.split(' ')[1]), 0);
    expect(sum).toBe(published);
  });

  it('keeps the gateway metrics beside them', () => {
    expect(lines).toContain('# TYPE tessera_http_requests_total counter');
    expect(starting('tessera_capability_calls_total{capability="crm.closeWinOpportunity",version="1"}')).toEqual([
      'tessera_capability_calls_total{capability="crm.closeWinOpportunity",version="1"} 1',
    ]);
  });
});
