/**
 * Where rate-limit state lives (docs/rate-limits.md#stores): process memory by default, Redis when
 * several gateway replicas must share it. Every store applies the same GCRA step atomically per key.
 */
import { gcraStep, type GcraParameters, type GcraStep } from './gcra.ts';

export interface RateLimitStore {
  /** Applies one GCRA step of `cost` to `key` at `nowUs`, atomically. Rejects when the store cannot answer. */
  take(key: string, nowUs: number, parameters: GcraParameters, cost: number): Promise<GcraStep>;
  close(): Promise<void>;
}

/** How many steps pass between two sweeps of expired keys. */
const SWEEP_EVERY = 1024;

/**
 * The store of one process: a map from key to TAT. Keys whose TAT has passed hold nothing a new
 * key would not, so a sweep every `SWEEP_EVERY` steps drops them and memory follows the clients
 * active within one window.
 */
export function createMemoryStore(): RateLimitStore & { readonly size: () => number } {
  const tats = new Map<string, number>();
  let steps = 0;
  return {
    async take(key, nowUs, parameters, cost) {
      steps += 1;
      if (steps % SWEEP_EVERY === 0) {
        for (const [stored, tat] of tats) if (tat <= nowUs) tats.delete(stored);
      }
      const step = gcraStep(tats.get(key), nowUs, parameters, cost);
      if (step.allowed) tats.set(key, step.tatUs);
      return step;
    },
    async close() {
      tats.clear();
    },
    size: () => tats.size,
  };
}
