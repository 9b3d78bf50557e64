/**
 * The canonical schema passes the governance lint, and what its nullability rule buys a caller: a
 * token with `psa:read` but no `erp:read` asking for a project with its invoices gets the project,
 * `invoices: null` and one FORBIDDEN error at `project.invoices` (it used to get `project: null`).
 * The README's promise ("the rest of the answer stays") holds for its examples with that token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../../schema/compose.ts';
import { governanceFindings } from '../../../registry/checks/governanceLint.ts';
import { generateDataset } from '../../../seed/generate.ts';
import { startAuthTessera, type AuthTestTessera } from '../../harness/authTessera.ts';
import { REAL_SOURCES } from '../../schema/realSchema.ts';
import { readmeExamples } from '../../harness/readmeQueries.ts';

const PROJECT = 'prj_00008';
const PSA_ONLY = { sub: 'psa-reader', scope: 'psa:read', legal_entities: '*' as const };

describe('the canonical schema under the governance lint', () => {
  it('has no finding', () => {
    const supergraph = composeSupergraph(REAL_SOURCES);
    const subgraphs = REAL_SOURCES.map((source) => ({ name: source.name, system: source.system ?? null, sdl: source.sdl }));
    expect(governanceFindings({ subgraphs, supergraph, before: supergraph, changes: [] })).toEqual([]);
  });
});

describe('a field stricter than its parent, through the gateway', () => {
  let tessera: AuthTestTessera;
  let psaOnly: string;
  beforeAll(async () => {
    tessera = await startAuthTessera({ scale: 's' });
    psaOnly = await tessera.token(PSA_ONLY);
  });
  afterAll(() => tessera?.stop());

  const post = (query: string) => tessera.request({ query }, { authorization: `Bearer ${psaOnly}` });

  it('answers the project with invoices null and one FORBIDDEN error at its path, for psa:read without erp:read', async () => {
    const project = generateDataset({ scale: 's' }).psa.projects.find((candidate) => candidate.id === PROJECT)!;
    const response = await post(`{ project(id: "${PROJECT}") { id name invoices { id } } }`);
    expect({ status: response.status, body: response.body }).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'Not authorized to read Project.invoices (requires scope erp:read).',
            path: ['project', 'invoices'],
            extensions: { code: 'FORBIDDEN', coordinate: 'Project.invoices', reason: 'requires scope erp:read' },
          },
        ],
        data: { project: { id: PROJECT, name: project.name, invoices: null } },
      },
    });
  });

  it("keeps the rest of the answer for the README's examples with --scope psa:read: each denied field is null at its own path", async () => {
    const examples = readmeExamples();
    expect(examples).toHaveLength(3);
    const denied: string[][] = [];
    for (const query of examples) {
      const { status, body } = await post(query);
      expect(status).toBe(200);
      expect(body.data).not.toBeNull();
      const coordinates = new Set<string>();
      for (const error of body.errors ?? []) {
        expect(error.extensions?.code).toBe('FORBIDDEN');
        coordinates.add(String(error.extensions?.coordinate));
        // The denied field itself is null, and the object that holds it is there.
        const path = error.path!;
        const parent = path.slice(0, -1).reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], body.data);
        expect({ path, parent: typeof parent, isNull: parent === null }).toEqual({ path, parent: 'object', isNull: false });
        expect((parent as Record<string | number, unknown>)[path[path.length - 1]!]).toBeNull();
      }
      denied.push([...coordinates]);
    }
    // What psa:read may not read, by example: the project's CRM and ERP fields; the whole account; the consultant's legal entity and customers.
    expect(denied).toEqual([
      ['Project.customer', 'Project.contract', 'Project.invoices', 'Project.billedToDate'],
      ['Query.account'],
      ['Resource.homeLegalEntity', 'Project.customer'],
    ]);
  });
});

describe('named policies', () => {
  it('refuses a supergraph whose @policy names a policy policies/ does not define, or drops one it defines', () => {
    const sources = REAL_SOURCES.map((source) =>
      source.name === 'crm' ? { ...source, sdl: source.sdl.replaceAll('"legalEntityScoped"', '"legalEntityScopedd"') } : source,
    );
    const supergraph = composeSupergraph(sources);
    const subgraphs = sources.map((source) => ({ name: source.name, system: source.system ?? null, sdl: source.sdl }));
    expect(
      governanceFindings({ subgraphs, supergraph, before: null, changes: [] })
        .filter((finding) => finding.rule === 'POLICY_MISMATCH')
        .map((finding) => finding.message),
    ).toEqual([
      'the schema uses @policy "legalEntityScopedd", which policies/ does not define: every gateway would refuse this supergraph. Name a policy policies/ defines, or keep one field that uses each.',
    ]);
  });
});
