/**
 * Calls from one system of record to another. A capability checks facts another system owns
 * (ERP activating a contract asks CRM whether it is signed) by reading that system's subgraph,
 * and hands a step over to the owner when the state it changes is not its own (ERP releasing an
 * invoice asks PSA to mark the billing draft invoiced). Systems never read each other's tables.
 *
 * Reads carry the caller's signed principal on, so the peer applies the same record scope (a
 * record the caller may not see does not exist there either). System steps are signed as the
 * calling system (`system:<name>`, scope `tessera:system`); they reach fields the gateway does not
 * expose (`@inaccessible`), and every such call carries a deterministic idempotency key, so a
 * retried capability replays the step instead of repeating it.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import type { SubgraphName } from '../subgraphName.ts';
import { tesseraError } from '../../../core/errors.ts';
import { REQUEST_ID_HEADER } from '../../../core/http/requestId.ts';
import { CORRELATION_ID_HEADER, TRACEPARENT_HEADER } from '../../../core/http/traceContext.ts';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { principalFromClaims, type Principal } from '../../../auth/principal.ts';

/** The scope only system principals carry: it opens the system steps of peer subgraphs. */
export const SYSTEM_SCOPE = 'tessera:system';

export interface PeerTransport {
  readonly fetcher: Fetcher;
  /** Where a peer system's subgraph answers. */
  readonly urlOf: (system: SubgraphName) => string;
  /** Signs principals for peer calls (the same secret the gateway signs with). */
  readonly internalSecret: string;
  /**
   * The deployment's environment (`TESSERA_ENV`): what a system may call beyond its peers (webhooks:
   * http to localhost only in development). Absent: production, the strict reading.
   */
  readonly environment?: 'development' | 'production';
  /**
   * How long one peer call may take (`TESSERA_SUBGRAPH_TIMEOUT_MS`): past it the call is abandoned
   * and the capability answers DOWNSTREAM_UNAVAILABLE, so a hanging peer never holds a capability
   * long after the gateway answered. A step that committed meanwhile is replayed by the retry
   * (its idempotency key). @default 10000
   */
  readonly timeoutMs?: number;
}

/** `PeerTransport.timeoutMs`'s default: the subgraph timeout's (docs/resilience.md#configuration). */
export const PEER_TIMEOUT_MS = 10_000;

export interface Peers {
  /** Runs a query on `system` as the caller. Throws DOWNSTREAM_UNAVAILABLE when it cannot answer. */
  read<T>(system: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Runs a system step (a mutation) on `system` as this system. */
  step<T>(system: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The same peers, their calls forwarding `traceparent` (a capability's span: the peers' spans are its children). */
  within(traceparent: string): Peers;
}

/** The system principal of `system`: sees every record (it acts on a request already scoped). */
export function systemPrincipal(system: SubgraphName): Principal {
  return principalFromClaims({ sub: `system:${system}`, scope: SYSTEM_SCOPE, legal_entities: '*' });
}

export function isSystemPrincipal(principal: Principal | null): boolean {
  return principal !== null && principal.sub.startsWith('system:') && principal.scopes.has(SYSTEM_SCOPE);
}

/**
 * What a peer call carries from the request (or process) that makes it: the request id, the
 * caller's signed principal, and the correlation id and traceparent that keep the peer in the
 * same process and trace (docs/events.md#trace-context; the request id and no trace when absent).
 */
export interface PeerRequest {
  readonly requestId: string;
  readonly principalToken: string;
  readonly correlationId?: string;
  readonly traceparent?: string | null;
}

export function createPeers(transport: PeerTransport, self: SubgraphName, request: PeerRequest): Peers {
  const trace: Record<string, string> = { [CORRELATION_ID_HEADER]: request.correlationId ?? request.requestId };
  if (request.traceparent) trace[TRACEPARENT_HEADER] = request.traceparent;
  const call = async <T>(system: SubgraphName, principalToken: string, query: string, variables: Record<string, unknown>): Promise<T> => {
    let response: Awaited<ReturnType<Fetcher>>;
    try {
      response = await transport.fetcher(transport.urlOf(system), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          [REQUEST_ID_HEADER]: request.requestId,
          // With tracing on, the peer's span is the child of the span making the call (a capability's; docs/observability.md#traces).
          ...trace,
          [INTERNAL_PRINCIPAL_HEADER]: principalToken,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(transport.timeoutMs ?? PEER_TIMEOUT_MS),
      });
    } catch (error) {
      const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
      throw downstream(system, timedOut ? `did not answer within ${transport.timeoutMs ?? PEER_TIMEOUT_MS} ms` : 'did not answer', error);
    }
    let body: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw downstream(system, `answered ${response.status} without a GraphQL body`, error);
    }
    if (!response.ok || body.errors?.length || !body.data) {
      const codes = (body.errors ?? []).map((error) => error.extensions?.code ?? 'UNKNOWN').join(', ');
      throw downstream(system, `refused the call (${response.status}${codes ? `: ${codes}` : ''})`, body.errors);
    }
    return body.data;
  };
  return {
    read: (system, query, variables = {}) => call(system, request.principalToken, query, variables),
    step: (system, query, variables = {}) =>
      call(
        system,
        signInternalPrincipal(systemPrincipal(self), transport.internalSecret, { requestId: request.requestId }),
        query,
        variables,
      ),
    within: (traceparent) => createPeers(transport, self, { ...request, traceparent }),
  };
}

function downstream(system: SubgraphName, what: string, cause: unknown): Error {
  return tesseraError('DOWNSTREAM_UNAVAILABLE', `The ${system.toUpperCase()} system ${what}. Retry the same request later.`, {
    originalError: cause instanceof Error ? cause : undefined,
  });
}
