/**
 * The narrow HTTP interface the HubSpot adapter speaks: one JSON request, one answer. The client
 * behind it (`hubspotClient.ts`) adds the private app token, the time-out, the rate-limit backoff
 * and the budget; a failure that survives them is thrown as one of the two errors below.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface HubSpotRequest {
  readonly method: HttpMethod;
  /** Path and query, from the API root: `/crm/v3/objects/deals/search`. */
  readonly path: string;
  readonly body?: unknown;
}

export interface HubSpotAnswer {
  /** 2xx: 200, 201, 204, or 207 (a batch with some inputs failed). */
  readonly status: number;
  readonly body: unknown;
}

export interface HubSpotHttp {
  send(request: HubSpotRequest): Promise<HubSpotAnswer>;
}

/** A documented HubSpot error answer: `{ status: "error", message, category, correlationId }`. */
export interface HubSpotErrorBody {
  readonly status?: string;
  readonly message?: string;
  readonly category?: string;
  readonly correlationId?: string;
  readonly policyName?: string;
}

/** HubSpot answered 4xx or 5xx (after the client's retries). */
export class HubSpotApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: HubSpotErrorBody,
    readonly request: string,
  ) {
    super(`HubSpot ${request} answered ${status} ${body.category ?? ''}: ${body.message ?? ''}`.trim());
    this.name = 'HubSpotApiError';
  }
}

/** HubSpot did not answer: time-out, connection refused or reset. A write may have committed. */
export class HubSpotUnreachable extends Error {
  constructor(
    readonly request: string,
    readonly reason: string,
  ) {
    super(`HubSpot ${request} did not answer: ${reason}`);
    this.name = 'HubSpotUnreachable';
  }
}
