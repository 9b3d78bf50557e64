/**
 * What Salesforce's REST answers mean to the connector kernel (docs/connectors.md#api-limits):
 * - 401 with `INVALID_SESSION_ID`: the access token expired or was revoked (refresh once);
 * - 403 with `REQUEST_LIMIT_EXCEEDED` (the org's API request or concurrency limit), and 429: a rate
 *   limit, retried with backoff (nothing was done);
 * - `Sforce-Limit-Info: api-usage=18/15000` on every answer: the org's usage, read into the budget.
 * Error bodies are lists: `[{"message": "...", "errorCode": "INVALID_SESSION_ID"}]`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
 */
import type { VendorDialect, VendorResponse } from '../../../kernel/connectors/vendorHttp.ts';

/** The `errorCode`s of a Salesforce error answer. */
export function errorCodes(response: VendorResponse): string[] {
  return Array.isArray(response.body)
    ? response.body.flatMap((error: unknown) => {
        const code = (error as { errorCode?: unknown } | null)?.errorCode;
        return typeof code === 'string' ? [code] : [];
      })
    : [];
}

const LIMIT_INFO = /api-usage=(\d+)\/(\d+)/;

export const salesforceDialect: VendorDialect = {
  vendor: 'Salesforce',
  rateLimited: (response) =>
    response.status === 429 || (response.status === 403 && errorCodes(response).includes('REQUEST_LIMIT_EXCEEDED')),
  unauthorized: (response) => response.status === 401,
  observeUsage(response, budget) {
    const match = LIMIT_INFO.exec(response.headers.get('sforce-limit-info') ?? '');
    if (match) budget.observe(Number(match[1]), Number(match[2]));
  },
};
