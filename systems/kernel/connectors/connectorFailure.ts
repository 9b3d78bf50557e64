/**
 * How a vendor call fails, as the connector kernel reports it, and what a capability or a read
 * makes of it: every failure that leaves the vendor's state unknown or untouched (no answer, a
 * time-out, 5xx, a rate limit, the request budget spent) is DOWNSTREAM_UNAVAILABLE, the catalog's
 * "retry the same request (same key) later" (docs/errors.md). A vendor's business refusal is not
 * a failure here: the adapter reads it from the response and answers with its own code.
 */
import { tesseraError } from '../../../core/errors.ts';

export type ConnectorFailureKind =
  /** No answer: the connection failed or broke, or the vendor answered 5xx after every retry. */
  | 'unavailable'
  /** The per-request time-out passed (the vendor may have committed a write). */
  | 'timeout'
  /** The vendor kept refusing for its rate limit (429, or its own limit code) after every retry. */
  | 'rateLimited'
  /** Tessera's own share of the vendor's API limit is spent (requestBudget.ts). */
  | 'budget'
  /** The credentials were refused, also after one refresh of the access token. */
  | 'unauthorized'
  /** The caller called the request off. */
  | 'aborted';

export class ConnectorFailure extends Error {
  constructor(
    readonly vendor: string,
    readonly operation: string,
    readonly kind: ConnectorFailureKind,
    /** The vendor's last HTTP status, if it answered. */
    readonly status: number | null = null,
  ) {
    super(`${vendor} ${operation}: ${kind}${status === null ? '' : ` (HTTP ${status})`}`);
    this.name = 'ConnectorFailure';
  }
}

const WHY: Readonly<Record<ConnectorFailureKind, string>> = {
  unavailable: 'did not answer',
  timeout: 'timed out',
  rateLimited: 'is over its API rate limit',
  budget: "has used Tessera's share of its API limit",
  unauthorized: 'refused our credentials',
  aborted: 'was called off',
};

/** The catalog error a connector failure is answered with (DOWNSTREAM_UNAVAILABLE, whatever the kind). */
export function downstreamUnavailable(system: string, failure: ConnectorFailure) {
  return tesseraError(
    'DOWNSTREAM_UNAVAILABLE',
    `The ${system.toUpperCase()} system (${failure.vendor}) ${WHY[failure.kind]}. Retry the same request later.`,
  );
}

/** Runs a vendor call of `system`, turning a connector failure into DOWNSTREAM_UNAVAILABLE; nothing else is swallowed. */
export async function connectorCall<T>(system: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConnectorFailure) throw downstreamUnavailable(system, error);
    throw error;
  }
}
