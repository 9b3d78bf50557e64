/**
 * Millisecond settings that a timer waits for (timeouts, poll intervals): Node keeps a delay of at
 * most 2^31-1 ms (about 24.8 days) and fires a longer one after 1 ms, so a larger value would turn
 * "wait a long time" into "at once" (docs/production.md#what-production-refuses-at-start).
 */

/** The longest delay `setTimeout` honours. */
export const MAX_TIMER_MS = 2_147_483_647;

/** `value` of `key`, or a TypeError naming the variable when no timer can wait that long. */
export function timerMs(key: string, value: number): number {
  if (value > MAX_TIMER_MS) throw new TypeError(`${key} must be at most ${MAX_TIMER_MS} ms (about 24 days); got ${value}`);
  return value;
}
