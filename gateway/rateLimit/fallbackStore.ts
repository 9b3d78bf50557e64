/**
 * A shared store with a local fallback (docs/rate-limits.md#when-redis-is-unavailable). When the
 * shared store (Redis) cannot answer, the step is taken in this process's memory instead: the
 * gateway keeps serving (a rate limiter must not turn a Redis outage into a gateway outage), and
 * each replica still holds every client to its limit on its own share of the traffic, so a client
 * gets at most replicas × limit while the outage lasts, never unlimited. Every failure is counted
 * (`tessera_rate_limit_store_errors_total`); the outage is logged once when it starts and once when
 * it ends, not once per request.
 */
import type { Logger } from '../../core/logger.ts';
import { createMemoryStore, type RateLimitStore } from './store.ts';

export interface FallbackStoreOptions {
  readonly shared: RateLimitStore;
  readonly logger: Logger;
  /** Called once per failed step of the shared store (the metric). */
  readonly onError: () => void;
}

export function createFallbackStore(options: FallbackStoreOptions): RateLimitStore {
  const local = createMemoryStore();
  let failing = false;
  return {
    async take(key, nowUs, parameters, cost) {
      try {
        const step = await options.shared.take(key, nowUs, parameters, cost);
        if (failing) {
          failing = false;
          options.logger.info('rate-limit store answers again: counters are shared by the gateway replicas again');
        }
        return step;
      } catch (error) {
        options.onError();
        if (!failing) {
          failing = true;
          options.logger.warn(
            { err: error },
            'rate-limit store unavailable: limits are counted in this process until it answers (each replica admits up to the limit)',
          );
        }
        return local.take(key, nowUs, parameters, cost);
      }
    },
    async close() {
      await Promise.all([options.shared.close(), local.close()]);
    },
  };
}
