/**
 * The CRM on HubSpot (docs/connectors.md#hubspot): the read port and, per capability call, the
 * write port, over one portal's CRM API. Not transactional with us: capability calls are recorded
 * in `ledger` (a local database of its own) by the kernel's remote runner, and every write carries
 * the call's external key so a retried call never writes twice (hubspotWrites.ts).
 */
import type { Kysely } from 'kysely';
import { DEFAULT_TAX_ID_PROPERTY, readTokenFile, type HubSpotConfig } from '../../../../core/config/hubspot.ts';
import { createRequestBudget } from '../../../kernel/connectors/requestBudget.ts';
import { createHubSpotHttp } from './hubspotClient.ts';
import type { RemoteAdapter } from '../../../kernel/capability/adapter.ts';
import type { CapabilityTables } from '../../../kernel/capability/tables.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import type { CrmPorts } from '../../ports/ports.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import { callKeyOf } from '../../../kernel/adapters/memory/callHistory.ts';
import type { HubSpotHttp } from './http.ts';
import { DEFAULT_OBJECT_TYPES, type HubSpotObjectTypes } from './objects.ts';
import { ObjectsApi } from './objectsApi.ts';
import { createHubSpotCrmReads, type HubSpotPortal } from './hubspotReads.ts';
import { createHubSpotCrmWrites } from './hubspotWrites.ts';
import { accountKind, beforeCall } from './records.ts';
import { DEFAULT_PIPELINES, StageMap, type PipelineDefinition, type PipelineStages } from './stageMap.ts';
import { hubspotCall } from './failures.ts';

export interface HubSpotCrmOptions {
  readonly http: HubSpotHttp;
  /** @default DEFAULT_OBJECT_TYPES */
  readonly types?: HubSpotObjectTypes;
  /** Canonical stage → deal stage id per pipeline (TESSERA_HUBSPOT_PIPELINES). @default HubSpot's default pipeline */
  readonly pipelines?: PipelineStages;
  /** The company property of the tax id (TESSERA_HUBSPOT_TAX_ID_PROPERTY). @default DEFAULT_TAX_ID_PROPERTY */
  readonly taxIdProperty?: string;
}

/** One portal: its API, object types and deal stages (read once from its pipelines). */
export function hubspotPortal(options: HubSpotCrmOptions): HubSpotPortal {
  let stages: Promise<StageMap> | null = null;
  const load = async () => {
    const answer = await hubspotCall(() => options.http.send({ method: 'GET', path: '/crm/v3/pipelines/deals' }));
    return new StageMap(options.pipelines ?? DEFAULT_PIPELINES, (answer.body as { results: PipelineDefinition[] }).results);
  };
  return {
    api: new ObjectsApi(options.http),
    types: options.types ?? DEFAULT_OBJECT_TYPES,
    account: accountKind(options.taxIdProperty ?? DEFAULT_TAX_ID_PROPERTY),
    stages: () => {
      stages ??= load().catch((error: unknown) => {
        stages = null;
        throw error;
      });
      return stages;
    },
  };
}

/** The portal `config` names, over the connector kernel's client (the token file read again after a 401). */
export function connectHubSpot(config: HubSpotConfig): HubSpotPortal {
  let first = true;
  const http = createHubSpotHttp({
    baseUrl: config.baseUrl,
    token: () => {
      const token = first || !config.tokenFile ? config.token : readTokenFile(config.tokenFile);
      first = false;
      return token;
    },
    budget: createRequestBudget({ perDay: config.apiBudgetPerDay }),
    timeoutMs: config.timeoutMs,
  });
  return hubspotPortal({
    http,
    types: { ...DEFAULT_OBJECT_TYPES, contract: config.contractObject, amendment: config.amendmentObject },
    taxIdProperty: config.taxIdProperty,
    ...(config.pipelines ? { pipelines: config.pipelines } : {}),
  });
}

export function createHubSpotCrmAdapter(portal: HubSpotPortal, ledger: Kysely<CapabilityTables>): SystemOfRecord<CrmReadPort, CrmPorts> {
  const capabilities: RemoteAdapter<CrmPorts> = {
    kind: 'remote',
    bind: (call, scope) => ({
      read: createHubSpotCrmReads(portal, scope, beforeCall(callKeyOf(call))),
      write: createHubSpotCrmWrites(portal, call),
    }),
  };
  return { reads: (scope) => createHubSpotCrmReads(portal, scope), capabilities, ledger, ledgerReads: ledger };
}
