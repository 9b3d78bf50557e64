import { groupLoader, rowLoader, valueLoader } from '../kernel/loaders.ts';
import type { IntegrationReadPort } from './ports/readPort.ts';

/**
 * The integration system's per-request loaders over its scoped read port: one batch per relation
 * per request tick, only records the caller's record scope allows. Areas add theirs here.
 */
export function createIntegrationLoaders(read: IntegrationReadPort) {
  return {
    process: rowLoader(
      (ids: readonly string[]) => read.process.processesByIds(ids),
      (process) => process.id,
    ),
    linksByEntity: groupLoader(
      (ids: readonly string[]) => read.process.linksByEntityIds(ids),
      (link) => link.entityId,
    ),
    stepsByProcess: groupLoader(
      (ids: readonly string[]) => read.process.stepsByProcessIds(ids),
      (step) => step.processId,
    ),
    eventsByProcess: groupLoader(
      (ids: readonly string[]) => read.process.eventsByProcessIds(ids),
      (event) => event.processId,
    ),
    linksByProcess: groupLoader(
      (ids: readonly string[]) => read.process.linksByProcessIds(ids),
      (link) => link.processId,
    ),
    billingRun: rowLoader(
      (ids: readonly string[]) => read.billingRun.runsByIds(ids),
      (run) => run.id,
    ),
    billingRunProjects: groupLoader(
      (ids: readonly string[]) => read.billingRun.projectsByRunIds(ids),
      (row) => row.run_id,
    ),
    cashByProject: groupLoader(
      (ids: readonly string[]) => read.cash.invoicesByProjectIds(ids),
      (row) => row.project_id ?? '',
    ),
    cashByAccount: groupLoader(
      (ids: readonly string[]) => read.cash.invoicesByAccountIds(ids),
      (row) => row.account_id,
    ),
    crosswalkMergesBySurvivor: groupLoader(
      (ids: readonly string[]) => read.crosswalk.activeMergesBySurvivorIds(ids),
      (row) => row.survivor_id,
    ),
    crosswalkVersion: valueLoader((ids: readonly string[]) => read.crosswalk.versions(ids), 1),
  };
}

export type IntegrationLoaders = ReturnType<typeof createIntegrationLoaders>;
