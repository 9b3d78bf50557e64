/**
 * Record isolation as a property: for random principals (legal entities, partner accounts, scopes)
 * and random queries (lists and nested paths over projects, invoices, accounts, deals, contracts,
 * drafts and legal entities, with ids drawn from the dataset), no response ever contains a record
 * outside the principal's legal entities or partner accounts. Every typed object is checked against
 * the dataset row with its id, and every string of `data` that names a record (a code, a number,
 * an id) against that record; where a list root answers, its rows are exactly the visible ones.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { generateDataset, type Dataset } from '../../seed/generate.ts';
import { startAuthTessera, type AuthTestTessera } from '../harness/authTessera.ts';
import type { GraphQLBody } from '../harness/startTestTessera.ts';

const LEGAL_ENTITY_CODES = ['US01', 'UK01'] as const;
const SCOPES = ['crm:read', 'psa:read', 'erp:read', 'psa:cost'] as const;
const NUM_RUNS = 60;

interface Rights {
  readonly legalEntities: '*' | readonly string[];
  readonly partnerAccounts: readonly string[] | null;
  readonly scopes: readonly string[];
}

/** A scoped record as the policies see it. */
interface Scoped {
  readonly legalEntity: string | null;
  readonly account: string | null;
}

let tessera: AuthTestTessera;
let data: Dataset;
/** Records by `Typename:id`, with what scopes them. */
const records = new Map<string, Scoped>();
/** Strings that name a record (codes, numbers, ids), with the `Typename:id` of that record. */
const names = new Map<string, string>();

beforeAll(async () => {
  data = generateDataset({ scale: 's' });
  tessera = await startAuthTessera({ scale: 's' });
  const add = (typename: string, id: string, scoped: Scoped, ...aliases: string[]) => {
    records.set(`${typename}:${id}`, scoped);
    for (const name of [id, ...aliases]) names.set(name, `${typename}:${id}`);
  };
  for (const row of data.erp.legal_entities) add('LegalEntity', row.id, { legalEntity: row.id, account: '*' }, row.code);
  for (const row of data.crm.accounts) add('Account', row.id, { legalEntity: null, account: row.id });
  for (const row of data.psa.projects) add('Project', row.id, { legalEntity: row.legal_entity_id, account: row.account_id }, row.code);
  for (const row of data.erp.invoices)
    add('Invoice', row.id, { legalEntity: row.legal_entity_id, account: row.account_id }, row.invoice_number);
  for (const row of data.crm.contracts)
    add('Contract', row.id, { legalEntity: row.legal_entity_id, account: row.account_id }, row.contract_number);
  for (const row of data.crm.opportunities) add('Opportunity', row.id, { legalEntity: row.legal_entity_id, account: row.account_id });
  for (const row of data.psa.billing_drafts) add('BillingDraft', row.id, { legalEntity: row.legal_entity_id, account: row.account_id });
  for (const row of data.erp.payments)
    add('Payment', row.id, { legalEntity: row.legal_entity_id, account: row.account_id }, row.payment_number);
});
afterAll(() => tessera?.stop());

/** Whether the principal may see a record (`account: '*'`: not scoped by account, e.g. a legal entity). */
function visible(rights: Rights, scoped: Scoped): boolean {
  const entityOk =
    scoped.legalEntity === null ||
    rights.legalEntities === '*' ||
    rights.legalEntities.map((code) => `le_${code}`).includes(scoped.legalEntity);
  const accountOk =
    scoped.account === '*' ||
    rights.partnerAccounts === null ||
    (scoped.account !== null && rights.partnerAccounts.includes(scoped.account));
  return entityOk && accountOk;
}

/** Every `Typename:id` of `typename` the principal may see. */
function visibleIds(rights: Rights, typename: string, belongsTo: (id: string) => boolean = () => true): string[] {
  return [...records.entries()]
    .filter(([key, scoped]) => key.startsWith(`${typename}:`) && visible(rights, scoped) && belongsTo(key.slice(typename.length + 1)))
    .map(([key]) => key.slice(typename.length + 1))
    .sort();
}

/** The problems of one response: records outside the principal's scope, or strings that name one. */
function leaks(rights: Rights, body: GraphQLBody): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${path}.${index}`));
      return;
    }
    if (typeof value === 'string') {
      const named = names.get(value);
      if (named && !visible(rights, records.get(named)!))
        problems.push(`${path}: "${value}" names ${named}, outside the principal's scope`);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    if (typeof object.__typename === 'string' && object.__typename !== 'Query') {
      const key = `${object.__typename}:${String(object.id)}`;
      const scoped = records.get(key);
      if (!scoped) problems.push(`${path}: ${key} is not a record of the dataset (or the check does not know its type)`);
      else if (!visible(rights, scoped)) problems.push(`${path}: ${key} is outside the principal's scope`);
      // The names it carries belong to it.
      for (const field of ['code', 'invoiceNumber', 'contractNumber', 'paymentNumber']) {
        const name = object[field];
        if (typeof name === 'string' && names.get(name) !== key) problems.push(`${path}.${field}: "${name}" does not belong to ${key}`);
      }
    }
    for (const [field, child] of Object.entries(object)) walk(child, `${path}.${field}`);
  };
  walk(body.data, 'data');
  return problems;
}

type Query = { readonly shape: string; readonly query: string; readonly variables?: Record<string, unknown> };

/** Exact expectations a shape can check when its root answered (the root was allowed). */
function exactProblems(rights: Rights, query: Query, body: GraphQLBody): string[] {
  const problems: string[] = [];
  const d = (body.data ?? {}) as Record<string, unknown>;
  const ids = (nodes: unknown) => (Array.isArray(nodes) ? nodes.map((node) => String((node as { id: unknown }).id)).sort() : null);
  const compare = (label: string, actual: string[] | null, expected: string[]) => {
    if (actual !== null && JSON.stringify(actual) !== JSON.stringify(expected))
      problems.push(`${label}: got [${actual.join(', ')}], expected [${expected.join(', ')}]`);
  };
  const connection = (field: string, typename: string) => {
    const value = d[field] as { totalCount?: number; nodes?: unknown } | null | undefined;
    if (!value) return;
    const expected = visibleIds(rights, typename);
    if (value.totalCount !== undefined && value.totalCount !== expected.length)
      problems.push(`${field}.totalCount: got ${value.totalCount}, expected ${expected.length}`);
    compare(`${field}.nodes`, ids(value.nodes), expected);
  };
  connection('projects', 'Project');
  connection('invoices', 'Invoice');
  connection('accounts', 'Account');
  connection('opportunities', 'Opportunity');
  connection('contracts', 'Contract');
  if (Array.isArray(d.legalEntities)) compare('legalEntities', ids(d.legalEntities), visibleIds(rights, 'LegalEntity'));
  const account = d.account as Record<string, unknown> | null | undefined;
  if (query.shape === 'account' && account) {
    const id = String(query.variables!.id);
    const of = (rows: readonly { id: string; account_id: string | null }[]) =>
      new Set(rows.filter((row) => row.account_id === id).map((row) => row.id));
    const mine = {
      projects: of(data.psa.projects),
      invoices: of(data.erp.invoices),
      opportunities: of(data.crm.opportunities),
      contracts: of(data.crm.contracts),
    };
    compare(
      'account.projects',
      ids(account.projects),
      visibleIds(rights, 'Project', (row) => mine.projects.has(row)),
    );
    compare(
      'account.invoices',
      ids(account.invoices),
      visibleIds(rights, 'Invoice', (row) => mine.invoices.has(row)),
    );
    compare(
      'account.opportunities',
      ids(account.opportunities),
      visibleIds(rights, 'Opportunity', (row) => mine.opportunities.has(row)),
    );
    compare(
      'account.contracts',
      ids(account.contracts),
      visibleIds(rights, 'Contract', (row) => mine.contracts.has(row)),
    );
    if (Array.isArray(account.arBalances)) {
      // Open receivables are summed per currency over the visible open invoices only.
      const open = data.erp.invoices.filter(
        (row) =>
          row.account_id === id &&
          (row.status === 'POSTED' || row.status === 'PARTIALLY_PAID') &&
          visible(rights, records.get(`Invoice:${row.id}`)!),
      );
      const currencies = (account.arBalances as { currency: string }[]).map((money) => money.currency).sort();
      compare('account.arBalances currencies', currencies, [...new Set(open.map((row) => row.currency))].sort());
    }
  }
  return problems;
}

describe('record isolation (property)', () => {
  it(`never answers a record outside the principal's legal entities or partner accounts (${NUM_RUNS} random principals × queries)`, async () => {
    const projectIds = data.psa.projects.map((row) => row.id);
    const accountIds = data.crm.accounts.map((row) => row.id);
    // Partners are drawn mostly among accounts that have records, so their views are not all empty.
    const busyAccounts = [
      ...new Set(
        [...data.psa.projects, ...data.erp.invoices, ...data.crm.opportunities]
          .map((row) => row.account_id)
          .filter((id): id is string => id !== null),
      ),
    ];
    const invoiceIds = data.erp.invoices.map((row) => row.id);
    const draftIds = data.psa.billing_drafts.map((row) => row.id);

    const rightsArb: fc.Arbitrary<Rights> = fc.record({
      legalEntities: fc.oneof(fc.constant('*' as const), fc.subarray([...LEGAL_ENTITY_CODES])),
      partnerAccounts: fc.option(
        fc.uniqueArray(
          fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...busyAccounts) }, { weight: 1, arbitrary: fc.constantFrom(...accountIds) }),
          { maxLength: 3 },
        ),
        { nil: null, freq: 2 },
      ),
      // Mostly every read scope, so that the row-level checks (not the scope checks) are what is exercised.
      scopes: fc.oneof({ weight: 2, arbitrary: fc.constant([...SCOPES]) }, { weight: 1, arbitrary: fc.subarray([...SCOPES]) }),
    });
    const idOf = (ids: readonly string[], missing: string) =>
      fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.constant(missing) });
    const queryArb: fc.Arbitrary<Query> = fc.oneof(
      fc.constant({
        shape: 'projects',
        query: `{ projects(first: 100) { totalCount nodes { __typename id code customer { __typename id }
          invoices { __typename id invoiceNumber } billingDrafts { __typename id customer { __typename id } } } } }`,
      }),
      fc.constant({
        shape: 'invoices',
        query: `{ invoices(first: 100) { totalCount nodes { __typename id invoiceNumber customer { __typename id }
          project { __typename id code } payments { payment { __typename id paymentNumber } } } } }`,
      }),
      fc.constant({
        shape: 'deals',
        query: `{ legalEntities { __typename id code } accounts(first: 100) { totalCount nodes { __typename id } }
          opportunities(first: 100) { totalCount nodes { __typename id account { __typename id } legalEntity { __typename id code } } }
          contracts(first: 100) { totalCount nodes { __typename id contractNumber account { __typename id } projects { __typename id code } } } }`,
      }),
      idOf(accountIds, 'acc_nope').map((id) => ({
        shape: 'account',
        query: `query Account($id: ID!) { account(id: $id) { __typename id projects { __typename id code }
          invoices { __typename id invoiceNumber legalEntity { __typename id code } } arBalances { amount currency }
          opportunities { __typename id legalEntity { __typename id code } }
          contracts { __typename id contractNumber projects { __typename id code } invoices { __typename id invoiceNumber } } } }`,
        variables: { id },
      })),
      idOf(projectIds, 'prj_nope').map((id) => ({
        shape: 'project',
        query: `query Project($id: ID!) { project(id: $id) { __typename id code legalEntity { __typename id code }
          customer { __typename id invoices { __typename id invoiceNumber } projects { __typename id code } }
          contract { __typename id contractNumber invoices { __typename id invoiceNumber } projects { __typename id code } }
          billingDrafts { __typename id invoice { __typename id invoiceNumber } } invoices { __typename id invoiceNumber } } }`,
        variables: { id },
      })),
      fc.tuple(idOf(draftIds, 'bd_nope'), idOf(invoiceIds, 'inv_nope')).map(([draft, invoice]) => ({
        shape: 'documents',
        query: `query Documents($draft: ID!, $invoice: ID!) {
          billingDraft(id: $draft) { __typename id project { __typename id code } customer { __typename id }
            invoice { __typename id invoiceNumber } legalEntity { __typename id code } }
          invoice(id: $invoice) { __typename id invoiceNumber customer { __typename id projects { __typename id code } }
            contract { __typename id contractNumber } project { __typename id code billingDrafts { __typename id } } } }`,
        variables: { draft, invoice },
      })),
    );

    const shapes = new Map<string, number>();
    let rowsSeen = 0;
    await fc.assert(
      fc.asyncProperty(rightsArb, queryArb, async (rights, query) => {
        const claims: PrincipalClaims = {
          sub: 'property',
          legal_entities: rights.legalEntities === '*' ? '*' : [...rights.legalEntities],
          ...(rights.scopes.length > 0 ? { scope: rights.scopes.join(' ') } : {}),
          ...(rights.partnerAccounts !== null ? { partner_accounts: [...rights.partnerAccounts] } : {}),
        };
        const response = await tessera.request(
          { query: query.query, ...(query.variables ? { variables: query.variables } : {}) },
          {
            authorization: `Bearer ${await tessera.token(claims)}`,
          },
        );
        const context = `${query.shape} ${JSON.stringify(query.variables ?? {})} as ${JSON.stringify(claims)}`;
        expect(response.status, context).toBe(200);
        const codes = (response.body.errors ?? []).map((error) => error.extensions?.code);
        // Hidden rows are missing rows or denied fields, never a crash.
        expect(
          codes.filter((code) => !['FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND'].includes(String(code))),
          context,
        ).toEqual([]);
        expect([...leaks(rights, response.body), ...exactProblems(rights, query, response.body)], context).toEqual([]);
        shapes.set(query.shape, (shapes.get(query.shape) ?? 0) + 1);
        rowsSeen += (JSON.stringify(response.body.data ?? null).match(/"__typename"/g) ?? []).length;
      }),
      { numRuns: NUM_RUNS, interruptAfterTimeLimit: 50_000, markInterruptAsFailure: true },
    );
    // The run exercised every shape and saw real rows, not only denials.
    expect([...shapes.keys()].sort()).toEqual(['account', 'deals', 'documents', 'invoices', 'project', 'projects']);
    expect(rowsSeen).toBeGreaterThan(NUM_RUNS);
  });
});
