/**
 * What a HubSpot failure is answered with: every failure that leaves HubSpot's state unknown or
 * untouched (no answer, a time-out, 5xx, 429 after the client's retries, a refused token) is
 * DOWNSTREAM_UNAVAILABLE, "retry the same request (same key) later" (docs/errors.md).
 */
import { tesseraError } from '../../../../core/errors.ts';
import { HubSpotApiError, HubSpotUnreachable } from './http.ts';

export async function hubspotCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HubSpotUnreachable)
      throw tesseraError(
        'DOWNSTREAM_UNAVAILABLE',
        `The CRM system (HubSpot) did not answer (${error.reason}). Retry the same request later.`,
      );
    if (error instanceof HubSpotApiError)
      throw tesseraError(
        'DOWNSTREAM_UNAVAILABLE',
        `The CRM system (HubSpot) refused ${error.request} (${error.status} ${error.body.category ?? ''}, correlation ${error.body.correlationId ?? 'none'}). Retry the same request later.`,
      );
    throw error;
  }
}
