/**
 * How the gateway calls its subgraphs (docs/resilience.md#configuration):
 * - `TESSERA_SUBGRAPH_CONNECTIONS` (64): keep-alive connections per subgraph origin (subgraphs served alone).
 * - `TESSERA_SUBGRAPH_TIMEOUT_MS` (10000): how long one subgraph fetch may take, its retries included.
 * - `TESSERA_SUBGRAPH_<NAME>_TIMEOUT_MS`: the same for one subgraph (`TESSERA_SUBGRAPH_ERP_TIMEOUT_MS`).
 * - `TESSERA_SUBGRAPH_BREAKER` (`5 failures, 30s open`): a subgraph's circuit opens after that many
 *   consecutive unavailable answers and stays open that long before one probe is let through; `off` disables it.
 * - `TESSERA_SUBGRAPH_RETRIES` (2): further attempts of a query fetch after a connect error or a 503 (never a mutation).
 * - `TESSERA_SUBGRAPH_RETRY_BACKOFF_MS` (50): the backoff before retry n is drawn from 0 to this × 2^(n-1) (full jitter).
 * - `TESSERA_SUBGRAPH_ERRORS` (`pass` in development, `mask` in production): whether a foreign subgraph's
 *   own error messages reach the client, or "The <name> subgraph answered with an error."
 */
import { timerMs } from './timerMs.ts';
import { oneOf, wholeNumber } from './parse.ts';

/** When a subgraph's circuit opens, and for how long (docs/resilience.md#circuit-breakers). */
export interface SubgraphBreakerConfig {
  /** Consecutive unavailable answers that open the circuit. */
  readonly failures: number;
  /** How long it stays open before one probe is let through. */
  readonly openMs: number;
}

export interface SubgraphResilienceConfig {
  /** `TESSERA_SUBGRAPH_CONNECTIONS`: connections per origin of the keep-alive pool. @default 64 */
  readonly connections: number;
  /** `TESSERA_SUBGRAPH_TIMEOUT_MS`: the bound on one subgraph fetch, retries included. @default 10000 */
  readonly timeoutMs: number;
  /** `TESSERA_SUBGRAPH_<NAME>_TIMEOUT_MS` by lower-case subgraph name. @default {} */
  readonly timeouts: Readonly<Record<string, number>>;
  /** `TESSERA_SUBGRAPH_BREAKER`; null when `off`. @default 5 failures, 30 s open */
  readonly breaker: SubgraphBreakerConfig | null;
  /** `TESSERA_SUBGRAPH_RETRIES`: retries of a query fetch. @default 2 */
  readonly retries: number;
  /** `TESSERA_SUBGRAPH_RETRY_BACKOFF_MS`: the base of the jittered exponential backoff. @default 50 */
  readonly retryBackoffMs: number;
  /** `TESSERA_SUBGRAPH_ERRORS`: foreign subgraph messages shown (`pass`) or replaced (`mask`). @default pass in development, mask in production */
  readonly errors: 'mask' | 'pass';
}

type Env = Readonly<Record<string, string | undefined>>;

/** `TESSERA_SUBGRAPH_<NAME>_TIMEOUT_MS`; the NAME is a subgraph's name in upper case. */
export const SUBGRAPH_TIMEOUT_VARIABLE = /^TESSERA_SUBGRAPH_([A-Z][A-Z0-9_]*)_TIMEOUT_MS$/;

const BREAKER = /^(\d+)\s+failures?\s*,\s*(\d+)\s*(ms|s|m)\s+open$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

export function readSubgraphResilienceConfig(env: Env, tesseraEnv: 'development' | 'production'): SubgraphResilienceConfig {
  const timeouts: Record<string, number> = {};
  for (const key of Object.keys(env).sort()) {
    const name = SUBGRAPH_TIMEOUT_VARIABLE.exec(key)?.[1];
    if (name && env[key]?.trim()) timeouts[name.toLowerCase()] = timerMs(key, wholeNumber(env, key, 10_000, 1));
  }
  const errors = oneOf(env, 'TESSERA_SUBGRAPH_ERRORS', ['mask', 'pass'], tesseraEnv === 'production' ? 'mask' : 'pass');
  return Object.freeze({
    connections: wholeNumber(env, 'TESSERA_SUBGRAPH_CONNECTIONS', 64, 1),
    timeoutMs: timerMs('TESSERA_SUBGRAPH_TIMEOUT_MS', wholeNumber(env, 'TESSERA_SUBGRAPH_TIMEOUT_MS', 10_000, 1)),
    timeouts: Object.freeze(timeouts),
    breaker: breaker(env.TESSERA_SUBGRAPH_BREAKER?.trim() || '5 failures, 30s open'),
    retries: wholeNumber(env, 'TESSERA_SUBGRAPH_RETRIES', 2, 0),
    retryBackoffMs: wholeNumber(env, 'TESSERA_SUBGRAPH_RETRY_BACKOFF_MS', 50, 0),
    errors,
  });
}

/** The timeout of one subgraph: its own variable, else the general one. */
export function subgraphTimeoutMs(config: SubgraphResilienceConfig, subgraph: string): number {
  return config.timeouts[subgraph.toLowerCase()] ?? config.timeoutMs;
}

function breaker(raw: string): SubgraphBreakerConfig | null {
  if (raw === 'off') return null;
  const match = BREAKER.exec(raw);
  const failures = Number(match?.[1]);
  const openMs = Number(match?.[2]) * UNIT_MS[(match?.[3] ?? 'ms') as keyof typeof UNIT_MS];
  if (!match || failures < 1 || openMs < 1 || !Number.isSafeInteger(openMs)) {
    throw new TypeError(
      `TESSERA_SUBGRAPH_BREAKER must be "<n> failures, <duration> open" (like "5 failures, 30s open") or off; got ${JSON.stringify(raw)}`,
    );
  }
  return Object.freeze({ failures, openMs });
}
