/**
 * The world the fault tests run in (docs/processes.md#opportunity-to-project): one embedded Tessera
 * on a store of the suite's own (SQLite, PostgreSQL; in-process or NATS transport), with a test clock,
 * the process engine's loops off (`drain()` moves it), and two fault seams the test sets per case:
 * `faults.fetch` wraps the fetcher the saga steps call the systems with, `faults.afterCall` runs after
 * a step's capability call answered and before its outcome is recorded. `restart(owner)` stops the
 * whole Tessera (the process dying) and starts a new one on the same stores with a new executor owner.
 */
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { TesseraConfig } from '../../../core/config/config.ts';
import type { OpenSystems } from '../../../systems/systems.ts';
import { startTestTessera, type GraphQLBody, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';

export const LEGAL_ENTITY = 'le_UK01';
export const CURRENCY = 'GBP';
export const OPS = { sub: 'olga.ops', scope: 'ops:read ops:write crm:read psa:read erp:read', legal_entities: '*' as const };
export const SALES = { sub: 'sam.sales', scope: 'crm:read crm:write', legal_entities: '*' as const };
export const DIRECTOR = { sub: 'dana.director', scope: 'crm:read crm:write', legal_entities: '*' as const };
/** Credit control: places and releases credit holds (docs/capabilities.md#placecredithold-releasecredithold). */
export const FINANCE = { sub: 'fay.finance', scope: 'erp:read erp:write', legal_entities: '*' as const };
/** Who a call is made as. */
export type Who = 'ops' | 'sales' | 'director' | 'finance';

/** A step's call as the fault seam sees it: the mutation's field and its idempotency key (null for a read). */
export interface StepCall {
  readonly field: string | null;
  readonly key: string | null;
}

export interface Faults {
  /** Answers a step's call instead of (or around) `next`; null: calls go through. */
  fetch: ((call: StepCall, next: () => Promise<FetcherResponse>) => Promise<FetcherResponse>) | null;
  /** Throwing here is the process dying inside a step; null: nothing happens. */
  afterCall: ((processId: string, step: string) => void) | null;
}

export interface World {
  readonly tessera: TestTessera;
  readonly systems: OpenSystems;
  readonly faults: Faults;
  readonly dialect: 'sqlite' | 'postgres';
  /** The clock of the gateway, the capabilities and the process engine. */
  now(): Date;
  advance(ms: number): void;
  /** Relay, deliver and run steps until nothing moves. */
  drain(): Promise<number>;
  /** Stops this Tessera (its engine with it) and starts another on the same stores, its executor named `owner`. */
  restart(owner: string): Promise<void>;
  /** A GraphQL request answered without errors; its data. */
  gql<T>(query: string, variables: Record<string, unknown>, token: Who): Promise<T>;
  /** The raw body (errors included). */
  raw(query: string, variables: Record<string, unknown>, token: Who): Promise<GraphQLBody>;
  close(): Promise<void>;
}

export interface WorldOptions {
  readonly makeStore: () => Promise<TempStore>;
  readonly config?: Partial<TesseraConfig>;
  /** Run after the store is removed (NATS: delete the stream). */
  readonly cleanup?: () => Promise<void>;
}

function stepCallOf(init: FetcherRequestInit | undefined): StepCall {
  try {
    const body = JSON.parse(String(init?.body ?? '{}')) as { query?: string; variables?: { input?: { idempotencyKey?: string } } };
    const field = /^\s*mutation\b[^{]*\{\s*(\w+)/.exec(body.query ?? '')?.[1] ?? null;
    return { field, key: field ? (body.variables?.input?.idempotencyKey ?? null) : null };
  } catch {
    return { field: null, key: null };
  }
}

export async function openWorld(options: WorldOptions): Promise<World> {
  const store = await options.makeStore();
  let clockMs = Date.now();
  const now = () => new Date(clockMs);
  const faults: Faults = { fetch: null, afterCall: null };
  const wrapFetcher =
    (next: Fetcher): Fetcher =>
    (url, init) => {
      const seam = faults.fetch;
      return seam ? seam(stepCallOf(init), () => next(url, init)) : next(url, init);
    };
  const start = (owner: string) =>
    startTestTessera({
      scale: 's',
      store,
      now,
      ...(options.config ? { config: options.config } : {}),
      processEngine: {
        loops: false,
        random: () => 0,
        deliveryRetry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
        executor: { owner, afterCall: (processId, step) => faults.afterCall?.(processId, step) },
        wrapFetcher,
      },
    });
  let tessera = await start('executor:first');
  const tokens = new Map<string, string>();
  const tokenOf = async (who: Who) => {
    if (!tokens.has(who)) tokens.set(who, await tessera.token({ ops: OPS, sales: SALES, director: DIRECTOR, finance: FINANCE }[who], 3600));
    return tokens.get(who)!;
  };
  const raw = async (query: string, variables: Record<string, unknown>, who: Who) => tessera.query(query, variables, await tokenOf(who));
  return {
    get tessera() {
      return tessera;
    },
    get systems() {
      return tessera.tessera.systems as OpenSystems;
    },
    faults,
    dialect: store.store.kind,
    now,
    advance(ms) {
      clockMs += ms;
    },
    drain: () => tessera.tessera.drain(),
    async restart(owner) {
      await tessera.stop();
      tokens.clear();
      tessera = await start(owner);
    },
    raw,
    async gql<T>(query: string, variables: Record<string, unknown>, who: Who) {
      const body = await raw(query, variables, who);
      if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
      return body.data as T;
    },
    async close() {
      await tessera.stop();
      await store.remove();
      await options.cleanup?.();
    },
  };
}

/** A 503 with a GraphQL error body, as a gateway or load balancer in front of a system answers. */
export function unavailable(): FetcherResponse {
  return new Response(JSON.stringify({ errors: [{ message: 'Service Unavailable', extensions: { code: 'DOWNSTREAM_UNAVAILABLE' } }] }), {
    status: 503,
    headers: { 'content-type': 'application/json' },
  }) as unknown as FetcherResponse;
}
