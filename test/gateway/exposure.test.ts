/**
 * What partners see (docs/ownership.md#what-partners-see): only the people working on their own
 * projects, never an e-mail address, and in the audit trail only their own calls
 * (docs/ownership.md#audit-visibility). A hidden person or entry answers exactly like a missing one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { newKey, startWith } from '../harness/capabilities.ts';
import { psaDb } from '../harness/capabilityRows.ts';
import type { TestTessera } from '../harness/startTestTessera.ts';
import { CREATE_OPPORTUNITY, call, opportunityInput, requestIdOf, seededAccounts } from '../capability/crm/crmKit.ts';

let tessera: TestTessera;
/** Two customer accounts with projects: partner A's and partner B's. */
let accountA: string;
let accountB: string;
/** Every person in the PSA, and the ones working on A's projects (assigned, with time, or managing one). */
let everyone: string[];
let onA: string[];

const partner = (sub: string, account: string): PrincipalClaims => ({
  sub,
  scope: 'crm:read crm:write psa:read audit:read',
  legal_entities: '*',
  partner_accounts: [account],
});

beforeAll(async () => {
  [tessera] = await startWith(async () => null);
  const db = psaDb(tessera);
  const projects = await db.selectFrom('projects').select(['id', 'account_id', 'project_manager_id']).execute();
  const accounts = [...new Set(projects.map((p) => p.account_id).filter((a): a is string => a !== null))].sort();
  [accountA, accountB] = [accounts[0]!, accounts[1]!];
  const ofA = projects.filter((p) => p.account_id === accountA).map((p) => p.id);
  const assigned = await db.selectFrom('assignments').select('resource_id').where('project_id', 'in', ofA).execute();
  const timed = await db.selectFrom('timecards').select('resource_id').where('project_id', 'in', ofA).execute();
  const managers = projects.filter((p) => p.account_id === accountA && p.project_manager_id !== null).map((p) => p.project_manager_id!);
  onA = [...new Set([...assigned.map((r) => r.resource_id), ...timed.map((r) => r.resource_id), ...managers])].sort();
  everyone = (await db.selectFrom('resources').select('id').orderBy('id').execute()).map((r) => r.id);
});
afterAll(() => tessera?.stop());

async function ask(claims: PrincipalClaims, query: string, variables?: Record<string, unknown>) {
  const token = await tessera.token(claims);
  const response = await tessera.request({ query, ...(variables ? { variables } : {}) }, { authorization: `Bearer ${token}` });
  // The response's cost report (extensions.cost) is demand control's concern, not this suite's.
  const { extensions: _extensions, ...body } = response.body as typeof response.body & { extensions?: unknown };
  return { status: response.status, body };
}

const denied = (path: (string | number)[]) => ({
  message: 'Not authorized to read Resource.email (denied by policy internalOnly).',
  path,
  extensions: { code: 'FORBIDDEN', coordinate: 'Resource.email', reason: 'denied by policy internalOnly' },
});

describe('the staff directory, for a partner', () => {
  it('lists only the people working on its projects, counted after the scope', async () => {
    expect(onA.length).toBeGreaterThan(0);
    expect(onA.length).toBeLessThan(everyone.length);
    const answer = await ask(partner('partner-a', accountA), '{ resources(first: 500) { totalCount nodes { id } } }');
    expect(answer).toEqual({ status: 200, body: { data: { resources: { totalCount: onA.length, nodes: onA.map((id) => ({ id })) } } } });
  });

  it('an internal caller of one legal entity still sees every colleague (intercompany)', async () => {
    const answer = await ask(
      { sub: 'uk-staffer', scope: 'psa:read', legal_entities: ['UK01'] },
      '{ resources(first: 500) { totalCount } }',
    );
    expect(answer).toEqual({ status: 200, body: { data: { resources: { totalCount: everyone.length } } } });
  });

  it('a person off its projects, looked up by id, answers exactly like one that does not exist', async () => {
    const hidden = everyone.find((id) => !onA.includes(id))!;
    const lookup = (id: string) => ask(partner('partner-a', accountA), 'query($id: ID!) { resource(id: $id) { id name } }', { id });
    const [ofHidden, ofMissing] = await Promise.all([lookup(hidden), lookup('res_9999999')]);
    const shape = (answer: typeof ofHidden, id: string) => JSON.parse(JSON.stringify(answer).replaceAll(id, '<id>')) as unknown;
    expect(shape(ofHidden, hidden)).toEqual(shape(ofMissing, 'res_9999999'));
    expect(ofMissing).toEqual({
      status: 200,
      body: {
        data: { resource: null },
        errors: [
          {
            message: ofMissing.body.errors![0]!.message,
            path: ['resource'],
            extensions: { code: 'NOT_FOUND', serviceName: 'psa' },
          },
        ],
      },
    });
  });

  it('never reads an e-mail address: null and FORBIDDEN at its path, the rest answered', async () => {
    const visible = onA[0]!;
    const name = (await psaDb(tessera).selectFrom('resources').select('name').where('id', '=', visible).executeTakeFirstOrThrow()).name;
    const answer = await ask(partner('partner-a', accountA), 'query($id: ID!) { resource(id: $id) { id name email } }', { id: visible });
    expect(answer).toEqual({
      status: 200,
      body: { data: { resource: { id: visible, name, email: null } }, errors: [denied(['resource', 'email'])] },
    });
  });

  it('nor through its projects: every assignment answers its person with email null, one error per path', async () => {
    const answer = await ask(
      partner('partner-a', accountA),
      `{ projects(first: 1, filter: { customerId: "${accountA}" }) { nodes { assignments { resource { id email } } } } }`,
    );
    const nodes = (answer.body.data as { projects: { nodes: { assignments: { resource: { id: string; email: null } }[] }[] } }).projects
      .nodes;
    const assignments = nodes[0]!.assignments;
    expect(assignments.length).toBeGreaterThan(0);
    expect(assignments.every((a) => a.resource.email === null && onA.includes(a.resource.id))).toBe(true);
    expect(answer.body.errors).toEqual(assignments.map((_, i) => denied(['projects', 'nodes', 0, 'assignments', i, 'resource', 'email'])));
  });

  it('an internal caller reads e-mail addresses as before', async () => {
    const visible = onA[0]!;
    const email = (await psaDb(tessera).selectFrom('resources').select('email').where('id', '=', visible).executeTakeFirstOrThrow()).email;
    const answer = await ask(
      { sub: 'staffer', scope: 'psa:read', legal_entities: '*' },
      'query($id: ID!) { resource(id: $id) { email } }',
      {
        id: visible,
      },
    );
    expect(answer).toEqual({ status: 200, body: { data: { resource: { email } } } });
  });
});

describe('the audit trail, for a partner', () => {
  const TRAIL = 'query($filter: AuditFilter) { crmAuditLog(first: 500, filter: $filter) { totalCount nodes { principal requestId } } }';
  let requestA: string;
  let requestB: string;

  beforeAll(async () => {
    const accounts = await seededAccounts(tessera);
    const customer = accounts.find((a) => a.type === 'CUSTOMER')!;
    // Whatever the business rules answer, each call is one audit entry of its caller.
    const byA = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id, { idempotencyKey: newKey() }), {
      claims: partner('partner-a', accountA),
    });
    const byB = await call(tessera, CREATE_OPPORTUNITY, opportunityInput(customer.id, { idempotencyKey: newKey() }), {
      claims: partner('partner-b', accountB),
    });
    [requestA, requestB] = [requestIdOf(byA), requestIdOf(byB)];
  });

  it('shows partner A its own calls only', async () => {
    const answer = await ask(partner('partner-a', accountA), TRAIL);
    expect(answer).toEqual({
      status: 200,
      body: { data: { crmAuditLog: { totalCount: 1, nodes: [{ principal: 'partner-a', requestId: requestA }] } } },
    });
  });

  it("answers a filter on partner B's request or subject exactly like one on a request that never happened", async () => {
    const empty = { status: 200, body: { data: { crmAuditLog: { totalCount: 0, nodes: [] } } } };
    const a = partner('partner-a', accountA);
    expect(await ask(a, TRAIL, { filter: { requestId: requestB } })).toEqual(empty);
    expect(await ask(a, TRAIL, { filter: { requestId: 'no-such-request' } })).toEqual(empty);
    expect(await ask(a, TRAIL, { filter: { principal: 'partner-b' } })).toEqual(empty);
  });

  it('shows an internal auditor with every legal entity both calls', async () => {
    const answer = await ask({ sub: 'auditor', scope: 'audit:read', legal_entities: '*' }, TRAIL, {
      filter: { capability: 'crm.createOpportunity' },
    });
    const nodes = (answer.body.data as { crmAuditLog: { nodes: { principal: string; requestId: string }[] } }).crmAuditLog.nodes;
    expect(nodes.filter((n) => n.principal.startsWith('partner-'))).toEqual([
      { principal: 'partner-a', requestId: requestA },
      { principal: 'partner-b', requestId: requestB },
    ]);
  });
});
