/**
 * What the composite CRM reads of the crosswalk (docs/crosswalk.md#reading-both-crms): the merges in
 * force, each a duplicate record of one CRM linked to its survivor, with an account merge's
 * survivorship rules. The integration system keeps them; the CRM reads them through its subgraph
 * (`crosswalkLinks`, signed as `system:crm`), as a system reads another only so.
 */
import { randomUUID } from 'node:crypto';
import { signInternalPrincipal } from '../../../../auth/internalPrincipal.ts';
import { createPeers, systemPrincipal, type PeerTransport } from '../../../kernel/capability/peers.ts';

export interface CrosswalkLink {
  readonly entityType: 'ACCOUNT' | 'OPPORTUNITY';
  readonly survivorId: string;
  readonly duplicateId: string;
  /** An account merge's winners by attribute (`name`, `annualRevenue`, ...): a system name, `survivor` or `newest`. */
  readonly survivorship: Readonly<Record<string, string>>;
}

export interface CrosswalkLookup {
  /** Every merge in force. */
  links(): Promise<readonly CrosswalkLink[]>;
}

const LINKS = '{ crosswalkLinks { entityType survivorId duplicateId survivorship { field winner } } }';

/** `ANNUAL_REVENUE` is `annualRevenue`. */
function attributeOf(field: string): string {
  return field.toLowerCase().replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

/** The links as the integration subgraph answers them, asked as `system:crm`. */
export function peerCrosswalkLookup(transport: PeerTransport): CrosswalkLookup {
  return {
    async links() {
      const requestId = randomUUID();
      const principalToken = signInternalPrincipal(systemPrincipal('crm'), transport.internalSecret, { requestId });
      const data = await createPeers(transport, 'crm', { requestId, principalToken }).step<{
        crosswalkLinks: {
          entityType: 'ACCOUNT' | 'OPPORTUNITY';
          survivorId: string;
          duplicateId: string;
          survivorship: { field: string; winner: string }[];
        }[];
      }>('integration', LINKS);
      return data.crosswalkLinks.map((link) => ({
        entityType: link.entityType,
        survivorId: link.survivorId,
        duplicateId: link.duplicateId,
        survivorship: Object.fromEntries(link.survivorship.map((rule) => [attributeOf(rule.field), rule.winner])),
      }));
    },
  };
}
