/**
 * The deliveries this process handed back to NATS with `nak(delay)`, until they come back
 * (docs/events.md#nats-transport). `drain()` uses them to tell "nothing more is due" from "a
 * retry is due but the server has not sent it yet": a retry is due when the transport's clock
 * (the one tests inject) has reached its time; the server redelivers it by the wall clock.
 */
export interface PendingRetry {
  readonly consumer: string;
  /** When it is due by the transport's clock (ms since the epoch). */
  readonly dueAt: number;
  /** When the server will redeliver it, by the wall clock (ms since the epoch). */
  readonly wallDueAt: number;
  /** When its first failed attempt was (kept with a dead letter). */
  readonly firstFailedAt: Date;
}

export class PendingRetries {
  readonly #byMessage = new Map<string, PendingRetry>();

  /** Remembers that the message `streamSequence` of `consumer` was nak'ed. */
  add(consumer: string, streamSequence: number, retry: Omit<PendingRetry, 'consumer'>): void {
    this.#byMessage.set(key(consumer, streamSequence), { consumer, ...retry });
  }

  /** The message came back: it is no longer pending; returns what was known of it, if anything. */
  take(consumer: string, streamSequence: number): PendingRetry | undefined {
    const id = key(consumer, streamSequence);
    const retry = this.#byMessage.get(id);
    this.#byMessage.delete(id);
    return retry;
  }

  /** The pending retries that are due at `now` (transport clock), by consumer. */
  due(now: number): ReadonlyMap<string, readonly PendingRetry[]> {
    const byConsumer = new Map<string, PendingRetry[]>();
    for (const retry of this.#byMessage.values()) {
      if (retry.dueAt > now) continue;
      const list = byConsumer.get(retry.consumer) ?? [];
      list.push(retry);
      byConsumer.set(retry.consumer, list);
    }
    return byConsumer;
  }

  /**
   * Forgets the retries of `consumer` the server should have redelivered by `wallNow - graceMs`
   * and did not send here: another process of the deployment took them, or they were settled there.
   */
  forgetOverdue(consumer: string, wallNow: number, graceMs: number): number {
    let forgotten = 0;
    for (const [id, retry] of this.#byMessage) {
      if (retry.consumer === consumer && retry.wallDueAt + graceMs < wallNow) {
        this.#byMessage.delete(id);
        forgotten += 1;
      }
    }
    return forgotten;
  }

  get size(): number {
    return this.#byMessage.size;
  }
}

function key(consumer: string, streamSequence: number): string {
  return `${consumer}\u0000${streamSequence}`;
}
