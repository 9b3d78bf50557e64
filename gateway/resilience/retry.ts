/**
 * The backoff between attempts of a query fetch (docs/resilience.md#retries): full jitter, a
 * delay drawn from 0 to `backoffMs × 2^(retry-1)`, cut short when the fetch's deadline passes.
 */

/** Milliseconds to wait before retry number `retry` (1 for the first). */
export function backoffDelay(retry: number, backoffMs: number, random: () => number): number {
  return Math.floor(random() * backoffMs * 2 ** (retry - 1));
}

/** Resolves after `ms`, or as soon as `signal` aborts (without rejecting: the caller checks it). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One fetch's deadline (docs/resilience.md#timeouts): its timeout, or the request's own end, whichever comes first. */
export interface FetchDeadline {
  readonly signal: AbortSignal;
  /** Whether the timeout (not the request's end) aborted it. */
  timedOut(): boolean;
  /** Frees the timer once the fetch is over. */
  clear(): void;
}

export function fetchDeadline(timeoutMs: number, request: AbortSignal | undefined): FetchDeadline {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  return {
    signal: request ? AbortSignal.any([timeout.signal, request]) : timeout.signal,
    timedOut: () => timeout.signal.aborted,
    clear: () => clearTimeout(timer),
  };
}
