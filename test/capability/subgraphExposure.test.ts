/**
 * Where the data is: a system refuses an over-long input before a capability runs, and never
 * answers a partner a person's e-mail address, even when called without the gateway's checks
 * (docs/capabilities.md#input-lengths, docs/ownership.md#what-partners-see).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInternalPrincipal, INTERNAL_PRINCIPAL_HEADER } from '../../auth/internalPrincipal.ts';
import { principalFromClaims, type PrincipalClaims } from '../../auth/principal.ts';
import { createLogger } from '../../core/logger.ts';
import { startSystemServer } from '../../systems/kernel/startSystemServer.ts';
import type { SubgraphServer } from '../../systems/kernel/subgraphServer.ts';
import { SYSTEMS } from '../../systems/systems.ts';
import { callSubgraph, startAuthTessera, type AuthTestTessera } from '../harness/authTessera.ts';
import { crmDb, countRows, psaDb } from '../harness/capabilityRows.ts';
import { logSink } from '../harness/logSink.ts';
import { opportunityInput, salesforceCustomer, seededAccounts } from './crm/crmKit.ts';

let tessera: AuthTestTessera;
const servers: SubgraphServer[] = [];
let crm: SubgraphServer;
let psa: SubgraphServer;
// These calls never reach a peer system; a call that tried would fail loudly.
const noPeers = { fetcher: () => Promise.reject(new Error('no peer calls in this suite')), urlOf: (name: string) => name };

beforeAll(async () => {
  tessera = await startAuthTessera({ scale: 's' });
  const logger = createLogger('debug', logSink().stream);
  const systems = tessera.tessera.systems;
  if (!systems.crm || !systems.psa) throw new Error('the reference systems run in process in tests');
  crm = await startSystemServer(SYSTEMS.crm, systems.crm, logger, tessera.internalSecret, noPeers);
  psa = await startSystemServer(SYSTEMS.psa, systems.psa, logger, tessera.internalSecret, noPeers);
  servers.push(crm, psa);
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await tessera?.stop();
});

const as = (claims: PrincipalClaims) => ({
  [INTERNAL_PRINCIPAL_HEADER]: signInternalPrincipal(principalFromClaims(claims), tessera.internalSecret, { requestId: 'direct-call' }),
});
const WRITER: PrincipalClaims = { sub: 'direct-writer', scope: 'crm:read crm:write', legal_entities: '*' };

describe('the CRM subgraph, called directly', () => {
  it('refuses an opportunity name of 201 characters before the capability runs: no row, no audit entry', async () => {
    const customer = salesforceCustomer(await seededAccounts(tessera));
    const before = await countRows(crmDb(tessera), ['opportunities', 'audit_log', 'idempotency_records', 'outbox_events']);
    const answer = await callSubgraph(
      crm,
      {
        query: 'mutation($input: CreateOpportunityInput!) { createOpportunity(input: $input) { replayed } }',
        variables: { input: opportunityInput(customer.id, { name: 'z'.repeat(201) }) },
      },
      as(WRITER),
    );
    expect(answer).toEqual({
      status: 200,
      body: {
        data: null,
        errors: [
          {
            message: 'Mutation.createOpportunity: input.name is 201 characters long; at most 200 are allowed.',
            locations: [{ line: 1, column: 45 }],
            path: ['createOpportunity'],
            extensions: {
              code: 'BAD_USER_INPUT',
              coordinate: 'Mutation.createOpportunity',
              field: 'input.name',
              maxLength: 200,
              actual: 201,
            },
          },
        ],
      },
    });
    expect(await countRows(crmDb(tessera), ['opportunities', 'audit_log', 'idempotency_records', 'outbox_events'])).toEqual(before);
  });
});

describe('the PSA subgraph, called directly', () => {
  it("answers a partner a person's e-mail as null, an internal caller the address", async () => {
    const project = await psaDb(tessera)
      .selectFrom('projects')
      .innerJoin('assignments', 'assignments.project_id', 'projects.id')
      .innerJoin('resources', 'resources.id', 'assignments.resource_id')
      .select(['projects.account_id', 'resources.id', 'resources.email'])
      .where('projects.account_id', 'is not', null)
      .executeTakeFirstOrThrow();
    const query = {
      query: 'query($id: ID!) { resource(id: $id) { id email } }',
      variables: { id: project.id },
    };
    const partner = { sub: 'partner', scope: 'psa:read', legal_entities: '*' as const, partner_accounts: [project.account_id!] };
    expect(await callSubgraph(psa, query, as(partner))).toEqual({
      status: 200,
      body: { data: { resource: { id: project.id, email: null } } },
    });
    expect(await callSubgraph(psa, query, as({ sub: 'staffer', scope: 'psa:read', legal_entities: '*' }))).toEqual({
      status: 200,
      body: { data: { resource: { id: project.id, email: project.email } } },
    });
  });
});
