/**
 * Which system of record the CRM runs on (docs/connectors.md#wiring), from `config.crm`: null for the
 * built-in SQL reference system, else the vendor system of record the CRM's ports bind to (over the
 * CRM's own database, which keeps the ledger) and the change streams its change capture polls.
 */
import type { RequestListener } from 'node:http';
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
import { hubspotWebhookEndpoint, hubspotWebhookListener } from './adapters/hubspot/webhookEndpoint.ts';
import type { HubSpotConfig } from '../../core/config/hubspot.ts';
import { createCompositeCrmAdapter } from './adapters/composite/compositeAdapter.ts';
import { peerCrosswalkLookup, type CrosswalkLookup } from './adapters/composite/crosswalkLookup.ts';
import { createLinkCache, type CrosswalkLinkCache, type LinkCacheOptions } from './adapters/composite/linkCache.ts';
import type { PeerTransport } from '../kernel/capability/peers.ts';

export interface CrmVendor {
  readonly systemOfRecord: VendorSystemOfRecord;
  /** The streams the change capture polls, every `pollMs`. */
  readonly changeStreams: readonly ChangeStream<Change>[];
  readonly pollMs: number;
  /** The endpoints the vendor pushes its change notifications to, served beside the CRM (docs/connectors.md#webhooks). */
  readonly webhooks: readonly VendorWebhook[];
  /**
   * `both` only: the process's cache of the crosswalk's links, which the runtime clears on the
   * crosswalk's events (docs/crosswalk.md#the-link-cache).
   */
  readonly crosswalkLinks?: CrosswalkLinkCache;
}

/** A vendor's webhook: a path of the HTTP server an operator exposes to the vendor, waking the change capture. */
export interface VendorWebhook {
  readonly path: string;
  /** Its request handler, given the change capture's wake (which polls the named streams now). */
  listener(wake: (streams: readonly string[]) => Promise<void>): RequestListener;
}

/** Where HubSpot delivers its webhooks (TESSERA_HUBSPOT_WEBHOOK_URL is the public URL that reaches it). */
export const HUBSPOT_WEBHOOK_PATH = '/webhooks/hubspot';

function hubspotWebhook(config: HubSpotConfig, stream: string): VendorWebhook {
  return {
    path: HUBSPOT_WEBHOOK_PATH,
    listener: (wake) =>
      hubspotWebhookListener(
        hubspotWebhookEndpoint({ clientSecret: () => config.webhookSecret?.reveal(), onDealChanged: () => wake([stream]) }),
        config.webhookUrl,
      ),
  };
}

/** What tests replace: the Salesforce org's clock and waits, and (for `both`) how the crosswalk's links are read and kept. */
export interface CrmVendorSeams extends SalesforceSeams {
  /** @default peerCrosswalkLookup: the integration subgraph's links, read through the peers */
  readonly crosswalk?: (transport: PeerTransport) => CrosswalkLookup;
  /** The link cache (`config.crosswalk.linkCacheTtlMs`; tests add a clock). @default none: every bound read asks */
  readonly linkCache?: LinkCacheOptions;
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
        webhooks: [],
      };
    }
    case 'hubspot': {
      const portal = connectHubSpot(config.hubspot!);
      const deals = dealChanges(portal);
      return {
        systemOfRecord: (ledger: Kysely<CapabilityTables>) => createHubSpotCrmAdapter(portal, ledger) as ReturnType<VendorSystemOfRecord>,
        changeStreams: [deals as unknown as ChangeStream<Change>],
        pollMs: config.hubspot!.pollMs,
        webhooks: [hubspotWebhook(config.hubspot!, deals.name)],
      };
    }
    case 'both': {
      // The parent's Salesforce and the acquired firm's HubSpot under the crosswalk (docs/crosswalk.md):
      // reads merge the two through the integration system's links, writes go to the system holding the record.
      const org = connectSalesforce(config.salesforce!, seams);
      const portal = connectHubSpot(config.hubspot!);
      const deals = dealChanges(portal);
      const links = createLinkCache(seams.linkCache ?? { ttlMs: 0 });
      return {
        systemOfRecord: (ledger: Kysely<CapabilityTables>, transport: PeerTransport) =>
          createCompositeCrmAdapter({
            primary: createSalesforceCrmAdapter(org, ledger),
            secondary: createHubSpotCrmAdapter(portal, ledger),
            crosswalk: links.over((seams.crosswalk ?? peerCrosswalkLookup)(transport)),
          }) as ReturnType<VendorSystemOfRecord>,
        changeStreams: [opportunityChanges(org) as unknown as ChangeStream<Change>, deals as unknown as ChangeStream<Change>],
        pollMs: Math.min(config.salesforce!.pollMs, config.hubspot!.pollMs),
        webhooks: [hubspotWebhook(config.hubspot!, deals.name)],
        crosswalkLinks: links,
      };
    }
  }
}
