/**
 * Field-level decisions through the running gateway: a field the caller's scopes do not cover is
 * removed before planning (no subgraph reads it), comes back null (or nulls its nearest nullable
 * parent) with one FORBIDDEN error per concrete path, and the rest of the operation answers. In
 * `reject` mode any denied field refuses the whole operation instead.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEVELOPMENT_TOKEN_HINT } from '../../gateway/http/tokenHint.ts';
import type { SystemName } from '../../systems/systems.ts';
import { generateDataset, type Dataset } from '../../seed/generate.ts';
import { startAuthTessera, type AuthTestTessera } from '../harness/authTessera.ts';
import { expectedBilled } from '../harness/expectations.ts';

const PROJECT = 'prj_00008';
const PSA_ONLY = { sub: 'psa-reader', scope: 'psa:read', legal_entities: '*' as const };

let tessera: AuthTestTessera;
let data: Dataset;
let psaOnly: string;
const statements: Record<SystemName, number> = { crm: 0, psa: 0, erp: 0, integration: 0 };

beforeAll(async () => {
  data = generateDataset({ scale: 's' });
  tessera = await startAuthTessera({ scale: 's', onQuery: (system) => void (statements[system] += 1) });
  psaOnly = await tessera.token(PSA_ONLY);
});
afterAll(() => tessera?.stop());
beforeEach(() => {
  statements.crm = statements.psa = statements.erp = statements.integration = 0;
});

function post(tessera: AuthTestTessera, query: string, token: string | null, variables?: Record<string, unknown>) {
  return tessera.request({ query, ...(variables ? { variables } : {}) }, { authorization: token === null ? null : `Bearer ${token}` });
}

function forbidden(coordinate: string, scope: string, path: (string | number)[]) {
  const reason = `requires scope ${scope}`;
  return { message: `Not authorized to read ${coordinate} (${reason}).`, path, extensions: { code: 'FORBIDDEN', coordinate, reason } };
}

function row<T extends { id: string }>(rows: readonly T[], id: string | null): T {
  const found = rows.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`the dataset has no row ${id}`);
  return found;
}

/** `e4` (4 decimal places) as the API prints a USD amount. */
function usd(e4: number): string {
  const cents = Math.round(e4 / 100);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** Assignments of a project in the API's order (start date, then id). */
function assignmentsOf(projectId: string) {
  return data.psa.assignments
    .filter((assignment) => assignment.project_id === projectId)
    .sort((a, b) => (a.start_date === b.start_date ? (a.id < b.id ? -1 : 1) : a.start_date < b.start_date ? -1 : 1));
}

describe("fields outside the caller's scopes (filter mode)", () => {
  it('answers the allowed fields and nulls each denied one with FORBIDDEN at its path; denied subgraphs are never called', async () => {
    const project = row(data.psa.projects, PROJECT);
    const response = await post(tessera, `{ project(id: "${PROJECT}") { code billedToDate { amount } customer { name } } }`, psaOnly);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [
        forbidden('Project.billedToDate', 'erp:read', ['project', 'billedToDate']),
        forbidden('Project.customer', 'crm:read', ['project', 'customer']),
      ],
      data: { project: { code: project.code, billedToDate: null, customer: null } },
    });
    expect(response.body.errors![0]!.extensions!.reason).toContain('erp:read');
    // Removed before planning: neither the ERP nor the CRM ran a statement for this request.
    expect(statements).toEqual({ crm: 0, psa: expect.any(Number), erp: 0, integration: 0 });
    expect(statements.psa).toBeGreaterThan(0);
  });

  // A field stricter than its parent is nullable in the canonical schema (the registry's governance
  // lint, docs/registry.md#nullability), so its null stays at its own path.
  it('keeps the parent of a denied field the parent does not cover (Project.legalEntity is nullable)', async () => {
    const project = row(data.psa.projects, PROJECT);
    const response = await post(tessera, `{ project(id: "${PROJECT}") { code legalEntity { code } } }`, psaOnly);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [forbidden('Project.legalEntity', 'erp:read', ['project', 'legalEntity'])],
      data: { project: { code: project.code, legalEntity: null } },
    });
  });

  it('keeps every level below the root (Contract.legalEntity null, contract and project there)', async () => {
    const project = row(data.psa.projects, PROJECT);
    const contract = row(data.crm.contracts, project.contract_id);
    const token = await tessera.token({ sub: 'crm-psa-reader', scope: 'crm:read psa:read', legal_entities: '*' });
    const response = await post(tessera, `{ project(id: "${PROJECT}") { code contract { contractNumber legalEntity { code } } } }`, token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [forbidden('Contract.legalEntity', 'erp:read', ['project', 'contract', 'legalEntity'])],
      data: { project: { code: project.code, contract: { contractNumber: contract.contract_number, legalEntity: null } } },
    });
  });

  it('gives one error per item of a list', async () => {
    const codes = [...data.psa.projects]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, 3)
      .map((project) => project.code);
    const response = await post(tessera, '{ projects(first: 3) { nodes { code billedToDate { amount } } } }', psaOnly);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [0, 1, 2].map((index) => forbidden('Project.billedToDate', 'erp:read', ['projects', 'nodes', index, 'billedToDate'])),
      data: { projects: { nodes: codes.map((code) => ({ code, billedToDate: null })) } },
    });
    expect(statements.erp).toBe(0);
  });

  it('keeps a page whose items each lose a denied field', async () => {
    const codes = [...data.psa.projects]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, 2)
      .map((project) => project.code);
    const response = await post(tessera, '{ projects(first: 2) { totalCount nodes { code legalEntity { code } } } }', psaOnly);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [0, 1].map((index) => forbidden('Project.legalEntity', 'erp:read', ['projects', 'nodes', index, 'legalEntity'])),
      data: { projects: { totalCount: data.psa.projects.length, nodes: codes.map((code) => ({ code, legalEntity: null })) } },
    });
  });

  it('nulls the whole response when a denied non-null field has no nullable parent (a capability: Mutation roots stay non-null)', async () => {
    const response = await post(
      tessera,
      `mutation { activateProject(input: { projectId: "${PROJECT}", expectedVersion: 1 }) { replayed } }`,
      psaOnly,
    );
    expect(response.body).toEqual({
      errors: [forbidden('Mutation.activateProject', 'psa:write', ['activateProject'])],
      data: null,
    });
    expect(statements.psa).toBe(0);
  });

  it('denies Assignment.costRate without psa:cost, and answers it with psa:cost', async () => {
    const assignments = assignmentsOf(PROJECT);
    expect(assignments.length).toBeGreaterThan(1);
    const query = `{ project(id: "${PROJECT}") { code assignments { id costRate { amount } } } }`;

    const denied = await post(tessera, query, psaOnly);
    expect(denied.status).toBe(200);
    // costRate (psa:cost on top of Assignment's psa:read) is nullable: each assignment keeps its id.
    expect(denied.body).toEqual({
      errors: assignments.map((_, index) => forbidden('Assignment.costRate', 'psa:cost', ['project', 'assignments', index, 'costRate'])),
      data: {
        project: {
          code: row(data.psa.projects, PROJECT).code,
          assignments: assignments.map((assignment) => ({ id: assignment.id, costRate: null })),
        },
      },
    });

    const withCost = await post(tessera, query, await tessera.token({ ...PSA_ONLY, sub: 'cost-reader', scope: 'psa:read psa:cost' }));
    expect(withCost.status).toBe(200);
    expect(withCost.body).toEqual({
      data: {
        project: {
          code: row(data.psa.projects, PROJECT).code,
          assignments: assignments.map((assignment) => ({ id: assignment.id, costRate: { amount: usd(assignment.cost_rate_e4) } })),
        },
      },
    });
  });

  it('filters named fragments and aliases, with the alias in the path', async () => {
    const project = row(data.psa.projects, PROJECT);
    const query = `query Aliased { p: project(id: "${PROJECT}") { ...Money } }
      fragment Money on Project { ref: code billed: billedToDate { amount } client: customer { name } }`;
    const response = await post(tessera, query, psaOnly);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [forbidden('Project.billedToDate', 'erp:read', ['p', 'billed']), forbidden('Project.customer', 'crm:read', ['p', 'client'])],
      data: { p: { ref: project.code, billed: null, client: null } },
    });
  });

  it('filters inline fragments, including one on the root type', async () => {
    const project = row(data.psa.projects, PROJECT);
    const query = `{ ... on Query { account(id: "${project.account_id}") { name } } project(id: "${PROJECT}") { ... on Project { code billedToDate { amount } } } }`;
    const response = await post(tessera, query, psaOnly);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [
        forbidden('Query.account', 'crm:read', ['account']),
        forbidden('Project.billedToDate', 'erp:read', ['project', 'billedToDate']),
      ],
      data: { account: null, project: { code: project.code, billedToDate: null } },
    });
  });

  it('reports a denied field selected twice at one path (directly and through a fragment) once', async () => {
    const project = row(data.psa.projects, PROJECT);
    const query = `{ project(id: "${PROJECT}") { ...Billing billedToDate { amount } } } fragment Billing on Project { code billedToDate { currency } }`;
    const response = await post(tessera, query, psaOnly);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [forbidden('Project.billedToDate', 'erp:read', ['project', 'billedToDate'])],
      data: { project: { code: project.code, billedToDate: null } },
    });
  });

  it('keeps a request valid when a variable is used only by a denied field', async () => {
    const project = row(data.psa.projects, PROJECT);
    const query = `query Mixed($id: ID!, $account: ID!, $stages: [OpportunityStage!]) {
      project(id: $id) { code customer { opportunities(stage: $stages) { id } } }
      account(id: $account) { name }
    }`;
    const response = await post(tessera, query, psaOnly, { id: PROJECT, account: project.account_id, stages: ['CLOSED_WON'] });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      errors: [forbidden('Project.customer', 'crm:read', ['project', 'customer']), forbidden('Query.account', 'crm:read', ['account'])],
      data: { project: { code: project.code, customer: null }, account: null },
    });
  });

  it('leaves out a denied field the client skipped (@skip / @include), and reports it when included', async () => {
    const project = row(data.psa.projects, PROJECT);
    const query = `query Conditional($billing: Boolean!) {
      project(id: "${PROJECT}") { code billedToDate @include(if: $billing) { amount } customer @skip(if: true) { name } }
    }`;
    const skipped = await post(tessera, query, psaOnly, { billing: false });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toEqual({ data: { project: { code: project.code } } });
    expect(statements.erp + statements.crm).toBe(0);

    const included = await post(tessera, query, psaOnly, { billing: true });
    expect(included.status).toBe(200);
    expect(included.body).toEqual({
      errors: [forbidden('Project.billedToDate', 'erp:read', ['project', 'billedToDate'])],
      data: { project: { code: project.code, billedToDate: null } },
    });
    expect(statements.erp + statements.crm).toBe(0);
  });

  it("decides @include per request, also from a default value: the same text never reuses another request's decision", async () => {
    const project = row(data.psa.projects, PROJECT);
    const query = `query Defaulted($billing: Boolean = false) { project(id: "${PROJECT}") { code billedToDate @include(if: $billing) { amount } } }`;
    const left = { data: { project: { code: project.code } } };
    const denied = {
      errors: [forbidden('Project.billedToDate', 'erp:read', ['project', 'billedToDate'])],
      data: { project: { code: project.code, billedToDate: null } },
    };
    for (const [variables, expected] of [
      [undefined, left],
      [{ billing: true }, denied],
      [{}, left],
      [{ billing: true }, denied],
      [{ billing: false }, left],
    ] as const) {
      const response = await post(tessera, query, psaOnly, variables);
      expect({ variables, status: response.status, body: response.body }).toEqual({ variables, status: 200, body: expected });
    }
    // Whatever the variables, the denied field never reached the ERP.
    expect(statements.erp).toBe(0);
  });

  it('answers the same query text differently for principals with different rights, every time (A, B, A)', async () => {
    const project = row(data.psa.projects, PROJECT);
    const account = row(data.crm.accounts, project.account_id);
    const billed = expectedBilled(data, PROJECT).get(project.currency) ?? 0;
    const query = `{ project(id: "${PROJECT}") { code billedToDate { amount currency } customer { name } } }`;
    const full = {
      data: {
        project: {
          code: project.code,
          billedToDate: { amount: usd(billed), currency: project.currency },
          customer: { name: account.name },
        },
      },
    };
    const restricted = {
      errors: [
        forbidden('Project.billedToDate', 'erp:read', ['project', 'billedToDate']),
        forbidden('Project.customer', 'crm:read', ['project', 'customer']),
      ],
      data: { project: { code: project.code, billedToDate: null, customer: null } },
    };
    expect(billed).toBeGreaterThan(0);

    for (const [token, expected, readsErp] of [
      [undefined, full, true],
      [psaOnly, restricted, false],
      [undefined, full, true],
      [psaOnly, restricted, false],
    ] as const) {
      statements.erp = 0;
      const response = token === undefined ? await tessera.request({ query }) : await post(tessera, query, token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual(expected);
      // A plan made for one principal is never reused for another: the restricted one reads no ERP row.
      expect(statements.erp > 0).toBe(readsErp);
    }
  });

  it('logs each denial with the subject and the coordinate, never the token', async () => {
    const sub = 'audited-reader';
    const token = await tessera.token({ ...PSA_ONLY, sub });
    await post(tessera, `{ project(id: "${PROJECT}") { code billedToDate { amount } } }`, token);
    const records = tessera.logs.records.filter((record) => record.msg === 'fields denied' && record.sub === sub);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      sub,
      clientId: null,
      denied: [{ coordinate: 'Project.billedToDate', code: 'FORBIDDEN', reason: 'requires scope erp:read' }],
    });
    expect(tessera.logs.raw.some((line) => line.includes(token) || line.includes(token.split('.')[2]!))).toBe(false);
    expect(tessera.logs.raw.some((line) => line.includes(psaOnly))).toBe(false);
  });
});

describe('reject mode', () => {
  let strict: AuthTestTessera;

  beforeAll(async () => {
    strict = await startAuthTessera({ scale: 's', config: { authorizationMode: 'reject' } });
  });
  afterAll(() => strict?.stop());

  it('refuses the whole operation with 403 FORBIDDEN when any field is denied', async () => {
    const token = await strict.token(PSA_ONLY);
    const response = await post(strict, `{ project(id: "${PROJECT}") { code billedToDate { amount } customer { name } } }`, token);
    expect({ status: response.status, body: response.body }).toEqual({
      status: 403,
      body: {
        errors: [
          {
            message: 'The operation reads fields the caller may not read: Project.billedToDate, Project.customer.',
            extensions: {
              code: 'FORBIDDEN',
              denied: [
                { coordinate: 'Project.billedToDate', reason: 'requires scope erp:read' },
                { coordinate: 'Project.customer', reason: 'requires scope crm:read' },
              ],
            },
          },
        ],
      },
    });
  });

  it('refuses an anonymous operation with 401 UNAUTHENTICATED and a bearer challenge', async () => {
    const response = await post(strict, '{ projects { totalCount } }', null);
    expect({ status: response.status, challenge: response.headers.get('www-authenticate'), body: response.body }).toEqual({
      status: 401,
      challenge: 'Bearer',
      body: {
        errors: [
          {
            message: 'The operation reads fields the caller may not read: Query.projects.',
            extensions: {
              code: 'UNAUTHENTICATED',
              denied: [{ coordinate: 'Query.projects', reason: 'requires scope psa:read' }],
              hint: DEVELOPMENT_TOKEN_HINT,
            },
          },
        ],
      },
    });
  });

  it('answers an operation whose every field is allowed', async () => {
    const token = await strict.token(PSA_ONLY);
    const response = await post(strict, `{ project(id: "${PROJECT}") { code } }`, token);
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: { data: { project: { code: row(data.psa.projects, PROJECT).code } } },
    });
  });

  it('does not refuse for a denied field the client skipped', async () => {
    const token = await strict.token(PSA_ONLY);
    const query = `query Conditional($billing: Boolean!) { project(id: "${PROJECT}") { code billedToDate @include(if: $billing) { amount } } }`;
    const response = await post(strict, query, token, { billing: false });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: { data: { project: { code: row(data.psa.projects, PROJECT).code } } },
    });
  });
});
