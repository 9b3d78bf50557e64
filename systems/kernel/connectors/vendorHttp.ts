/**
 * The one HTTP client every vendor connector talks through (docs/connectors.md#the-connector-kernel):
 * JSON over undici's fetch, with a bearer token from an `AccessTokenCache`, a time-out per request,
 * retries with backoff (`retryPolicy.ts`) for requests that are safe to repeat, `Retry-After`
 * honoured, one token refresh on 401, the org's request budget taken per request
 * (`requestBudget.ts`), and the caller's abort signal. It throws a `ConnectorFailure` when the
 * vendor did not answer usefully; any other answer (2xx, or a 4xx the vendor meant) is returned
 * for the adapter to read, so business refusals stay the adapter's business.
 */
import { fetch as undiciFetch } from 'undici';
import type { AccessToken, AccessTokenCache } from './accessToken.ts';
import { ConnectorFailure } from './connectorFailure.ts';
import type { RequestBudget } from './requestBudget.ts';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retryPolicy.ts';

export interface VendorRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A path from the token's instance URL (`/services/data/v62.0/query`), or an absolute URL. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Safe to send again after a failure whose effect is unknown: reads, and upserts by an external key. */
  readonly idempotent: boolean;
  /** What the call is for, in failures and logs (`query Opportunity`, `upsert Contract`). */
  readonly operation: string;
  readonly signal?: AbortSignal;
}

export interface VendorResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or null when there is none. */
  readonly body: unknown;
}

/** What a vendor's answers mean beyond HTTP itself. */
export interface VendorDialect {
  /** The vendor's name in failures (`Salesforce`). */
  readonly vendor: string;
  /** Whether an answer refuses the call for a rate or concurrency limit (nothing happened; retry later). */
  rateLimited(response: VendorResponse): boolean;
  /** Whether an answer says the access token is no longer valid (refresh once, then retry). */
  unauthorized(response: VendorResponse): boolean;
  /** Reads what the answer says about the org's usage into the budget (`Sforce-Limit-Info`). */
  observeUsage?(response: VendorResponse, budget: RequestBudget): void;
}

export interface VendorHttpOptions {
  readonly dialect: VendorDialect;
  readonly tokens: AccessTokenCache;
  readonly budget: RequestBudget;
  /** The bound on one attempt, answer included. @default 10000 */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** @default undici's fetch */
  readonly fetch?: typeof globalThis.fetch;
  /** Waits between attempts; tests record the delays instead of waiting. @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface VendorHttp {
  send(request: VendorRequest): Promise<VendorResponse>;
}

export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  const { dialect, tokens, budget } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const doFetch = options.fetch ?? (undiciFetch as unknown as typeof globalThis.fetch);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  const attempt = async (request: VendorRequest, token: AccessToken): Promise<VendorResponse> => {
    budget.take(dialect.vendor, request.operation);
    const url = new URL(/^https?:\/\//.test(request.path) ? request.path : token.instanceUrl.replace(/\/+$/, '') + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token.token.reveal()}`,
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (request.signal?.aborted) throw new ConnectorFailure(dialect.vendor, request.operation, 'aborted');
      const kind = timeout.aborted || (error as Error).name === 'TimeoutError' ? 'timeout' : 'unavailable';
      throw new ConnectorFailure(dialect.vendor, request.operation, kind);
    }
    const answer: VendorResponse = { status: response.status, headers: response.headers, body: parseJson(text) };
    dialect.observeUsage?.(answer, budget);
    return answer;
  };

  return {
    async send(request) {
      let refreshed = false;
      let last: Delayed | null = null;
      for (let retry = 0; ; retry += 1) {
        if (retry > 0) {
          if (retry > policy.retries) throw last!;
          try {
            await sleep(last!.delayMs, request.signal);
          } catch {
            throw new ConnectorFailure(dialect.vendor, request.operation, 'aborted');
          }
        }
        const token = await tokens.get(request.signal);
        let answer: VendorResponse;
        try {
          answer = await attempt(request, token);
        } catch (error) {
          // No answer: the vendor may have done it. Only a request safe to repeat goes again.
          if (!(error instanceof ConnectorFailure) || !request.idempotent || error.kind === 'aborted' || error.kind === 'budget')
            throw error;
          last = withDelay(error, retryDelayMs(policy, retry + 1, random, null, now()));
          continue;
        }
        if (dialect.unauthorized(answer)) {
          tokens.invalidate(token);
          if (refreshed) throw new ConnectorFailure(dialect.vendor, request.operation, 'unauthorized', answer.status);
          refreshed = true;
          retry -= 1; // the refresh is not a retry: the call was refused before it did anything
          last = withDelay(new ConnectorFailure(dialect.vendor, request.operation, 'unauthorized', answer.status), 0);
          continue;
        }
        const limited = dialect.rateLimited(answer);
        if (limited || (answer.status >= 500 && request.idempotent) || answer.status === 503) {
          const kind = limited ? 'rateLimited' : 'unavailable';
          const delay = retryDelayMs(policy, retry + 1, random, answer.headers.get('retry-after'), now());
          last = withDelay(new ConnectorFailure(dialect.vendor, request.operation, kind, answer.status), delay);
          continue;
        }
        if (answer.status >= 500) throw new ConnectorFailure(dialect.vendor, request.operation, 'unavailable', answer.status);
        return answer;
      }
    },
  };
}

type Delayed = ConnectorFailure & { readonly delayMs: number };

/** A failure with the delay before the next attempt. */
function withDelay(failure: ConnectorFailure, delayMs: number): Delayed {
  return Object.assign(failure, { delayMs });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
