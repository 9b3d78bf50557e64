/**
 * The saga executor (docs/processes.md#executor): claims a due process with a lease, runs its
 * current step, and records the outcome through the pure transitions (transitions.ts). The step is
 * recorded RUNNING (attempt, idempotency key) before its capability call, and its outcome after:
 * an executor that dies in between leaves the lease to expire, and the next one calls again with
 * the same key, which the owning system answers by replaying, never by repeating.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from '../../../core/logger.ts';
import { newSpanId } from '../../../core/http/traceContext.ts';
import type { PeerTransport } from '../../kernel/capability/peers.ts';
import { createCapabilityClient } from './capabilityClient.ts';
import type { SagaDefinition, StepContext, StepDefinition, StepOutcome } from './definition.ts';
import { claimDue, LeaseLost, stepsOf, writeChange } from './processStore.ts';
import type { ProcessInstanceRow, ProcessTables } from './tables.ts';
import { compensationTransition, forwardTransition, type Outcome, type RetryPolicy, type Transition } from './transitions.ts';
import type { ProcessStatus, StepStatus } from './types.ts';

export interface ExecutorOptions {
  readonly db: Kysely<ProcessTables>;
  readonly definitions: readonly SagaDefinition[];
  readonly peers: PeerTransport;
  readonly clock: () => Date;
  readonly logger: Logger;
  /** In [0, 1): the retry jitter. @default Math.random */
  readonly random?: () => number;
  readonly retry?: RetryPolicy;
  /** How long a claimed process is this executor's. @default 60 s */
  readonly leaseMs?: number;
  /** This executor's name in `lease_owner`. @default a new UUID */
  readonly owner?: string;
  /** How long a capability call may take. @default 30 s */
  readonly callTimeoutMs?: number;
  /**
   * Fault injection for the crash tests: called after a step's capability call answered and before
   * its outcome is recorded; throwing here is the process dying inside the step.
   */
  readonly afterCall?: (processId: string, step: string) => void;
}

export interface Executor {
  /** Runs due steps until none is due now; resolves with how many steps ran. */
  runDue(): Promise<number>;
  /** Runs `runDue` every `intervalMs` until `stop`. */
  start(intervalMs: number): void;
  /** Stops the loop; resolves once the step under way (if any) is recorded. */
  stop(): Promise<void>;
}

export function createExecutor(options: ExecutorOptions): Executor {
  const { db, clock, logger } = options;
  const owner = options.owner ?? `executor:${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const random = options.random ?? Math.random;
  const definitions = new Map(options.definitions.map((definition) => [definition.kind, definition]));
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(run: () => Promise<T>): Promise<T> => {
    const turn = tail.then(run);
    tail = turn.catch(() => undefined);
    return turn;
  };

  const stepContext = (row: ProcessInstanceRow, step: StepDefinition): StepContext => ({
    processId: row.id,
    context: JSON.parse(row.context_json) as Record<string, unknown>,
    idempotencyKey: `process:${row.id}:${step.name}`,
    client: createCapabilityClient(
      { ...options.peers, ...(options.callTimeoutMs ? { timeoutMs: options.callTimeoutMs } : {}) },
      {
        correlationId: row.correlation_id,
        traceparent: `00-${row.trace_id}-${newSpanId()}-01`,
        unblocked: (JSON.parse(row.context_json) as { unblocked?: Record<string, number> }).unblocked?.[step.name] ?? 0,
      },
    ),
  });

  async function settle(run: () => Promise<StepOutcome | 'waiting'>): Promise<StepOutcome | 'waiting'> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      return { kind: 'transient', code: 'DOWNSTREAM_UNAVAILABLE', message: (error as Error).message };
    }
  }

  async function visit(row: ProcessInstanceRow): Promise<void> {
    const definition = definitions.get(row.kind);
    if (!definition) throw new Error(`no saga definition of kind ${row.kind}`);
    const steps = stepsOf(db, row.id);
    const index = definition.steps.findIndex((step) => step.name === row.current_step);
    const step = definition.steps[index]!;
    const stepRow = (await steps).get(step.name)!;
    let version = row.version;
    const now = clock();
    const compensating = row.status === 'COMPENSATING';
    const ctx = stepContext(row, step);
    const attempts = stepRow.attempts + 1;
    version = await writeChange(
      db,
      row.id,
      version,
      { updated_at: now.toISOString() },
      {
        name: step.name,
        values: {
          status: compensating
            ? stepRow.status
            : step.kind === 'call'
              ? 'RUNNING'
              : stepRow.status === 'PENDING'
                ? 'WAITING'
                : stepRow.status,
          attempts,
          started_at: stepRow.started_at ?? now.toISOString(),
          idempotency_key: step.kind === 'call' ? (compensating ? `${ctx.idempotencyKey}:compensate` : ctx.idempotencyKey) : null,
        },
      },
    );
    const outcome = await settle(() =>
      compensating
        ? (step as { compensate: (c: StepContext) => Promise<StepOutcome> }).compensate({
            ...ctx,
            idempotencyKey: `${ctx.idempotencyKey}:compensate`,
          })
        : step.kind === 'call'
          ? step.run(ctx)
          : step.satisfied(ctx),
    );
    options.afterCall?.(row.id, step.name);
    const done = clock();
    const result: Outcome = outcome === 'waiting' ? { kind: 'waiting' } : outcome;
    const state = {
      status: row.status as ProcessStatus,
      stepIndex: index,
      stepCount: definition.steps.length,
      version,
      blocked: null,
    };
    const stepState = { status: stepRow.status as StepStatus, attempts };
    const doneSteps = definition.steps.slice(0, index).filter((candidate) => candidate.kind === 'call' && candidate.compensate);
    const transition: Transition = compensating
      ? compensationTransition(state, stepState, result, compensableBefore(definition, index).length, {
          random: random(),
          ...(options.retry ? { policy: options.retry } : {}),
        })
      : forwardTransition(state, stepState, result, {
          canCompensate: doneSteps.length > 0,
          random: random(),
          ...(options.retry ? { policy: options.retry } : {}),
        });
    const next = transition.process;
    let currentStep: string | null = definition.steps[next.stepIndex]!.name;
    if (transition.compensate) {
      const candidates = compensating ? compensableBefore(definition, index) : doneSteps;
      currentStep = candidates.at(-1)?.name ?? null;
    }
    if (next.status === 'COMPLETED' || next.status === 'COMPENSATED') currentStep = null;
    const context =
      outcome !== 'waiting' && outcome.kind === 'done' && outcome.context ? { ...ctx.context, ...outcome.context } : ctx.context;
    const error =
      outcome !== 'waiting' && outcome.kind !== 'done'
        ? { code: outcome.code, message: 'message' in outcome ? outcome.message : outcome.reason }
        : null;
    const finished = next.status === 'COMPLETED' || next.status === 'COMPENSATED';
    await writeChange(
      db,
      row.id,
      version,
      {
        status: next.status,
        current_step: currentStep,
        context_json: JSON.stringify(context),
        blocked_code: next.blocked?.code ?? null,
        blocked_reason: next.blocked?.reason ?? null,
        blocked_owner: next.blocked?.owner ?? null,
        next_run_at: transition.runAfterMs === null ? null : new Date(done.getTime() + transition.runAfterMs).toISOString(),
        lease_owner: null,
        lease_until: null,
        updated_at: done.toISOString(),
        finished_at: finished ? done.toISOString() : null,
      },
      {
        name: step.name,
        values: {
          status: transition.step.status,
          request_id: ctx.client.requestIds.at(-1) ?? stepRow.request_id,
          error_code: error?.code ?? null,
          error_message: error?.message ?? null,
          finished_at: transition.stepFinished ? done.toISOString() : null,
          retry_at:
            transition.runAfterMs !== null && transition.step.status === 'PENDING'
              ? new Date(done.getTime() + transition.runAfterMs).toISOString()
              : null,
        },
      },
      outcome !== 'waiting' && outcome.kind === 'done' ? (outcome.links ?? []) : [],
    );
    logger.info({ processId: row.id, kind: row.kind, step: step.name, outcome: result.kind, status: next.status }, 'saga step');
  }

  async function runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      if (stopped) return ran;
      const row = await claimDue(db, owner, clock(), leaseMs);
      if (!row) return ran;
      try {
        await visit(row);
      } catch (error) {
        if (!(error instanceof LeaseLost)) throw error;
        logger.warn({ processId: row.id }, 'saga step: the process changed under the executor; it looks again');
      }
      ran += 1;
    }
  }

  return {
    runDue: () => exclusive(runDue),
    start(intervalMs) {
      stopped = false;
      const loop = () => {
        timer = setTimeout(() => {
          exclusive(runDue)
            .catch((error: unknown) => logger.error({ err: error }, 'saga executor pass failed'))
            .finally(() => {
              if (!stopped) loop();
            });
        }, intervalMs);
        timer.unref();
      };
      loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await tail;
    },
  };
}

/** The done steps with a compensation before `index`, in step order. */
function compensableBefore(definition: SagaDefinition, index: number): StepDefinition[] {
  return definition.steps.slice(0, index).filter((step) => step.kind === 'call' && step.compensate);
}
