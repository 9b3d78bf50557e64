/**
 * The generic cell rate algorithm (GCRA), as every store applies it (docs/rate-limits.md#algorithm).
 * A limit of `count` per `window` lets one request through every `interval = window / count`, with
 * bursts of up to `count` at once. Its whole state per key is one number, the theoretical arrival
 * time (TAT): when the key would be back to an empty history. A request of `cost` is admitted when
 * `max(TAT, now) + cost × interval - now <= capacity` (`capacity = count × interval`), and then the
 * TAT moves to that sum; a refused request changes nothing. Times are whole microseconds, so the
 * in-memory store and the Redis script (Lua numbers are doubles) compute exactly the same values.
 */
import type { RateLimitRule } from '../../core/config/rateLimits.ts';

/** The parameters one GCRA step needs, in microseconds. */
export interface GcraParameters {
  readonly intervalUs: number;
  readonly capacityUs: number;
}

/** What a store returns for one step: whether it admitted, and the key's TAT after it. */
export interface GcraStep {
  readonly allowed: boolean;
  /** After an admission the new TAT; after a refusal `max(TAT, now)`, unchanged in the store. */
  readonly tatUs: number;
}

/** What a client is told of one policy after a step (the `RateLimit` header, and a refusal's `Retry-After`). */
export interface GcraVerdict {
  readonly allowed: boolean;
  /** Requests that would be admitted right now, after this one. */
  readonly remaining: number;
  /** Seconds until the next request's worth of quota returns: within them, no more than `remaining`. */
  readonly resetSeconds: number;
  /** On a refusal, seconds until this request would be admitted (`Retry-After`); 0 when admitted. */
  readonly retryAfterSeconds: number;
}

const MICROS = 1_000_000;

/** The interval rounds up, so `count` per window is never exceeded; the capacity is `count` intervals exactly. */
export function gcraParameters(rule: RateLimitRule): GcraParameters {
  const intervalUs = Math.ceil((rule.windowSeconds * MICROS) / rule.count);
  return { intervalUs, capacityUs: intervalUs * rule.count };
}

/** One step on a stored TAT (undefined: a key never seen, or expired). The Redis script mirrors this line by line. */
export function gcraStep(storedTatUs: number | undefined, nowUs: number, parameters: GcraParameters, cost: number): GcraStep {
  const tat = Math.max(storedTatUs ?? 0, nowUs);
  const next = tat + parameters.intervalUs * cost;
  if (next - nowUs > parameters.capacityUs) return { allowed: false, tatUs: tat };
  return { allowed: true, tatUs: next };
}

/** How long a key must be kept after a step: once `now` passes its TAT it equals a key never seen. */
export function gcraTtlMs(tatUs: number, nowUs: number): number {
  return Math.max(1, Math.ceil((tatUs - nowUs) / 1000));
}

/** The verdict of a step, from the store's answer alone (so both stores tell clients the same). */
export function gcraVerdict(step: GcraStep, nowUs: number, parameters: GcraParameters, cost: number): GcraVerdict {
  const { intervalUs, capacityUs } = parameters;
  const used = Math.max(0, step.tatUs - nowUs);
  const remaining = Math.max(0, Math.floor((capacityUs - used) / intervalUs));
  // The next unit returns when `used` has shrunk to `capacity - (remaining + 1) × interval`.
  const nextUnitUs = used - (capacityUs - (remaining + 1) * intervalUs);
  if (step.allowed) return { allowed: true, remaining, resetSeconds: seconds(nextUnitUs), retryAfterSeconds: 0 };
  // Admitted once `tat + cost × interval - later <= capacity`.
  const retryUs = step.tatUs + cost * intervalUs - capacityUs - nowUs;
  const retryAfterSeconds = seconds(retryUs);
  return { allowed: false, remaining, resetSeconds: retryAfterSeconds, retryAfterSeconds };
}

/** Whole seconds, rounded up, at least 1: `Retry-After` and `t` are delay-seconds, and 0 would invite a retry that fails. */
function seconds(us: number): number {
  return Math.max(1, Math.ceil(us / MICROS));
}
