/**
 * Which system of record the CRM runs on (docs/connectors.md#wiring), from `config.crm`: null for the
 * built-in SQL reference system, else the vendor system of record the CRM's ports bind to (over the
 * CRM's own database, which keeps the ledger) and the change streams its change capture polls.
 */
import type { Kysely } from 'kysely';
import type { CrmSystemConfig } from '../../core/config/crmSystem.ts';
import type { CapabilityTables } from '../kernel/capability/tables.ts';
import type { Change, ChangeStream } from '../kernel/connectors/changeCapture.ts';
import type { VendorSystemOfRecord } from '../kernel/referenceSystem.ts';
import { connectSalesforce, type SalesforceSeams } from './adapters/salesforce/salesforceOrg.ts';
import { createSalesforceCrmAdapter } from './adapters/salesforce/salesforceAdapter.ts';
import { opportunityChanges } from './adapters/salesforce/opportunityChanges.ts';
import { connectHubSpot, createHubSpotCrmAdapter } from './adapters/hubspot/hubspotAdapter.ts';
import { dealChanges } from './adapters/hubspot/dealChanges.ts';

export interface CrmVendor {
  readonly systemOfRecord: VendorSystemOfRecord;
  /** The streams the change capture polls, every `pollMs`. */
  readonly changeStreams: readonly ChangeStream<Change>[];
  readonly pollMs: number;
}

export function crmVendorOf(config: CrmSystemConfig, seams: SalesforceSeams = {}): CrmVendor | null {
  switch (config.system) {
    case 'sql':
      return null;
    case 'salesforce': {
      const org = connectSalesforce(config.salesforce!, seams);
      return {
        systemOfRecord: (ledger: Kysely<CapabilityTables>) => createSalesforceCrmAdapter(org, ledger) as ReturnType<VendorSystemOfRecord>,
        changeStreams: [opportunityChanges(org) as unknown as ChangeStream<Change>],
        pollMs: config.salesforce!.pollMs,
      };
    }
    case 'hubspot': {
      const portal = connectHubSpot(config.hubspot!);
      return {
        systemOfRecord: (ledger: Kysely<CapabilityTables>) => createHubSpotCrmAdapter(portal, ledger) as ReturnType<VendorSystemOfRecord>,
        changeStreams: [dealChanges(portal) as unknown as ChangeStream<Change>],
        pollMs: config.hubspot!.pollMs,
      };
    }
    case 'both':
      throw new TypeError(
        `TESSERA_CRM_SYSTEM=${config.system}: the crosswalk of the two CRMs is not wired into the runtime yet (systems/crm/crmVendor.ts)`,
      );
  }
}
