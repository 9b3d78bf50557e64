/**
 * What the run-mode tests of the process layer share (docs/processes.md#run-modes): a config over a
 * temp store (SQLite, or a PostgreSQL database for the distributed mode), the CRM's and the
 * integration system's stores opened beside the services, a won opportunity written to the CRM's
 * outbox as its capability would, and what the integration store recorded of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import type { CapabilityTables, OutboxEventRow } from '../../systems/kernel/capability/tables.ts';
import { openReferenceSystem, type OpenSystem } from '../../systems/kernel/openReferenceSystem.ts';
import { kernelSystem, SYSTEM_LIST } from '../../systems/systems.ts';
import type { TempStore } from '../harness/tempDatabase.ts';

export const CLOCK = () => new Date('2026-03-02T09:00:00.000Z');

export interface RunModeFixture {
  readonly config: TesseraConfig;
  /** The CRM's store, opened beside the services (its outbox). */
  readonly crm: Kysely<CapabilityTables>;
  /** The integration system's store, opened beside the services (inbox, processes). */
  readonly integration: Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Writes `OpportunityWon` of `opportunityId` to the CRM's outbox, unpublished; answers the row. */
  writeWon(opportunityId: string): Promise<OutboxEventRow>;
  /** The inbox rows of `eventId` (consumer names, sorted) and the processes of the opportunity (kind, status). */
  recorded(eventId: string, opportunityId: string): Promise<{ inbox: string[]; processes: { kind: string; status: string }[] }>;
  remove(): Promise<void>;
}

export async function runModeFixture(temp: TempStore, env: Record<string, string> = {}): Promise<RunModeFixture> {
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-relay-keys-'));
  const config: TesseraConfig = {
    ...loadConfig({ TESSERA_DATA_DIR: keyDir, ...env }),
    host: '127.0.0.1',
    store: temp.store,
    seedScale: 'none',
  };
  const open = async (name: string): Promise<OpenSystem<unknown>> =>
    openReferenceSystem(kernelSystem(SYSTEM_LIST.find((entry) => entry.name === name)!), config.store);
  const crm = await open('crm');
  const integration = await open('integration');
  const crmDb = crm.db as Kysely<CapabilityTables>;
  const integrationDb = integration.db as Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    config,
    crm: crmDb,
    integration: integrationDb,
    async writeWon(opportunityId) {
      const row: OutboxEventRow = {
        event_id: `evt_won_${opportunityId}`,
        type: 'OpportunityWon',
        aggregate_type: 'Opportunity',
        aggregate_id: opportunityId,
        aggregate_version: 3,
        occurred_at: '2026-03-02T08:59:59.000Z',
        correlation_id: `corr_${opportunityId}`,
        causation_id: null,
        legal_entity_id: 'le_US01',
        payload_json: JSON.stringify({ accountId: 'acc_1', stage: 'CLOSED_WON' }),
        published_at: null,
        trace_parent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      };
      await crmDb.insertInto('outbox_events').values(row).execute();
      return row;
    },
    async recorded(eventId, opportunityId) {
      const inbox = await integrationDb
        .selectFrom('event_inbox')
        .select('consumer')
        .where('event_id', '=', eventId)
        .orderBy('consumer')
        .execute();
      const processes = await integrationDb
        .selectFrom('process_instances')
        .select(['kind', 'status'])
        .where('subject_id', '=', opportunityId)
        .execute();
      return { inbox: inbox.map((row: { consumer: string }) => row.consumer), processes };
    },
    async remove() {
      await crm.close();
      await integration.close();
      await temp.remove();
      fs.rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
