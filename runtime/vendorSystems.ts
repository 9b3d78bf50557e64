/**
 * The systems that run on a vendor's system of record (docs/connectors.md#wiring): today the CRM, by
 * `config.crm`. Both run modes (embedded, `tessera serve crm`) ask here which vendor a system has,
 * bind it, and run its change capture beside the subgraph until shutdown.
 */
import type { Kysely } from 'kysely';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { crmVendorOf, type CrmVendor } from '../systems/crm/crmVendor.ts';
import { startPoller, type ChangeLedger } from '../systems/kernel/connectors/changeCapture.ts';
import type { SystemName } from '../systems/systems.ts';

/** The vendor `name` runs on, or null for its built-in SQL reference system. */
export function vendorOf(name: SystemName, config: TesseraConfig): CrmVendor | null {
  return name === 'crm' ? crmVendorOf(config.crm) : null;
}

/** Polls the vendor's change streams into the system's outbox (`db`, its own database); resolves the stop. */
export function startChangeCapture(vendor: CrmVendor, db: Kysely<unknown>, logger: Logger, onEvents?: () => void): () => Promise<void> {
  const poller = startPoller(db as unknown as ChangeLedger, vendor.changeStreams, {
    intervalMs: vendor.pollMs,
    ...(onEvents ? { onEvents } : {}),
    onError: (stream, error) => logger.warn({ stream, err: error }, 'change capture poll failed; the next poll tries again'),
  });
  return () => poller.stop();
}
