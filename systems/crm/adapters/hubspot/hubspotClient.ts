/**
 * HubSpot over the connector kernel's one HTTP client (systems/kernel/connectors/vendorHttp.ts):
 * the private app token as a bearer token (read again after a 401, so a rotated token file is
 * picked up), a time-out per request, backoff on 429 and 5xx honouring `Retry-After`, and the
 * portal's request budget, fed by HubSpot's own daily count (`X-HubSpot-RateLimit-Daily` and
 * `-Daily-Remaining`). A 429 of the DAILY policy is not retried: nothing will pass before midnight.
 * Rate limits: https://developers.hubspot.com/docs/api/usage-details
 */
import type { Secret } from '../../../../core/config/secret.ts';
import { createAccessTokenCache } from '../../../kernel/connectors/accessToken.ts';
import { ConnectorFailure } from '../../../kernel/connectors/connectorFailure.ts';
import type { RequestBudget } from '../../../kernel/connectors/requestBudget.ts';
import type { RetryPolicy } from '../../../kernel/connectors/retryPolicy.ts';
import { createVendorHttp, type VendorDialect, type VendorResponse } from '../../../kernel/connectors/vendorHttp.ts';
import { HubSpotApiError, HubSpotUnreachable, type HubSpotErrorBody, type HubSpotHttp, type HubSpotRequest } from './http.ts';

export interface HubSpotClientOptions {
  /** https://api.hubapi.com, or the stand-in. */
  readonly baseUrl: string;
  /** The private app token, read when first needed and again after a 401. */
  readonly token: () => Secret | Promise<Secret>;
  readonly budget: RequestBudget;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly now?: () => number;
}

const dailyPolicy = (response: VendorResponse) => (response.body as HubSpotErrorBody | null)?.policyName === 'DAILY';

export const HUBSPOT_DIALECT: VendorDialect = {
  vendor: 'HubSpot',
  rateLimited: (response) => response.status === 429 && !dailyPolicy(response),
  unauthorized: (response) => response.status === 401,
  observeUsage: (response, budget) => {
    const daily = Number(response.headers.get('x-hubspot-ratelimit-daily'));
    const remaining = Number(response.headers.get('x-hubspot-ratelimit-daily-remaining'));
    if (daily > 0 && Number.isFinite(remaining)) budget.observe(daily - remaining, daily);
  },
};

/** Reads and writes whose repetition changes nothing: sent again after a failure with no answer. */
function idempotent(request: HubSpotRequest): boolean {
  return request.method !== 'POST' || /\/(batch\/read|search|batch\/associate\/default)$/.test(request.path);
}

export function createHubSpotHttp(options: HubSpotClientOptions): HubSpotHttp {
  const tokens = createAccessTokenCache(async () => ({ token: await options.token(), instanceUrl: options.baseUrl }));
  const vendor = createVendorHttp({
    dialect: HUBSPOT_DIALECT,
    tokens,
    budget: options.budget,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    ...(options.now === undefined ? {} : { now: options.now }),
    fetch: globalThis.fetch,
  });
  return {
    async send(request) {
      const operation = `${request.method} ${request.path}`;
      let answer: VendorResponse;
      try {
        answer = await vendor.send({ ...request, idempotent: idempotent(request), operation });
      } catch (error) {
        if (error instanceof ConnectorFailure) throw new HubSpotUnreachable(operation, error.kind);
        throw error;
      }
      if (answer.status >= 400) throw new HubSpotApiError(answer.status, (answer.body ?? {}) as HubSpotErrorBody, operation);
      return { status: answer.status, body: answer.body };
    },
  };
}
