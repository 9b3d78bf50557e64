/**
 * Tessera's share of a vendor org's API limit (docs/connectors.md#api-limits): a token bucket of
 * `perDay` requests that refills evenly over 24 hours, so a burst may spend what an idle hour
 * saved but a day never spends more than its share. The vendor's own count (Salesforce's
 * `Sforce-Limit-Info: api-usage=used/max`) is read into it too: once the org as a whole has used
 * `reserveShare` of its limit, Tessera stops before the people working in the org are locked out.
 * One budget per org, shared by every call to it in the process.
 */
import { ConnectorFailure } from './connectorFailure.ts';

const DAY_MS = 86_400_000;

export interface RequestBudgetOptions {
  /** Requests Tessera may make in 24 hours. */
  readonly perDay: number;
  /** The share (0 to 1) of the org's whole limit past which Tessera stops. @default 0.9 */
  readonly reserveShare?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface RequestBudget {
  /** Takes one request from the budget, or throws a `budget` ConnectorFailure naming `operation`. */
  take(vendor: string, operation: string): void;
  /** The org's own usage as the vendor reported it. */
  observe(used: number, max: number): void;
  /** What is left now (whole requests), for metrics and tests. */
  remaining(): number;
}

export function createRequestBudget(options: RequestBudgetOptions): RequestBudget {
  const now = options.now ?? Date.now;
  const reserveShare = options.reserveShare ?? 0.9;
  const perMs = options.perDay / DAY_MS;
  let tokens = options.perDay;
  let at = now();
  let orgExhausted = false;
  const refill = () => {
    const t = now();
    tokens = Math.min(options.perDay, tokens + (t - at) * perMs);
    at = t;
  };
  return {
    take(vendor, operation) {
      refill();
      if (orgExhausted || tokens < 1) throw new ConnectorFailure(vendor, operation, 'budget');
      tokens -= 1;
    },
    observe(used, max) {
      if (max > 0) orgExhausted = used >= max * reserveShare;
    },
    remaining() {
      refill();
      return Math.floor(tokens);
    },
  };
}
