/**
 * The process engine (docs/processes.md#run-modes): the relay over the local systems' outboxes, the
 * event transport (in-process by default; NATS JetStream when `TESSERA_NATS_URL` is set), the
 * consumers on the integration store (the sagas, and the areas' consumers), and the saga executor.
 * Embedded mode starts it; `tessera serve integration` starts it without a relay of its own
 * (`tessera serve relay` relays). `drain()` runs relay, transport and executor until nothing moves
 * (tests, the benchmark, shutdown); `stop()` stops the loops, lets the step under way be recorded,
 * and closes the transport. Its loop also ticks the billing-run and reconciliation schedules
 * (docs/processes.md#schedules); `tickSchedules(now)` ticks them once (tests). It only wires parts together.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { PeerTransport } from '../systems/kernel/capability/peers.ts';
import type { CapabilityTables } from '../systems/kernel/capability/tables.ts';
import { createDelivery } from '../systems/kernel/events/delivery.ts';
import { createInProcessTransport } from '../systems/kernel/events/inProcessTransport.ts';
import { createNatsTransport } from '../systems/kernel/events/nats/natsTransport.ts';
import { createRelay, type Relay, type RelaySource } from '../systems/kernel/events/relay.ts';
import type { EventTables } from '../systems/kernel/events/tables.ts';
import type { EventConsumer, EventTransport, RetryPolicy } from '../systems/kernel/events/transport.ts';
import { attachRedelivery } from '../systems/integration/deadLetters/redelivery.ts';
import { createSagaConsumer, SAGA_CONSUMER } from '../systems/integration/process/consumer.ts';
import { createExecutor, type Executor, type ExecutorOptions } from '../systems/integration/process/executor.ts';
import type { ProcessTables } from '../systems/integration/process/tables.ts';
import { SAGAS } from '../systems/integration/sagas/index.ts';
import { cashConsumer, importInvoices, type CashTables } from '../systems/integration/sagas/cash.ts';
import { createWebhookArea } from '../systems/integration/webhooks/area.ts';
import { createBillingRunDriver } from '../systems/integration/billingRun/driver.ts';
import { billingRunPeers } from '../systems/integration/billingRun/peerCalls.ts';
import { integrationSystemPeers } from '../systems/integration/systemPeers.ts';
import type { BillingRunTables } from '../systems/integration/billingRun/tables.ts';
import { exportProcessStates } from '../systems/integration/process/processMetrics.ts';
import { exportDeadLetterDepth } from '../systems/kernel/events/deadLetters.ts';
import { createSchedules, type ScheduleTick } from './schedules.ts';

export interface ProcessEngineOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  /** The integration system's store (consumers' tables and process state). */
  readonly store: Kysely<unknown>;
  /** The outboxes to relay (none: another process relays). */
  readonly sources: readonly RelaySource[];
  /** How the executor reaches the systems' subgraphs. */
  readonly peers: PeerTransport;
  readonly clock?: () => Date;
  readonly random?: () => number;
  readonly metrics?: Metrics;
  /** Consumers of the areas (webhooks, ...) beside the sagas. */
  readonly consumers?: readonly EventConsumer[];
  readonly deliveryRetry?: RetryPolicy;
  /** Executor options the tests set (lease, owner, call timeout, fault injection). */
  readonly executor?: Partial<Pick<ExecutorOptions, 'leaseMs' | 'owner' | 'callTimeoutMs' | 'afterCall' | 'retry'>>;
  /**
   * Loop intervals; `false` runs no loop (tests drive `drain()` and `tickSchedules(now)`).
   * @default { relayMs: 200, executorMs: 500, scheduleMs: 60000 }
   */
  readonly loops?: { readonly relayMs: number; readonly executorMs: number; readonly scheduleMs?: number } | false;
}

export interface ProcessEngine {
  readonly transport: EventTransport;
  readonly relay: Relay | null;
  readonly executor: Executor;
  /** Relay, deliver and run steps until a whole round moves nothing; resolves with the number of rounds. */
  drain(maxRounds?: number): Promise<number>;
  /** Ticks the billing-run and reconciliation schedules at `now` once: what it started, or found started under the schedule's key. */
  tickSchedules(now: Date): Promise<ScheduleTick>;
  /** Sets the gauges read from the store (dead letters, process states) on `metrics` (docs/processes.md#metrics); a no-op without metrics. */
  refreshMetrics(): Promise<void>;
  /** Takes every ERP invoice into the cash read model (done once at start when the loops run); how many rows changed. */
  importCash(): Promise<number>;
  /** Settles once the start-up import of the cash read model has (benchmarks measure after it); at once without loops. */
  readonly cashImported: Promise<void>;
  stop(): Promise<void>;
}

/** The schedules' trigger times are minutes: a tick a minute starts a due run within a minute. */
const SCHEDULE_TICK_MS = 60_000;

export async function startProcessEngine(options: ProcessEngineOptions): Promise<ProcessEngine> {
  const { config, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const store = options.store as Kysely<EventTables>;
  const kind = config.nats ? 'nats' : 'in-process';
  const delivery = createDelivery({
    db: store,
    clock,
    transport: kind,
    ...(options.random ? { random: options.random } : {}),
    ...(options.deliveryRetry ? { retry: options.deliveryRetry } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    logger,
  });
  const transport: EventTransport = config.nats
    ? await createNatsTransport({
        url: config.nats.servers.join(','),
        ...(config.nats.credsFile ? { credsFile: config.nats.credsFile } : {}),
        prefix: config.nats.streamPrefix,
        // No loops: nothing is delivered in the background either, `drain()` delivers (tests).
        ...(options.loops === false ? { background: false } : {}),
        delivery,
        clock,
        logger,
      })
    : createInProcessTransport({ db: store, delivery, clock, logger, ...(options.loops === false ? { background: false } : {}) });
  const executor = createExecutor({
    db: options.store as Kysely<ProcessTables>,
    definitions: SAGAS,
    peers: options.peers,
    clock,
    logger,
    ...(options.random ? { random: options.random } : {}),
    ...options.executor,
  });
  const loops = options.loops ?? { relayMs: 200, executorMs: 500 };
  const webhooks = createWebhookArea({ ...options, environment: config.env, clock });
  // Month-end billing runs started through the graph are advanced here (docs/processes.md#billing-run).
  const billingRuns = createBillingRunDriver({
    db: options.store as Kysely<BillingRunTables>,
    peers: billingRunPeers(integrationSystemPeers(options.peers, () => `billing-run:${randomUUID()}`)),
    clock,
    logger,
    ...(options.random ? { random: options.random } : {}),
  });
  // The schedules start runs through the integration system's capabilities (docs/processes.md#schedules).
  const schedules = createSchedules({
    billingRun: config.billingRunSchedule,
    reconciliation: config.reconciliationSchedule,
    peers: options.peers,
    clock,
    logger,
  });
  const cash = cashConsumer(options.peers) as EventConsumer;
  await transport.start([
    createSagaConsumer(SAGAS, () => (loops ? void executor.runDue().catch(() => undefined) : undefined)),
    cash,
    webhooks.consumer,
    ...(options.consumers ?? []),
  ]);
  // Dead-letter replays through the graph go back through this transport (docs/events.md#dead-letters).
  const detachRedelivery = attachRedelivery(options.store, transport);
  const relay =
    options.sources.length === 0
      ? null
      : createRelay({
          sources: options.sources.map((source) => ({ system: source.system, db: source.db as Kysely<CapabilityTables> })),
          transport,
          clock,
          logger,
          ...(options.metrics ? { metrics: options.metrics } : {}),
        });
  const importCash = () =>
    importInvoices(
      integrationSystemPeers(options.peers, () => `cash-import:${randomUUID()}`),
      options.store as Kysely<CashTables>,
      clock,
    );
  let imported: Promise<unknown> = Promise.resolve();
  if (loops) {
    // Invoices seeded or released before the cash consumer ran join the read model once, in the background (docs/processes.md#cash).
    imported = importCash().then(
      (invoices) => logger.info({ invoices }, 'cash read model: ERP invoices imported'),
      (error: unknown) => logger.warn({ err: error }, 'cash read model: ERP invoices not imported; events keep it current from now on'),
    );
    relay?.start(loops.relayMs);
    executor.start(loops.executorMs);
    webhooks.dispatcher.start(loops.executorMs);
    billingRuns.start(loops.executorMs);
    schedules.start(loops.scheduleMs ?? SCHEDULE_TICK_MS);
  }
  return {
    transport,
    relay,
    executor,
    async drain(maxRounds = 100) {
      for (let round = 1; round <= maxRounds; round += 1) {
        const relayed = relay ? await relay.runOnce() : 0;
        const delivered = await transport.drain();
        const stepped = await executor.runDue();
        const sent = await webhooks.dispatcher.drain();
        const billed = await billingRuns.drain();
        if (relayed + delivered + stepped + sent + billed === 0) return round;
      }
      throw new Error(`the process engine did not settle in ${maxRounds} rounds`);
    },
    tickSchedules: (now) => schedules.tick(now),
    async refreshMetrics() {
      if (!options.metrics) return;
      const consumers = [SAGA_CONSUMER, cash.name, webhooks.consumer.name, ...(options.consumers ?? []).map((consumer) => consumer.name)];
      await exportDeadLetterDepth(store, options.metrics, consumers);
      await exportProcessStates(
        options.store as Kysely<ProcessTables>,
        options.metrics,
        SAGAS.map((saga) => saga.kind),
      );
    },
    importCash,
    cashImported: imported.then(() => undefined),
    async stop() {
      detachRedelivery();
      await imported;
      await schedules.stop();
      await relay?.stop();
      await executor.stop();
      await webhooks.dispatcher.stop();
      await billingRuns.stop();
      await transport.close();
    },
  };
}
