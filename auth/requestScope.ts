import type { Logger } from '../core/logger.ts';
import type { Principal } from './principal.ts';

/**
 * What a request carries through Tessera, at the gateway and in every subgraph it reaches: built
 * once per request (the gateway's HTTP handler, a subgraph's `execute`), read-only afterwards.
 */
export interface RequestScope {
  /** The request id (the client's `x-request-id`, or one made up): every log line and subgraph call carries it. */
  readonly requestId: string;
  /** The process logger, bound to the request id. */
  readonly logger: Logger;
  /** The verified caller; `null` for a request without a token. */
  readonly principal: Principal | null;
  /**
   * The caller signed for the subgraphs (`x-tessera-principal`): the gateway signs it once per
   * request and sends it on every subgraph call; a subgraph carries it on to its peers.
   */
  readonly principalToken: string;
  /** The request's `Idempotency-Key` header (unquoted); only on a request with one mutation field. */
  readonly idempotencyKey: string | null;
  /**
   * The process the request belongs to (docs/events.md#trace-context): the caller's
   * `x-correlation-id` when valid, else the request id. Forwarded to subgraphs and peers, written
   * into the outbox with every event the request causes.
   */
  readonly correlationId: string;
  /** The W3C `traceparent` of this hop: the caller's trace continued with a new span id, or a new trace. */
  readonly traceparent: string;
  /**
   * Aborts when the request's work must stop (docs/demand-control.md#execution-timeout): at the
   * gateway, when the client closes the connection before the answer or the execution timeout
   * passes; every subgraph call is made with it. A subgraph's own scope never aborts (`NEVER_ABORTED`).
   */
  readonly signal: AbortSignal;
}

/** The signal of work nothing can call off (a subgraph's request scope, a scope built by a test). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
