/**
 * Per-client rate limits, per-client capability limits and concurrency caps (docs/rate-limits.md).
 * `admit` runs in the HTTP layer once the caller is known, before any GraphQL work: the concurrency
 * slot first (local, no I/O), then the client's rate limit. `capabilities` runs in the capability
 * limit plugin, once every other check has passed. General: it knows clients and capability names,
 * never which ones Tessera ships.
 */
import type { RateLimitRule, RateLimitsConfig } from '../../core/config/rateLimits.ts';
import { tesseraError } from '../../core/errors.ts';
import { createConcurrencyLimiter } from './concurrency.ts';
import { gcraParameters, gcraVerdict, type GcraVerdict } from './gcra.ts';
import { rateLimitHeaders, RETRY_AFTER_HEADER, type LimitItem, type PolicyItem } from './headers.ts';
import type { RateLimitStore } from './store.ts';

/** Which limit refused a request (`extensions.limit`, and the label of `tessera_rate_limit_refusals_total`). */
export type LimitKind = 'client' | 'capability' | 'concurrency';

/** A 429 answer, complete but for its content type. */
export interface RateLimitRefusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The one formatted error, `{ message, extensions: { code: 'RATE_LIMITED', limit, retryAfter } }`. */
  readonly error: { readonly message: string; readonly extensions: Readonly<Record<string, unknown>> };
}

/** What the HTTP layer does with a request: refuse it, or run it and add `headers` to its answer. */
export interface Admission {
  readonly refusal: RateLimitRefusal | null;
  /** `RateLimit-Policy` and `RateLimit` for every answer to this request. */
  readonly headers: Readonly<Record<string, string>>;
  /** Frees the concurrency slot; idempotent. Call it when the request is answered, whatever happened. */
  release(): void;
}

/** Admits a request of `client` (`clientIdOf`), once the caller is known. */
export type Admit = (client: string) => Promise<Admission>;

/** A request nothing limits. */
export const ADMITTED: Admission = Object.freeze({ refusal: null, headers: {}, release: () => {} });

/** A refusal as the HTTP layer sends it, in the response's media type (`contentType` without charset). */
export function refusalResponse(
  refusal: RateLimitRefusal,
  contentType: string,
): { readonly status: number; readonly headers: Record<string, string>; readonly body: string } {
  return {
    status: refusal.status,
    headers: { ...refusal.headers, 'content-type': `${contentType}; charset=utf-8` },
    body: JSON.stringify({ errors: [refusal.error] }),
  };
}

/** The capability limits of one operation: the headers of its answer, and a refusal when one is over. */
export interface CapabilityOutcome {
  readonly refusal: RateLimitRefusal | null;
  readonly headers: Readonly<Record<string, string>>;
}

export interface RateLimiter {
  admit(client: string): Promise<Admission>;
  /** `calls`: how many times the operation calls each capability (by its name, `erp.releaseInvoice`). */
  capabilities(client: string, calls: ReadonlyMap<string, number>): Promise<CapabilityOutcome>;
  /** The capability names the configured limits name (full names and short names). */
  readonly capabilityRuleNames: readonly string[];
}

export interface RateLimiterOptions {
  readonly config: Pick<RateLimitsConfig, 'client' | 'clients' | 'capabilities' | 'concurrency'>;
  readonly store: RateLimitStore;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: (() => number) | undefined;
  readonly onRefusal?: ((limit: LimitKind) => void) | undefined;
}

/** The release of a request that holds no concurrency slot. */
const NOTHING_HELD = (): void => {};

const CLIENT_POLICY = 'client';
const CONCURRENCY_POLICY = 'concurrency';
const RATE_LIMITED_STATUS = 429;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { config, store } = options;
  const now = options.now ?? Date.now;
  const concurrency = config.concurrency === null ? null : createConcurrencyLimiter(config.concurrency);
  const concurrencyPolicy: PolicyItem[] =
    config.concurrency === null ? [] : [{ name: CONCURRENCY_POLICY, quota: config.concurrency, unit: 'concurrent-requests' }];
  const clientRule = (client: string): RateLimitRule | null =>
    Object.hasOwn(config.clients, client) ? config.clients[client]! : config.client;
  const refuse = (limit: LimitKind, message: string, retryAfter: number, headers: Record<string, string>): RateLimitRefusal => {
    options.onRefusal?.(limit);
    const error = tesseraError('RATE_LIMITED', message, { extensions: { limit, retryAfter } });
    return {
      status: RATE_LIMITED_STATUS,
      headers: { ...headers, [RETRY_AFTER_HEADER]: String(retryAfter) },
      error: { message: error.message, extensions: { ...error.extensions } },
    };
  };
  const take = async (key: string, rule: RateLimitRule, cost: number): Promise<GcraVerdict> => {
    const parameters = gcraParameters(rule);
    const nowUs = now() * 1000;
    const step = await store.take(key, nowUs, parameters, cost);
    return gcraVerdict(step, nowUs, parameters, cost);
  };

  // More calls than the whole limit can never pass: refused without spending anything (a step of
  // cost 0 reads the state), and told to wait a whole window, by when nothing would have changed.
  const never = async (key: string, rule: RateLimitRule): Promise<GcraVerdict> => {
    const verdict = await take(key, rule, 0);
    return { ...verdict, allowed: false, retryAfterSeconds: rule.windowSeconds, resetSeconds: rule.windowSeconds };
  };

  return {
    capabilityRuleNames: Object.keys(config.capabilities),
    async admit(client) {
      const rule = clientRule(client);
      const policies: PolicyItem[] = [...(rule ? [rulePolicy(CLIENT_POLICY, rule)] : []), ...concurrencyPolicy];
      const release = concurrency ? concurrency.acquire(client) : NOTHING_HELD;
      if (release === null) {
        const headers = rateLimitHeaders(policies, [{ name: CONCURRENCY_POLICY, remaining: 0 }]);
        const message = `Too many requests in flight: this client may have ${config.concurrency} at once. Retry when one has been answered.`;
        return { refusal: refuse('concurrency', message, 1, headers), headers, release: NOTHING_HELD };
      }
      let verdict: GcraVerdict | null;
      try {
        verdict = rule ? await take(`client:${client}`, rule, 1) : null;
      } catch (error) {
        release();
        throw error;
      }
      const refused = verdict !== null && !verdict.allowed;
      if (refused) release();
      const limits: LimitItem[] = [
        ...(verdict ? [{ name: CLIENT_POLICY, remaining: verdict.remaining, resetSeconds: verdict.resetSeconds }] : []),
        ...(concurrency ? [{ name: CONCURRENCY_POLICY, remaining: config.concurrency! - concurrency.inFlight(client) }] : []),
      ];
      const headers = rateLimitHeaders(policies, limits);
      if (!refused) return { refusal: null, headers, release };
      const retryAfter = verdict!.retryAfterSeconds;
      const message = `Too many requests: this client may send ${describe(rule!)}. Retry in ${retryAfter} s.`;
      return { refusal: refuse('client', message, retryAfter, headers), headers, release: NOTHING_HELD };
    },
    async capabilities(client, calls) {
      const policies: PolicyItem[] = [];
      const limits: LimitItem[] = [];
      let refused: { readonly name: string; readonly rule: RateLimitRule; readonly cost: number; readonly verdict: GcraVerdict } | null =
        null;
      for (const [name, cost] of calls) {
        const rule = capabilityRule(config.capabilities, name);
        if (!rule) continue;
        const policy = `capability:${name}`;
        policies.push(rulePolicy(policy, rule));
        const verdict =
          cost > rule.count ? await never(`capability:${name}:${client}`, rule) : await take(`capability:${name}:${client}`, rule, cost);
        limits.push({ name: policy, remaining: verdict.remaining, resetSeconds: verdict.resetSeconds });
        if (!verdict.allowed && (!refused || verdict.retryAfterSeconds > refused.verdict.retryAfterSeconds)) {
          refused = { name, rule, cost, verdict };
        }
      }
      const headers = rateLimitHeaders(policies, limits);
      if (!refused) return { refusal: null, headers };
      const { name, rule, cost, verdict } = refused;
      const message =
        cost > rule.count
          ? `This operation calls ${name} ${cost} times; this client may call it ${describe(rule)}. Split the operation.`
          : `Too many calls of ${name}: this client may call it ${describe(rule)}. Retry in ${verdict.retryAfterSeconds} s.`;
      return { refusal: refuse('capability', message, verdict.retryAfterSeconds, headers), headers };
    },
  };
}

/** The rule for a capability: by its full name (`erp.releaseInvoice`), else by its name without the system (`releaseInvoice`). */
export function capabilityRule(rules: Readonly<Record<string, RateLimitRule>>, name: string): RateLimitRule | null {
  if (Object.hasOwn(rules, name)) return rules[name]!;
  const short = name.slice(name.lastIndexOf('.') + 1);
  return Object.hasOwn(rules, short) ? rules[short]! : null;
}

function rulePolicy(name: string, rule: RateLimitRule): PolicyItem {
  return { name, quota: rule.count, windowSeconds: rule.windowSeconds };
}

function describe(rule: RateLimitRule): string {
  return `${rule.count} per ${rule.windowSeconds} s`;
}
