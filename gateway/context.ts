import type { Logger } from './logger.ts';

/** Per-request state of the gateway. Created for each HTTP request; nothing per-request lives elsewhere. */
export interface GatewayContext {
  readonly requestId: string;
  readonly logger: Logger;
}
