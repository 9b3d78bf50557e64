import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../core/logger.ts';

/** What every request has from its first byte: an id and a logger bound to it. */
export interface RequestScope {
  readonly requestId: string;
  readonly logger: Logger;
}

/** Per-request state of the gateway. Created for each HTTP request; nothing per-request lives elsewhere. */
export interface GatewayContext extends RequestScope {
  /** The verified caller; `null` for a request without a token. */
  readonly principal: Principal | null;
  /** The request's `Idempotency-Key` header (unquoted), forwarded to the subgraph of its one mutation. */
  readonly idempotencyKey: string | null;
}
