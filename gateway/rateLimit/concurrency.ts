/**
 * In-flight requests per client, in this process (docs/rate-limits.md#concurrency). Kept in memory
 * even when rate limits are shared through Redis: what a request in flight holds (a socket, memory,
 * subgraph connections) belongs to the replica serving it, and a slot held in Redis would outlive a
 * replica that died with it.
 */
export interface ConcurrencyLimiter {
  /** Takes a slot for `client`: its release (idempotent), or null when `max` are in flight already. */
  acquire(client: string): (() => void) | null;
  /** Requests of `client` in flight now. */
  inFlight(client: string): number;
}

export function createConcurrencyLimiter(max: number): ConcurrencyLimiter {
  const counts = new Map<string, number>();
  return {
    acquire(client) {
      const current = counts.get(client) ?? 0;
      if (current >= max) return null;
      counts.set(client, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (counts.get(client) ?? 1) - 1;
        // A client with nothing in flight takes no memory.
        if (left === 0) counts.delete(client);
        else counts.set(client, left);
      };
    },
    inFlight: (client) => counts.get(client) ?? 0,
  };
}
