/**
 * Record-level isolation: a caller sees only the rows of the legal entities in its token, and a
 * partner only the rows of its own customer accounts. A hidden row is exactly a missing one (the
 * same NOT_FOUND, absent from lists and counts, absent under every nested path), so the API is no
 * existence oracle. Subgraphs apply the same scope on their own, and refuse any call that does not
 * carry a principal the gateway signed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.ts';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../../auth/internalPrincipal.ts';
import { principalFromClaims, type PrincipalClaims } from '../../auth/principal.ts';
import { generateDataset, type Dataset } from '../../seed/generate.ts';
import { startSystemServer } from '../../systems/kernel/startSystemServer.ts';
import type { SubgraphServer } from '../../systems/kernel/subgraphServer.ts';
import { SYSTEMS } from '../../systems/systems.ts';
import { callSubgraph, startAuthTessera, type AuthTestTessera } from '../harness/authTessera.ts';
import { logSink } from '../harness/logSink.ts';
import type { GraphQLBody } from '../harness/startTestTessera.ts';

const ALL_SCOPES = 'crm:read psa:read erp:read psa:cost';
const UK_ONLY: PrincipalClaims = { sub: 'uk-controller', scope: ALL_SCOPES, legal_entities: ['UK01'] };
const UK = 'le_UK01';
const US = 'le_US01';

let tessera: AuthTestTessera;
let data: Dataset;
let ukToken: string;
const subgraphLogs = logSink();
const subgraphs: Partial<Record<'crm' | 'psa' | 'erp', SubgraphServer>> = {};

// These reads never reach a peer system; a call that tried would fail loudly.
const noPeers = { fetcher: () => Promise.reject(new Error('no peer calls in this suite')), urlOf: (name: string) => name };

beforeAll(async () => {
  data = generateDataset({ scale: 's' });
  tessera = await startAuthTessera({ scale: 's' });
  ukToken = await tessera.token(UK_ONLY);
  // The subgraphs as a caller that bypasses the gateway would reach them: on the same databases.
  const logger = createLogger('debug', subgraphLogs.stream);
  const { crm, psa, erp } = tessera.tessera.systems;
  if (!crm || !psa || !erp) throw new Error('the reference systems run in process in tests');
  subgraphs.crm = await startSystemServer(SYSTEMS.crm, crm, logger, tessera.internalSecret, noPeers);
  subgraphs.psa = await startSystemServer(SYSTEMS.psa, psa, logger, tessera.internalSecret, noPeers);
  subgraphs.erp = await startSystemServer(SYSTEMS.erp, erp, logger, tessera.internalSecret, noPeers);
});
afterAll(async () => {
  for (const server of Object.values(subgraphs)) await server.stop();
  await tessera?.stop();
});

async function ask(query: string, token: string, variables?: Record<string, unknown>): Promise<{ status: number; body: GraphQLBody }> {
  const response = await tessera.request({ query, ...(variables ? { variables } : {}) }, { authorization: `Bearer ${token}` });
  return { status: response.status, body: response.body };
}

const byId = <T extends { id: string }>(rows: readonly T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const sorted = (values: Iterable<string>) => [...values].sort();
function first<T>(rows: readonly T[], what: string, predicate: (row: T) => boolean): T {
  const found = rows.find(predicate);
  if (!found) throw new Error(`the dataset has no ${what}`);
  return found;
}

describe('a caller scoped to UK01', () => {
  it('gets NOT_FOUND for a US01 record by id: the same answer as for an id that does not exist', async () => {
    const cases = [
      {
        field: 'project',
        type: 'Project',
        select: 'code',
        hidden: first(data.psa.projects, 'US01 project', (r) => r.legal_entity_id === US).id,
      },
      {
        field: 'invoice',
        type: 'Invoice',
        select: 'invoiceNumber',
        hidden: first(data.erp.invoices, 'US01 invoice', (r) => r.legal_entity_id === US).id,
      },
      {
        field: 'contract',
        type: 'Contract',
        select: 'contractNumber',
        hidden: first(data.crm.contracts, 'US01 contract', (r) => r.legal_entity_id === US).id,
      },
      {
        field: 'opportunity',
        type: 'Opportunity',
        select: 'name',
        hidden: first(data.crm.opportunities, 'US01 opportunity', (r) => r.legal_entity_id === US).id,
      },
      {
        field: 'billingDraft',
        type: 'BillingDraft',
        select: 'id',
        hidden: first(data.psa.billing_drafts, 'US01 draft', (r) => r.legal_entity_id === US).id,
      },
      {
        field: 'payment',
        type: 'Payment',
        select: 'paymentNumber',
        hidden: first(data.erp.payments, 'US01 payment', (r) => r.legal_entity_id === US).id,
      },
      { field: 'legalEntity', type: 'LegalEntity', select: 'code', hidden: US },
    ];
    for (const { field, type, select, hidden } of cases) {
      const query = `query Lookup($id: ID!) { ${field}(id: $id) { ${select} } }`;
      const seen = await ask(query, ukToken, { id: hidden });
      const missing = await ask(query, ukToken, { id: `${hidden}_nope` });
      const service = ['project', 'billingDraft'].includes(field) ? 'psa' : ['contract', 'opportunity'].includes(field) ? 'crm' : 'erp';
      expect({ field, ...seen }).toEqual({
        field,
        status: 200,
        body: {
          errors: [
            { message: `${type} "${hidden}" was not found.`, path: [field], extensions: { code: 'NOT_FOUND', serviceName: service } },
          ],
          data: { [field]: null },
        },
      });
      // No existence oracle: apart from the id quoted back, a hidden row and a missing one answer alike.
      expect(JSON.stringify(seen).replaceAll(hidden, 'ID')).toBe(JSON.stringify(missing).replaceAll(`${hidden}_nope`, 'ID'));
    }
  });

  it('lists only UK01 projects, and counts only them', async () => {
    const uk = byId(data.psa.projects.filter((project) => project.legal_entity_id === UK));
    const response = await ask('{ projects(first: 100) { totalCount nodes { id code } } }', ukToken);
    expect(response).toEqual({
      status: 200,
      body: { data: { projects: { totalCount: uk.length, nodes: uk.map(({ id, code }) => ({ id, code })) } } },
    });
    const usCodes = new Set(data.psa.projects.filter((project) => project.legal_entity_id === US).map((project) => project.code));
    expect(usCodes.size).toBeGreaterThan(0);
    expect(JSON.stringify(response.body)).not.toMatch(/US01/);
  });

  it('finds nothing when it filters on the hidden legal entity', async () => {
    const response = await ask(
      `{ projects(filter: { legalEntityId: "${US}" }) { totalCount nodes { code } } invoices(filter: { legalEntityId: "${US}" }) { totalCount nodes { invoiceNumber } } }`,
      ukToken,
    );
    expect(response).toEqual({
      status: 200,
      body: { data: { projects: { totalCount: 0, nodes: [] }, invoices: { totalCount: 0, nodes: [] } } },
    });
  });

  it('pages only UK01 invoices', async () => {
    const uk = byId(data.erp.invoices.filter((invoice) => invoice.legal_entity_id === UK));
    expect(uk.length).toBeGreaterThan(5);
    const firstPage = await ask(
      '{ invoices(first: 5) { totalCount pageInfo { hasNextPage endCursor } nodes { invoiceNumber legalEntity { code } } } }',
      ukToken,
    );
    const page = (
      firstPage.body.data as { invoices: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: unknown[] } }
    ).invoices;
    expect(page.totalCount).toBe(uk.length);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.nodes).toEqual(uk.slice(0, 5).map((invoice) => ({ invoiceNumber: invoice.invoice_number, legalEntity: { code: 'UK01' } })));
    const rest = await ask(
      'query Rest($after: String) { invoices(first: 100, after: $after) { totalCount pageInfo { hasNextPage } nodes { invoiceNumber } } }',
      ukToken,
      { after: page.pageInfo.endCursor },
    );
    expect(rest).toEqual({
      status: 200,
      body: {
        data: {
          invoices: {
            totalCount: uk.length,
            pageInfo: { hasNextPage: false },
            nodes: uk.slice(5).map((invoice) => ({ invoiceNumber: invoice.invoice_number })),
          },
        },
      },
    });
  });

  it("sees no US01 row under a nested path (a US01 customer's projects, invoices, balances, deals)", async () => {
    const project = first(data.psa.projects, 'US01 customer project', (row) => row.legal_entity_id === US && row.account_id !== null);
    const accountId = project.account_id!;
    expect(data.erp.invoices.some((invoice) => invoice.account_id === accountId && invoice.legal_entity_id === US)).toBe(true);
    const query = `query Customer($id: ID!) { account(id: $id) { id projects { code } invoices { invoiceNumber } arBalances { amount currency }
      opportunities { id } contracts { id } billingProfiles { customerNumber } creditHold } }`;
    const response = await ask(query, ukToken, { id: accountId });
    const ukRows = <T extends { account_id: string | null; legal_entity_id: string }>(rows: readonly T[]) =>
      rows.filter((row) => row.account_id === accountId && row.legal_entity_id === UK);
    const account = (response.body.data as { account: Record<string, { [key: string]: string }[]> }).account;
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    expect({
      projects: sorted(account.projects!.map((row) => row.code!)),
      invoices: sorted(account.invoices!.map((row) => row.invoiceNumber!)),
      opportunities: sorted(account.opportunities!.map((row) => row.id!)),
      contracts: sorted(account.contracts!.map((row) => row.id!)),
      billingProfiles: sorted(account.billingProfiles!.map((row) => row.customerNumber!)),
    }).toEqual({
      projects: sorted(ukRows(data.psa.projects).map((row) => row.code)),
      invoices: sorted(ukRows(data.erp.invoices).map((row) => row.invoice_number)),
      opportunities: sorted(ukRows(data.crm.opportunities).map((row) => row.id)),
      contracts: sorted(ukRows(data.crm.contracts).map((row) => row.id)),
      billingProfiles: sorted(ukRows(data.erp.billing_profiles).map((row) => row.customer_number)),
    });
    // The account itself is not scoped by legal entity, only what hangs off it.
    expect(account.id).toBe(accountId);
    expect(account.arBalances).toEqual([]);
    expect(JSON.stringify(response.body)).not.toMatch(/US01/);
  });

  it('sees only the UK01 half of an account that has deals in both legal entities', async () => {
    const mixed = first(data.crm.accounts, 'account with deals in both legal entities', (account) => {
      const entities = new Set(data.crm.opportunities.filter((deal) => deal.account_id === account.id).map((deal) => deal.legal_entity_id));
      return entities.has(UK) && entities.has(US);
    });
    const response = await ask(`{ account(id: "${mixed.id}") { id opportunities { id legalEntity { code } } } }`, ukToken);
    const expected = data.crm.opportunities
      .filter((deal) => deal.account_id === mixed.id && deal.legal_entity_id === UK)
      .sort((a, b) => (a.close_date === b.close_date ? (a.id < b.id ? -1 : 1) : a.close_date < b.close_date ? 1 : -1))
      .map((deal) => ({ id: deal.id, legalEntity: { code: 'UK01' } }));
    expect(expected.length).toBeGreaterThan(0);
    expect(response).toEqual({ status: 200, body: { data: { account: { id: mixed.id, opportunities: expected } } } });
  });

  it('lists only UK01 among legal entities, and only UK01 deals, contracts and drafts', async () => {
    const response = await ask(
      `{ legalEntities { code }
      opportunities(first: 500) { totalCount nodes { id } } contracts(first: 500) { totalCount nodes { id } }
      projects(first: 500) { nodes { billingDrafts { id legalEntity { code } } } } }`,
      ukToken,
    );
    const uk = <T extends { legal_entity_id: string; id: string }>(rows: readonly T[]) =>
      byId(rows.filter((row) => row.legal_entity_id === UK)).map((row) => row.id);
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const body = response.body.data as {
      legalEntities: unknown;
      opportunities: { totalCount: number; nodes: { id: string }[] };
      contracts: { totalCount: number; nodes: { id: string }[] };
      projects: { nodes: { billingDrafts: { id: string; legalEntity: { code: string } }[] }[] };
    };
    expect(body.legalEntities).toEqual([{ code: 'UK01' }]);
    expect({ totalCount: body.opportunities.totalCount, ids: body.opportunities.nodes.map((node) => node.id) }).toEqual({
      totalCount: uk(data.crm.opportunities).length,
      ids: uk(data.crm.opportunities),
    });
    expect({ totalCount: body.contracts.totalCount, ids: body.contracts.nodes.map((node) => node.id) }).toEqual({
      totalCount: uk(data.crm.contracts).length,
      ids: uk(data.crm.contracts),
    });
    const drafts = body.projects.nodes.flatMap((project) => project.billingDrafts);
    expect(sorted(drafts.map((draft) => draft.id))).toEqual(uk(data.psa.billing_drafts));
    expect(new Set(drafts.map((draft) => draft.legalEntity.code))).toEqual(new Set(['UK01']));
  });
});

describe('people across legal entities', () => {
  it('shows a colleague employed by a hidden legal entity with homeLegalEntity null, and no error or data loss', async () => {
    const hiddenHome = byId(data.psa.resources.filter((r) => r.home_legal_entity_id === US));
    const response = await ask('{ resources(first: 500) { totalCount nodes { id homeLegalEntity { code } } } }', ukToken);
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const nodes = (
      response.body.data as { resources: { totalCount: number; nodes: { id: string; homeLegalEntity: { code: string } | null }[] } }
    ).resources.nodes;
    expect(nodes).toHaveLength(data.psa.resources.length);
    expect(nodes.filter((node) => node.homeLegalEntity === null).map((node) => node.id)).toEqual(hiddenHome.map((r) => r.id));
    expect(hiddenHome.length).toBeGreaterThan(0);
  });
});

describe('a partner token', () => {
  const partnerAccount = () =>
    first(data.crm.accounts, 'customer with projects in UK01', (account) =>
      data.psa.projects.some((project) => project.account_id === account.id && project.legal_entity_id === UK),
    ).id;
  let partnerToken: string;
  beforeAll(async () => {
    partnerToken = await tessera.token({ sub: 'partner-1', scope: ALL_SCOPES, legal_entities: '*', partner_accounts: [partnerAccount()] });
  });

  it('sees its own account only: other accounts are NOT_FOUND, like missing ones', async () => {
    const own = partnerAccount();
    const other = first(data.crm.accounts, 'another account', (account) => account.id !== own).id;
    const query = 'query Account($id: ID!) { account(id: $id) { id name } }';
    expect(await ask(query, partnerToken, { id: own })).toEqual({
      status: 200,
      body: { data: { account: { id: own, name: first(data.crm.accounts, 'own', (account) => account.id === own).name } } },
    });
    const hidden = await ask(query, partnerToken, { id: other });
    expect(hidden).toEqual({
      status: 200,
      body: {
        errors: [
          { message: `Account "${other}" was not found.`, path: ['account'], extensions: { code: 'NOT_FOUND', serviceName: 'crm' } },
        ],
        data: { account: null },
      },
    });
    const missing = await ask(query, partnerToken, { id: 'acc_nope' });
    expect(JSON.stringify(hidden).replaceAll(other, 'ID')).toBe(JSON.stringify(missing).replaceAll('acc_nope', 'ID'));
  });

  it("lists and counts only its account and that account's projects, invoices and deals", async () => {
    const own = partnerAccount();
    const response = await ask(
      `{ accounts(first: 500) { totalCount nodes { id } } projects(first: 500) { totalCount nodes { code customer { id } } }
      invoices(first: 500) { totalCount nodes { invoiceNumber customer { id } } } opportunities(first: 500) { totalCount nodes { id } } }`,
      partnerToken,
    );
    const projects = byId(data.psa.projects.filter((project) => project.account_id === own));
    const invoices = byId(data.erp.invoices.filter((invoice) => invoice.account_id === own));
    const deals = byId(data.crm.opportunities.filter((deal) => deal.account_id === own));
    expect(projects.length).toBeGreaterThan(0);
    expect(response).toEqual({
      status: 200,
      body: {
        data: {
          accounts: { totalCount: 1, nodes: [{ id: own }] },
          projects: { totalCount: projects.length, nodes: projects.map((project) => ({ code: project.code, customer: { id: own } })) },
          invoices: {
            totalCount: invoices.length,
            nodes: invoices.map((invoice) => ({ invoiceNumber: invoice.invoice_number, customer: { id: own } })),
          },
          opportunities: { totalCount: deals.length, nodes: deals.map((deal) => ({ id: deal.id })) },
        },
      },
    });
  });

  it("does not see internal projects (no customer) or another customer's project", async () => {
    const internal = first(data.psa.projects, 'internal project', (project) => project.account_id === null);
    const foreign = first(
      data.psa.projects,
      'foreign project',
      (project) => project.account_id !== null && project.account_id !== partnerAccount(),
    );
    for (const id of [internal.id, foreign.id]) {
      expect(await ask(`{ project(id: "${id}") { code } }`, partnerToken)).toEqual({
        status: 200,
        body: {
          errors: [{ message: `Project "${id}" was not found.`, path: ['project'], extensions: { code: 'NOT_FOUND', serviceName: 'psa' } }],
          data: { project: null },
        },
      });
    }
  });
});

describe('subgraphs called directly', () => {
  const principalHeader = (claims: PrincipalClaims, secret = tessera.internalSecret, now?: () => number) =>
    signInternalPrincipal(principalFromClaims(claims), secret, { requestId: 'direct-call', ...(now ? { now } : {}) });
  const entities = (typename: string, id: string, select: string) => ({
    query: `query Entities($representations: [_Any!]!) { _entities(representations: $representations) { ... on ${typename} { ${select} } } }`,
    variables: { representations: [{ __typename: typename, id }] },
  });

  it("resolve no entity outside the signed principal's legal entities (_entities gives null)", async () => {
    const usProject = first(data.psa.projects, 'US01 project', (row) => row.legal_entity_id === US);
    const ukProject = first(data.psa.projects, 'UK01 project', (row) => row.legal_entity_id === UK);
    const header = { [INTERNAL_PRINCIPAL_HEADER]: principalHeader(UK_ONLY) };
    expect(await callSubgraph(subgraphs.psa!, entities('Project', usProject.id, 'code'), header)).toEqual({
      status: 200,
      body: { data: { _entities: [null] } },
    });
    // Control: the same call finds a UK01 project, and a principal for all legal entities finds the US01 one.
    expect(await callSubgraph(subgraphs.psa!, entities('Project', ukProject.id, 'code'), header)).toEqual({
      status: 200,
      body: { data: { _entities: [{ code: ukProject.code }] } },
    });
    expect(
      await callSubgraph(subgraphs.psa!, entities('Project', usProject.id, 'code'), {
        [INTERNAL_PRINCIPAL_HEADER]: principalHeader({ ...UK_ONLY, legal_entities: '*' }),
      }),
    ).toEqual({ status: 200, body: { data: { _entities: [{ code: usProject.code }] } } });

    const usInvoice = first(data.erp.invoices, 'US01 invoice', (row) => row.legal_entity_id === US);
    expect(await callSubgraph(subgraphs.erp!, entities('Invoice', usInvoice.id, 'invoiceNumber'), header)).toEqual({
      status: 200,
      body: { data: { _entities: [null] } },
    });
    const usContract = first(data.crm.contracts, 'US01 contract', (row) => row.legal_entity_id === US);
    expect(await callSubgraph(subgraphs.crm!, entities('Contract', usContract.id, 'contractNumber'), header)).toEqual({
      status: 200,
      body: { data: { _entities: [null] } },
    });
    // The ERP's figures of a US01 project resolve (the entity always does), but empty.
    expect(
      await callSubgraph(
        subgraphs.erp!,
        entities('Project', usProject.id, 'erpProjectNumber billedToDate { amount } invoices { invoiceNumber } revenueSchedules { id }'),
        header,
      ),
    ).toEqual({
      status: 200,
      body: { data: { _entities: [{ erpProjectNumber: null, billedToDate: null, invoices: [], revenueSchedules: [] }] } },
    });
  });

  it("show a partner no ERP figures of another customer's project, even when asked directly", async () => {
    const customers = [...new Set(data.erp.erp_projects.map((row) => row.account_id).filter((id): id is string => id !== null))].sort();
    const [mine, theirs] = [customers[0]!, customers[1]!];
    const other = first(data.erp.erp_projects, "another customer's ERP project", (row) => row.account_id === theirs);
    const own = first(data.erp.erp_projects, 'own ERP project', (row) => row.account_id === mine);
    const header = {
      [INTERNAL_PRINCIPAL_HEADER]: principalHeader({ sub: 'partner', scope: ALL_SCOPES, legal_entities: '*', partner_accounts: [mine] }),
    };
    expect(
      await callSubgraph(subgraphs.erp!, entities('Project', other.project_id, 'erpProjectNumber billedToDate { amount }'), header),
    ).toEqual({ status: 200, body: { data: { _entities: [{ erpProjectNumber: null, billedToDate: null }] } } });
    expect(await callSubgraph(subgraphs.erp!, entities('Project', own.project_id, 'erpProjectNumber'), header)).toEqual({
      status: 200,
      body: { data: { _entities: [{ erpProjectNumber: own.erp_project_number }] } },
    });
  });

  it('refuse a call without the gateway principal header (401 UNAUTHENTICATED)', async () => {
    const project = first(data.psa.projects, 'US01 project', (row) => row.legal_entity_id === US);
    for (const server of Object.values(subgraphs)) {
      expect(await callSubgraph(server, { query: '{ __typename }' })).toEqual({
        status: 401,
        body: { errors: [{ message: 'Subgraphs answer only the gateway (missing).', extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    }
    expect(await callSubgraph(subgraphs.psa!, entities('Project', project.id, 'code'))).toEqual({
      status: 401,
      body: { errors: [{ message: 'Subgraphs answer only the gateway (missing).', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });

  it('refuse a forged, expired or client-style principal header (401 UNAUTHENTICATED)', async () => {
    const project = first(data.psa.projects, 'US01 project', (row) => row.legal_entity_id === US);
    const all = { ...UK_ONLY, legal_entities: '*' as const };
    const cases: [string, string][] = [
      ['bad-signature', principalHeader(all, randomBytes(32).toString('base64url'))],
      ['expired', principalHeader(all, tessera.internalSecret, () => Date.now() - 3_600_000)],
      // A client token signed with the dev key is not a gateway principal, even from a trusted issuer.
      ['bad-signature', await tessera.token(all)],
      ['malformed', 'not-a-token'],
    ];
    for (const [reason, header] of cases) {
      const answer = await callSubgraph(subgraphs.psa!, entities('Project', project.id, 'code'), { [INTERNAL_PRINCIPAL_HEADER]: header });
      expect({ reason, ...answer }).toEqual({
        reason,
        status: 401,
        body: { errors: [{ message: `Subgraphs answer only the gateway (${reason}).`, extensions: { code: 'UNAUTHENTICATED' } }] },
      });
    }
    expect(
      subgraphLogs.records.filter((record) => record.msg === 'subgraph call refused: no valid gateway principal').length,
    ).toBeGreaterThanOrEqual(cases.length);
    for (const [, header] of cases) expect(subgraphLogs.raw.some((line) => line.includes(header))).toBe(false);
  });
});
