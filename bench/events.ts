/**
 * `npm run bench:events`: event delivery lag under a burst (docs/events.md#relay), on the in-process
 * transport and on NATS JetStream in the same run. Not a test: it prints a table.
 *
 * Per transport, on fresh SQLite stores in a temp folder: the CRM's store (its real migrations, so
 * the real `outbox_events`) and the integration store (the consumers' inbox, queue, dead letters).
 * `--events` events (default 10,000) are written to the CRM outbox as fast as the writer can, one
 * insert per capability-sized write (`--per-write`, default 1 event), with the kernel's own
 * `insertOutboxEvents` (the statement the capability runner uses; occurred_at from the real clock),
 * spread over `--aggregates` opportunities (default 1,000; versions 1..n each), the relay running
 * its loop every 200 ms as the process engine runs it (runtime/processEngine.ts; a pass with a full
 * batch runs the next at once), or also woken after each write with `--wake`. The relay publishes to the
 * transport; the transport hands each event to the real delivery (inbox row claimed, handler in the
 * transaction) of one consumer whose handler records the aggregate version it applied, as a read
 * model does. Per event: the lag from `occurred_at` to the commit of its handled delivery; p50,
 * p95, p99, max; throughput = events / (last handled − first written).
 *
 * Not through the capability runner: a capability call (idempotency record, effect, audit) costs
 * about a millisecond, so 10,000 of them would be a ten-second trickle, not a burst.
 *
 * Options (argv): --events N (10000), --aggregates N (1000), --per-write N (1), --relay-batch N
 * (500), --relay-interval ms (200), --wake, --nats [url] (or TESSERA_NATS_URL; without either NATS is
 * skipped), --nats-batch N (messages per pull; the transport's default unless given),
 * --timeout-seconds N (300), --json FILE.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createLogger } from '../core/logger.ts';
import type { StoreConfig } from '../core/config/config.ts';
import { crmSystem } from '../systems/crm/system.ts';
import { integrationSystem } from '../systems/integration/system.ts';
import { openReferenceSystem } from '../systems/kernel/openReferenceSystem.ts';
import { insertOutboxEvents } from '../systems/kernel/capability/records.ts';
import type { CapabilityTables } from '../systems/kernel/capability/tables.ts';
import type { CapabilityCall, DomainEventDraft } from '../systems/kernel/capability/types.ts';
import { claimNewerVersion } from '../systems/kernel/events/aggregateVersions.ts';
import { createDelivery, type Delivery } from '../systems/kernel/events/delivery.ts';
import { createInProcessTransport } from '../systems/kernel/events/inProcessTransport.ts';
import { createNatsTransport } from '../systems/kernel/events/nats/natsTransport.ts';
import { createRelay } from '../systems/kernel/events/relay.ts';
import type { EventTables } from '../systems/kernel/events/tables.ts';
import type { EventConsumer, EventTransport } from '../systems/kernel/events/transport.ts';
import {
  benchPrefix,
  deleteStream,
  flag,
  intOption,
  loadAverage,
  machine,
  natsUrl,
  optionalValue,
  spread,
  writeJson,
  type Spread,
} from './processWorkers/processOptions.ts';

const EVENTS = intOption('events', 10_000);
const AGGREGATES = Math.min(intOption('aggregates', 1000), EVENTS);
const PER_WRITE = intOption('per-write', 1);
const RELAY_BATCH = intOption('relay-batch', 500);
const RELAY_INTERVAL_MS = intOption('relay-interval', 200);
const WAKE = flag('wake');
const NATS_BATCH = optionalValue('nats-batch') === undefined ? undefined : intOption('nats-batch', 1);
const TIMEOUT_MS = intOption('timeout-seconds', 300) * 1000;
const logger = createLogger('warn');

interface LagResult {
  readonly transport: EventTransport['kind'];
  readonly events: number;
  readonly writeMs: number;
  /** From the first write to the last handled delivery. */
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  readonly lagMs: Spread;
  readonly duplicates: number;
  readonly failedAttempts: number;
  readonly inboxRows: number;
  readonly unpublished: number;
}

type MakeTransport = (db: Kysely<EventTables>, delivery: Delivery, clock: () => Date) => Promise<EventTransport>;

/** The i-th event of the burst: aggregate i mod AGGREGATES, the next version of it. */
function draft(i: number): DomainEventDraft {
  const n = i % AGGREGATES;
  const opportunityId = `opp_bench_${String(n).padStart(6, '0')}`;
  return {
    type: 'OpportunityStageChanged',
    aggregateType: 'Opportunity',
    aggregateId: opportunityId,
    aggregateVersion: Math.floor(i / AGGREGATES) + 1,
    legalEntityId: 'US01',
    payload: { opportunityId, stage: 'PROPOSAL', from: 'QUALIFIED', to: 'PROPOSAL' },
  };
}

/** A capability call as the outbox sees it: its request, correlation id and traceparent are written. */
function call(i: number): CapabilityCall {
  const requestId = randomUUID();
  return {
    capability: 'crm.updateOpportunityStage',
    version: 1,
    financial: false,
    idempotencyKey: `bench-${i}`,
    principal: { sub: 'bench', scopes: new Set(), clientId: null, legalEntities: '*', partnerAccounts: null, roles: [] },
    requestId,
    correlationId: requestId,
    traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
    input: null,
  };
}

async function measure(kind: EventTransport['kind'], makeTransport: MakeTransport): Promise<LagResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-bench-events-${kind}-`));
  const store: StoreConfig = { kind: 'sqlite', dataDir };
  const crm = await openReferenceSystem(crmSystem, store);
  const integration = await openReferenceSystem(integrationSystem, store);
  const outbox = crm.db as unknown as Kysely<CapabilityTables>;
  const events = integration.db as unknown as Kysely<EventTables>;
  const clock = () => new Date();

  // The real delivery, watched: the lag is taken when a first (not duplicate) delivery has committed.
  const real = createDelivery({ db: events, clock, transport: kind, logger });
  const lags: number[] = [];
  let duplicates = 0;
  let failedAttempts = 0;
  let lastHandledAt = 0;
  let allHandled!: () => void;
  const done = new Promise<void>((resolve) => (allHandled = resolve));
  const delivery: Delivery = {
    ...real,
    async deliver(consumer, event, attempt, firstFailedAt) {
      const outcome = await real.deliver(consumer, event, attempt, firstFailedAt);
      if (outcome.kind !== 'handled') failedAttempts += 1;
      else if (outcome.duplicate) duplicates += 1;
      else {
        lastHandledAt = Date.now();
        lags.push(lastHandledAt - Date.parse(event.occurredAt));
        if (lags.length === EVENTS) allHandled();
      }
      return outcome;
    },
  };
  const consumer: EventConsumer = {
    name: 'bench-read-model',
    types: 'all',
    async handle(event, { trx }) {
      await claimNewerVersion(trx as Kysely<EventTables>, 'bench-read-model', event);
    },
  };

  const transport = await makeTransport(events, delivery, clock);
  const relay = createRelay({ sources: [{ system: 'crm', db: outbox }], transport, clock, batchSize: RELAY_BATCH, logger });
  try {
    await transport.start([consumer]);
    relay.start(RELAY_INTERVAL_MS);
    const firstWrite = Date.now();
    for (let i = 0; i < EVENTS; i += PER_WRITE) {
      const drafts = Array.from({ length: Math.min(PER_WRITE, EVENTS - i) }, (_, k) => draft(i + k));
      await insertOutboxEvents(outbox, drafts, call(i), new Date());
      if (WAKE) relay.wake();
    }
    const writeMs = Date.now() - firstWrite;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${kind}: ${lags.length} of ${EVENTS} events handled after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
    const elapsedMs = lastHandledAt - firstWrite;
    const inbox = await events
      .selectFrom('event_inbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const pending = await outbox
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow();
    return {
      transport: kind,
      events: lags.length,
      writeMs,
      elapsedMs,
      eventsPerSecond: Math.round((lags.length / elapsedMs) * 1000),
      lagMs: spread(lags),
      duplicates,
      failedAttempts,
      inboxRows: Number(inbox.n),
      unpublished: Number(pending.n),
    };
  } finally {
    await relay.stop();
    await transport.close();
    await crm.close();
    await integration.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const inProcess: MakeTransport = async (db, delivery, clock) => createInProcessTransport({ db, delivery, clock, logger });

function onNats(url: string, prefix: string): MakeTransport {
  return (_db, delivery, clock) =>
    createNatsTransport({ url, prefix, delivery, clock, logger, ...(NATS_BATCH === undefined ? {} : { batchSize: NATS_BATCH }) });
}

function row(result: LagResult) {
  return {
    transport: result.transport,
    events: result.events,
    'write ms': result.writeMs,
    'lag p50': result.lagMs.p50,
    'lag p95': result.lagMs.p95,
    'lag p99': result.lagMs.p99,
    'lag max': result.lagMs.max,
    'events/s': result.eventsPerSecond,
    duplicates: result.duplicates,
    'inbox rows': result.inboxRows,
  };
}

async function main(): Promise<void> {
  console.log(
    `event lag: ${EVENTS} events over ${AGGREGATES} aggregates, ${PER_WRITE} per write, ` +
      `relay batch ${RELAY_BATCH} every ${RELAY_INTERVAL_MS} ms${WAKE ? ' and woken per write' : ''}, ` +
      `NATS pull batch ${NATS_BATCH ?? 'default'}; Node ${process.version}, ${os.cpus().length} cores, load ${loadAverage()}`,
  );
  const results: LagResult[] = [await measure('in-process', inProcess)];
  const url = natsUrl();
  if (url === undefined) {
    console.log('NATS skipped: pass --nats [url] or set TESSERA_NATS_URL (e.g. nats://127.0.0.1:4222).');
  } else {
    const prefix = benchPrefix();
    try {
      results.push(await measure('nats', onNats(url, prefix)));
    } finally {
      await deleteStream(url, prefix);
    }
  }
  console.log(`\nload average after: ${loadAverage()}; latencies in ms, from occurred_at to the handled delivery committed\n`);
  console.table(results.map(row));
  const [local, nats] = results;
  const ratios =
    local && nats
      ? {
          p50: Math.round((nats.lagMs.p50 / local.lagMs.p50) * 100) / 100,
          p99: Math.round((nats.lagMs.p99 / local.lagMs.p99) * 100) / 100,
          throughput: Math.round((nats.eventsPerSecond / local.eventsPerSecond) * 100) / 100,
        }
      : null;
  if (ratios) console.log(`NATS / in-process: lag p50 ×${ratios.p50}, lag p99 ×${ratios.p99}, events/s ×${ratios.throughput}`);
  for (const result of results) {
    if (result.inboxRows !== EVENTS || result.unpublished !== 0 || result.failedAttempts !== 0) {
      console.error(
        `${result.transport}: ${result.inboxRows} inbox rows, ${result.unpublished} unpublished, ${result.failedAttempts} failed attempts`,
      );
      process.exitCode = 1;
    }
  }
  writeJson({
    benchmark: 'event-lag',
    machine: machine(),
    options: {
      events: EVENTS,
      aggregates: AGGREGATES,
      perWrite: PER_WRITE,
      relayBatch: RELAY_BATCH,
      relayIntervalMs: RELAY_INTERVAL_MS,
      wake: WAKE,
      natsBatch: NATS_BATCH ?? null,
    },
    results,
    natsOverInProcess: ratios,
  });
}

await main();
