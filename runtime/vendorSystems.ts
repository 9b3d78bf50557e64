/**
 * The systems that run on a vendor's system of record (docs/connectors.md#wiring): today the CRM, by
 * `config.crm`. Both run modes (embedded, `tessera serve crm`) ask here which vendor a system has,
 * bind it, run its change capture beside the subgraph until shutdown, and serve the vendor's webhooks
 * (embedded: on the gateway's server; `tessera serve crm`: on the CRM's) so a delivery wakes the capture.
 */
import type http from 'node:http';
import type { Kysely } from 'kysely';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { crmVendorOf, type CrmVendor } from '../systems/crm/crmVendor.ts';
import { startPoller, type ChangeLedger, type Poller } from '../systems/kernel/connectors/changeCapture.ts';
import type { SystemName } from '../systems/systems.ts';

/** The vendor `name` runs on, or null for its built-in SQL reference system. */
export function vendorOf(name: SystemName, config: TesseraConfig): CrmVendor | null {
  return name === 'crm' ? crmVendorOf(config.crm, { linkCache: { ttlMs: config.crosswalk.linkCacheTtlMs } }) : null;
}

/** Polls the vendor's change streams into the system's outbox (`db`, its own database) until `stop`; `wake` polls now. */
export function startChangeCapture(vendor: CrmVendor, db: Kysely<unknown>, logger: Logger, onEvents?: () => void): Poller {
  return startPoller(db as unknown as ChangeLedger, vendor.changeStreams, {
    intervalMs: vendor.pollMs,
    ...(onEvents ? { onEvents } : {}),
    onError: (stream, error) => logger.warn({ stream, err: error }, 'change capture poll failed; the next poll tries again'),
  });
}

/** Serves the vendor's webhooks (docs/connectors.md#webhooks) at their paths in front of `next`; any other path goes on. */
export function withVendorWebhooks(vendor: CrmVendor, capture: Poller, next: http.RequestListener): http.RequestListener {
  const routes = new Map(vendor.webhooks.map((webhook) => [webhook.path, webhook.listener((streams) => capture.wake(streams))]));
  if (routes.size === 0) return next;
  return (request, response) => {
    const route = routes.get(new URL(request.url ?? '/', 'http://local').pathname);
    (route ?? next)(request, response);
  };
}
