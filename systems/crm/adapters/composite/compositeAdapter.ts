/**
 * The CRM on two systems of record at once, after an acquisition (docs/crosswalk.md#reading-both-crms):
 * `TESSERA_CRM_SYSTEM=both` puts the parent's CRM (`primary`) and the acquired firm's (`secondary`)
 * behind one CRM subgraph, with the crosswalk's links read once per request (from the process's link
 * cache when the runtime gives one: linkCache.ts). Reads answer each
 * customer once; capabilities write to the system that holds the record. Both adapters must be
 * remote (vendor APIs): the call is recorded in the primary's ledger, and each vendor write carries
 * the call's external key, so a retry never writes twice in either.
 */
import type { RemoteAdapter } from '../../../kernel/capability/adapter.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import { scopeAllowing, type Allowed, type RecordScope } from '../../../../policies/recordScope.ts';
import type { CrmPorts } from '../../ports/ports.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import { createCompositeCrmReads } from './compositeReads.ts';
import { createCompositeCrmWrites } from './compositeWrites.ts';
import type { CrosswalkLookup } from './crosswalkLookup.ts';
import { indexLinks, type Links } from './links.ts';

export interface CompositeCrmOptions {
  /** The parent's CRM (Salesforce): its ledger records the calls. */
  readonly primary: SystemOfRecord<CrmReadPort, CrmPorts>;
  /** The acquired firm's CRM (HubSpot). */
  readonly secondary: SystemOfRecord<CrmReadPort, CrmPorts>;
  /** The crosswalk's links (`peerCrosswalkLookup(transport)` in a deployment). */
  readonly crosswalk: CrosswalkLookup;
}

/**
 * A scope that sees a surviving account also sees what was merged into it (a partner's token names
 * canonical accounts; the duplicate's records carry the duplicate's id in its system).
 */
function widened(scope: RecordScope, links: Links): RecordScope {
  const accounts = scope.account;
  if (accounts === null || accounts === undefined) return scope;
  const allowed = { ...scope, account: links.expand('ACCOUNT', accounts) } as unknown as Allowed;
  return scopeAllowing(allowed);
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | null = null;
  return () => (made ??= make());
}

export function createCompositeCrmAdapter(options: CompositeCrmOptions): SystemOfRecord<CrmReadPort, CrmPorts> {
  const { primary, secondary, crosswalk } = options;
  const first = primary.capabilities;
  const second = secondary.capabilities;
  if (first.kind !== 'remote' || second.kind !== 'remote') {
    throw new TypeError('the composite CRM writes through two remote adapters (vendor APIs): a call cannot span two local transactions');
  }
  const links = async () => indexLinks(await crosswalk.links());
  const capabilities: RemoteAdapter<CrmPorts> = {
    kind: 'remote',
    bind(call, scope) {
      const bound = once(async () => {
        const index = await links();
        const visible = widened(scope, index);
        const systems = [first.bind(call, visible), second.bind(call, visible)];
        return { systems, ports: systems.map((ports) => ports.read), links: index };
      });
      return { read: createCompositeCrmReads(bound), write: createCompositeCrmWrites(bound) };
    },
  };
  return {
    reads(scope) {
      return createCompositeCrmReads(
        once(async () => {
          const index = await links();
          const visible = widened(scope, index);
          return { ports: [primary.reads(visible), secondary.reads(visible)], links: index };
        }),
      );
    },
    capabilities,
    ledger: primary.ledger,
    ledgerReads: primary.ledgerReads,
  };
}
