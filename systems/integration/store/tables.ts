/**
 * The integration system's own store: the kernel's consumer tables (inbox, applied versions,
 * in-process queue, dead letters: docs/events.md#delivery) and each area's tables. An area adds its
 * spec here, one line each.
 */
import { eventTables } from '../../kernel/events/tables.ts';
import type { TablesOf } from '../../kernel/tableSpec.ts';
import { billingRunTables } from '../billingRun/tables.ts';
import { crosswalkTables } from '../crosswalk/tables.ts';
import { processTables } from '../process/tables.ts';
import { cashTables } from '../sagas/cash.ts';
import { reconciliationTables } from '../reconciliation/tables.ts';
import { webhookTables } from '../webhooks/tables.ts';

export const integrationTables = {
  ...eventTables,
  ...processTables,
  ...billingRunTables,
  ...cashTables,
  ...reconciliationTables,
  ...webhookTables,
  ...crosswalkTables,
} as const;

export type IntegrationTables = TablesOf<typeof integrationTables>;
