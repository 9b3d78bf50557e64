/**
 * The integration system's read port: what its resolvers and capabilities read of its own store,
 * within the caller's record scope. Each area adds its reads here, one member each.
 */
import type { Kysely } from 'kysely';
import type { RecordScope } from '../../../policies/recordScope.ts';
import { createCrosswalkReads, type CrosswalkReads } from '../crosswalk/store.ts';
import type { CrosswalkTables } from '../crosswalk/tables.ts';
import { createBillingRunReads, type BillingRunReads } from '../billingRun/billingRunStore.ts';
import { createCashReads, type CashReads, type CashTables } from '../sagas/cash.ts';
import { createProcessReads, type ProcessReads } from '../process/processReads.ts';
import { createDeadLetterReads, type DeadLetterReads } from '../deadLetters/deadLetterStore.ts';
import { createReconciliationReads, type ReconciliationReads } from '../reconciliation/store.ts';
import type { ReconciliationTables } from '../reconciliation/tables.ts';
import type { EventTables } from '../../kernel/events/tables.ts';
import type { IntegrationTables } from '../store/tables.ts';
import { createWebhookReads, type WebhookReads, type WebhookSettings } from '../webhooks/webhookPorts.ts';
import type { WebhookTables } from '../webhooks/tables.ts';
import type { BillingRunTables } from '../billingRun/tables.ts';
import type { ProcessTables } from '../process/tables.ts';

export interface IntegrationReadPort {
  readonly process: ProcessReads;
  readonly billingRun: BillingRunReads;
  readonly cash: CashReads;
  readonly deadLetters: DeadLetterReads;
  readonly reconciliation: ReconciliationReads;
  readonly webhooks: WebhookReads;
  readonly crosswalk: CrosswalkReads;
}

/** The read port on `db` (the read connection, or a capability's transaction), within `scope`. */
export function createIntegrationReads(db: Kysely<IntegrationTables>, scope: RecordScope, settings: WebhookSettings): IntegrationReadPort {
  return {
    // Each area's tables are a part of the store's: Kysely is invariant in its tables, so each is handed its own view.
    process: createProcessReads(db as unknown as Kysely<ProcessTables>, scope),
    billingRun: createBillingRunReads(db as unknown as Kysely<BillingRunTables>, scope),
    cash: createCashReads(db as unknown as Kysely<CashTables>, scope),
    deadLetters: createDeadLetterReads(db as unknown as Kysely<EventTables>),
    reconciliation: createReconciliationReads(db as unknown as Kysely<ReconciliationTables>, scope),
    webhooks: createWebhookReads(db as unknown as Kysely<WebhookTables>, settings),
    crosswalk: createCrosswalkReads(db as unknown as Kysely<CrosswalkTables>, scope),
  };
}
