/**
 * The composite CRM's lookup of the crosswalk through the integration subgraph (docs/crosswalk.md#reading-both-crms):
 * a merge made through the gateway is a link `peerCrosswalkLookup` reads as `system:crm` (the
 * `crosswalkLinks` field only systems may call), with its survivorship rules by attribute; a caller
 * that is not a system is refused it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { principalFromClaims } from '../../../auth/principal.ts';
import { createLogger } from '../../../core/logger.ts';
import { createInProcessFetcher } from '../../../runtime/inProcessFetcher.ts';
import { peerCrosswalkLookup } from '../../../systems/crm/adapters/composite/crosswalkLookup.ts';
import { startSystemServer } from '../../../systems/kernel/startSystemServer.ts';
import type { SubgraphServer } from '../../../systems/kernel/subgraphServer.ts';
import { SYSTEMS } from '../../../systems/systems.ts';
import { callSubgraph, startAuthTessera, type AuthTestTessera } from '../../harness/authTessera.ts';
import { logSink } from '../../harness/logSink.ts';
import { ACME_HS, ACME_SF } from './acmeFixture.ts';

const URL = 'http://integration.test/graphql';
const noPeers = { fetcher: () => Promise.reject(new Error('no peer calls in this suite')), urlOf: (name: string) => name };

let tessera: AuthTestTessera;
let integration: SubgraphServer;

beforeAll(async () => {
  tessera = await startAuthTessera({ scale: 's' });
  const systems = tessera.tessera.systems;
  if (!systems.integration) throw new Error('the integration system runs in process in tests');
  integration = await startSystemServer(
    SYSTEMS.integration,
    systems.integration,
    createLogger('warn', logSink().stream),
    tessera.internalSecret,
    noPeers,
  );
}, 120_000);
afterAll(async () => {
  await integration?.stop();
  await tessera?.stop();
});

describe('peerCrosswalkLookup', () => {
  it('reads the merges in force from the integration subgraph, with their rules by attribute', async () => {
    const steward = await tessera.token({ sub: 'sam.steward', scope: 'crm:read crosswalk:write', legal_entities: '*' });
    const merged = await tessera.query(
      `mutation { mergeAccounts(input: { idempotencyKey: "peer-lookup", survivorId: "${ACME_SF}", duplicateId: "${ACME_HS}", expectedVersion: 1,
        survivorship: [{ field: ANNUAL_REVENUE, winner: "hubspot" }] }) { merge { status } userErrors { code } } }`,
      {},
      steward,
    );
    expect(merged).toEqual({ data: { mergeAccounts: { merge: { status: 'MERGED' }, userErrors: [] } } });

    const lookup = peerCrosswalkLookup({
      fetcher: createInProcessFetcher(new Map([[URL, integration]])),
      urlOf: () => URL,
      internalSecret: tessera.internalSecret,
    });
    expect(await lookup.links()).toEqual([
      {
        entityType: 'ACCOUNT',
        survivorId: ACME_SF,
        duplicateId: ACME_HS,
        survivorship: {
          name: 'salesforce',
          website: 'newest',
          industry: 'salesforce',
          segment: 'salesforce',
          type: 'survivor',
          annualRevenue: 'hubspot',
          employeeCount: 'salesforce',
        },
      },
    ]);
  });

  it('refuses the links to a caller that is not a system', async () => {
    const person = signInternalPrincipal(
      principalFromClaims({ sub: 'sam.steward', scope: 'crosswalk:read', legal_entities: '*' }),
      tessera.internalSecret,
      { requestId: 'direct' },
    );
    const answer = await callSubgraph(integration, { query: '{ crosswalkLinks { survivorId } }' }, { [INTERNAL_PRINCIPAL_HEADER]: person });
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
