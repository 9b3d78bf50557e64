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
import { createCompositeCrmAdapter } from './adapters/composite/compositeAdapter.ts';
import { peerCrosswalkLookup, type CrosswalkLookup } from './adapters/composite/crosswalkLookup.ts';
import type { PeerTransport } from '../kernel/capability/peers.ts';

export interface CrmVendor {
  readonly systemOfRecord: VendorSystemOfRecord;
  /** The streams the change capture polls, every `pollMs`. */
  readonly changeStreams: readonly ChangeStream<Change>[];
  readonly pollMs: number;
}

/** What tests replace: the Salesforce org's clock and waits, and (for `both`) how the crosswalk's links are read. */
export interface CrmVendorSeams extends SalesforceSeams {
  /** @default peerCrosswalkLookup: the integration subgraph's links, read through the peers */
  readonly crosswalk?: (transport: PeerTransport) => CrosswalkLookup;
}

export function crmVendorOf(config: CrmSystemConfig, seams: CrmVendorSeams = {}): CrmVendor | null {
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
    case 'both': {
      // The parent's Salesforce and the acquired firm's HubSpot under the crosswalk (docs/crosswalk.md):
      // reads merge the two through the integration system's links, writes go to the system holding the record.
      const org = connectSalesforce(config.salesforce!, seams);
      const portal = connectHubSpot(config.hubspot!);
      return {
        systemOfRecord: (ledger: Kysely<CapabilityTables>, transport: PeerTransport) =>
          createCompositeCrmAdapter({
            primary: createSalesforceCrmAdapter(org, ledger),
            secondary: createHubSpotCrmAdapter(portal, ledger),
            crosswalk: (seams.crosswalk ?? peerCrosswalkLookup)(transport),
          }) as ReturnType<VendorSystemOfRecord>,
        changeStreams: [opportunityChanges(org) as unknown as ChangeStream<Change>, dealChanges(portal) as unknown as ChangeStream<Change>],
        pollMs: Math.min(config.salesforce!.pollMs, config.hubspot!.pollMs),
      };
    }
  }
}
