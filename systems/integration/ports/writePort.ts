/**
 * The integration system's write port: the operations its capabilities make, bound to the
 * capability's transaction (docs/processes.md). Each area adds its writes here, one member each.
 */
import type { Kysely } from 'kysely';
import type { RecordScope } from '../../../policies/recordScope.ts';
import { createCrosswalkWrites, type CrosswalkWrites } from '../crosswalk/store.ts';
import type { CrosswalkTables } from '../crosswalk/tables.ts';
import { createBillingRunWrites, type BillingRunWrites } from '../billingRun/billingRunStore.ts';
import { createProcessWrites, type ProcessWrites } from '../process/processWrites.ts';
import { createDeadLetterWrites, type DeadLetterWrites } from '../deadLetters/deadLetterStore.ts';
import { createReconciliationWrites, type ReconciliationWrites } from '../reconciliation/store.ts';
import type { ReconciliationTables } from '../reconciliation/tables.ts';
import type { EventTables } from '../../kernel/events/tables.ts';
import type { IntegrationTables } from '../store/tables.ts';
import { createWebhookWrites, type WebhookSettings, type WebhookWrites } from '../webhooks/webhookPorts.ts';
import type { WebhookTables } from '../webhooks/tables.ts';
import type { BillingRunTables } from '../billingRun/tables.ts';
import type { ProcessTables } from '../process/tables.ts';

export interface IntegrationWritePort {
  readonly process: ProcessWrites;
  readonly billingRun: BillingRunWrites;
  readonly deadLetters: DeadLetterWrites;
  readonly reconciliation: ReconciliationWrites;
  readonly webhooks: WebhookWrites;
  readonly crosswalk: CrosswalkWrites;
}

/** The write port inside a capability's transaction `trx`. */
export function createIntegrationWrites(
  trx: Kysely<IntegrationTables>,
  scope: RecordScope,
  settings: WebhookSettings,
): IntegrationWritePort {
  return {
    // Each area's tables are a part of the store's: Kysely is invariant in its tables, so each is handed its own view.
    process: createProcessWrites(trx as unknown as Kysely<ProcessTables>, scope),
    billingRun: createBillingRunWrites(trx as unknown as Kysely<BillingRunTables>, scope),
    deadLetters: createDeadLetterWrites(trx as unknown as Kysely<EventTables>),
    reconciliation: createReconciliationWrites(trx as unknown as Kysely<ReconciliationTables>, scope),
    webhooks: createWebhookWrites(trx as unknown as Kysely<WebhookTables>, settings),
    crosswalk: createCrosswalkWrites(trx as unknown as Kysely<CrosswalkTables>),
  };
}
