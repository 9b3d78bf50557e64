import type { Kysely } from 'kysely';
import { defineReferenceSystem } from '../kernel/referenceSystem.ts';
import { createTablesMigration } from '../kernel/tableSpec.ts';
import { CROSSWALK_SINCE } from './crosswalk/tables.ts';
import { createIntegrationLoaders } from './loaders.ts';
import { integrationResolvers } from './resolvers.ts';
import { createIntegrationStore } from './store/sqlStore.ts';
import { integrationTables, type IntegrationTables } from './store/tables.ts';
import { webhookSettingsOf } from './webhooks/settings.ts';

/**
 * The integration system (docs/processes.md): the process layer's own system of record. Its store
 * holds the processes, the consumers' inbox, queue and dead letters, and its capabilities' ledger;
 * its operations are capabilities like every other system's. It has no demo data.
 */
export const integrationSystem = defineReferenceSystem({
  name: 'integration',
  tables: integrationTables,
  resolvers: integrationResolvers,
  createAdapter: (db: Kysely<IntegrationTables>, reads: Kysely<IntegrationTables>, transport) =>
    createIntegrationStore(db, reads, webhookSettingsOf(transport)),
  createLoaders: createIntegrationLoaders,
  upgrades: {
    // The crosswalk of two CRMs (docs/crosswalk.md): every table declared `since: 4` in its tables.ts.
    '0004_integration_crosswalk': createTablesMigration(integrationTables, CROSSWALK_SINCE),
  },
});
