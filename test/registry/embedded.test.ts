/**
 * The registry in the embedded mode (docs/registry.md#hot-reload), end to end through HTTP: `npm
 * start`'s schema/ is published as version 1 of each subgraph, the `partner` contract is served at
 * its own path, a version published through the API is served by the gateway (and by the system
 * running in process) as soon as the publish answers, one published on the same store by another
 * process (the CLI) is picked up by the poll, and the gateway's usage lands in the registry.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { createLogger } from '../../core/logger.ts';
import { createRegistry } from '../../registry/service/createRegistry.ts';
import { openRegistryStore } from '../../registry/store/openRegistryStore.ts';
import type { PublishResult, SchemaVersion, SubgraphSummary } from '../../registry/types.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { tempSqliteStore, type TempStore } from '../harness/tempDatabase.ts';

const PROJECT = 'prj_00008';
let tessera: TestTessera;
let store: TempStore;
let base: string;
let architect: string;

beforeAll(async () => {
  store = tempSqliteStore();
  tessera = await startTestTessera({
    store,
    config: { registry: { ...loadConfig({}).registry, pollMs: 25 } },
    usage: { flushIntervalMs: 10 },
  });
  base = tessera.url.replace(/\/graphql$/, '');
  architect = await tessera.token({ sub: 'ada', scope: 'registry:read registry:write' });
});
afterAll(async () => {
  await tessera?.stop();
  await store?.remove();
});

async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}/registry/api/${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${architect}`, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** psa's head SDL with one field added to Project (resolved by the record's property of that name). */
async function psaWith(field: string): Promise<string> {
  const { body: summaries } = await api<SubgraphSummary[]>('subgraphs');
  const head = summaries.find((summary) => summary.name === 'psa')!;
  const { body: version } = await api<SchemaVersion>(`subgraphs/psa/versions/${head.version}`);
  const sdl = version.sdl.replace(/(type Project @key\(fields: "id"\)[^{]*\{\n\s*id: ID![^\n]*\n)/, `$1  ${field}\n`);
  expect(sdl).not.toBe(version.sdl);
  return sdl;
}

describe('the registry in the embedded mode', () => {
  it("publishes schema/ at start as version 1 of each subgraph, by npm start's author", async () => {
    const { status, body } = await api<SubgraphSummary[]>('subgraphs');
    expect(status).toBe(200);
    expect(body.map(({ name, system, version, author }) => ({ name, system, version, author }))).toEqual([
      { name: 'crm', system: 'CRM', version: 1, author: 'system:tessera-start' },
      { name: 'psa', system: 'PSA', version: 1, author: 'system:tessera-start' },
      { name: 'erp', system: 'ERP', version: 1, author: 'system:tessera-start' },
      { name: 'integration', system: 'INTEGRATION', version: 1, author: 'system:tessera-start' },
    ]);
  });

  it('serves the partner contract at its own path: what partners may use, and nothing else', async () => {
    const query = async (text: string) => {
      const response = await fetch(`${base}/contracts/partner/graphql`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await tessera.token()}`,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
        },
        body: JSON.stringify({ query: text }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
      };
    };
    const allowed = await query(`{ project(id: "${PROJECT}") { id code } }`);
    expect(allowed).toEqual({ status: 200, body: { data: { project: { id: PROJECT, code: expect.any(String) } } } });
    const hidden = await query('{ deadLetters(first: 1) { totalCount } }');
    expect(hidden.status).toBe(400);
    expect(hidden.body.errors?.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('serves a version published through the API as soon as the publish answers, in the gateway and in the subgraph', async () => {
    const before = await tessera.request({ query: `{ project(id: "${PROJECT}") { accountId } }` });
    expect(before.status).toBe(400);

    const sdl = await psaWith('"The CRM id of the customer."\n  accountId: ID @requiresScopes(scopes: [["crm:read"]])');
    const published = await api<PublishResult>('publish', { method: 'POST', body: { subgraph: 'psa', sdl, commit: 'abc1234' } });
    expect(published.status).toBe(201);
    expect(published.body.version).toMatchObject({ subgraph: 'psa', version: 2, author: 'ada', commit: 'abc1234' });

    const after = await tessera.query(`{ project(id: "${PROJECT}") { accountId customer { id } } }`);
    const project = (after.data as { project: { accountId: string; customer: { id: string } } }).project;
    expect(after.errors).toBeUndefined();
    expect(project.accountId).toBe(project.customer.id);

    // A caller without crm:read gets the rest of the answer: the field is nullable, as the governance lint demands.
    const narrow = await tessera.token({ sub: 'pat', scope: 'psa:read', legal_entities: '*' });
    const partial = await tessera.request(
      { query: `{ project(id: "${PROJECT}") { id accountId } }` },
      { authorization: `Bearer ${narrow}` },
    );
    expect(partial.body).toEqual({
      data: { project: { id: PROJECT, accountId: null } },
      errors: [expect.objectContaining({ path: ['project', 'accountId'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })],
    });
  });

  it('swaps a published version in under load: no request in flight fails, and the new field is served after the swap', async () => {
    const sdl = await psaWith('"The CRM id of the project\'s contract."\n  contractId: ID @requiresScopes(scopes: [["crm:read"]])');
    let publishing = true;
    const answers: { status: number; errors: unknown; code: unknown }[] = [];
    // Eight clients query all the time, before, during and after the publish.
    const stream = async () => {
      let after = 0;
      while (publishing || after++ < 3) {
        const { status, body } = await tessera.request({ query: `{ project(id: "${PROJECT}") { id code customer { id } } }` });
        answers.push({ status, errors: body.errors, code: (body.data as { project?: { code?: unknown } } | undefined)?.project?.code });
      }
    };
    const clients = Array.from({ length: 8 }, stream);
    const published = await api<PublishResult>('publish', { method: 'POST', body: { subgraph: 'psa', sdl } });
    publishing = false;
    await Promise.all(clients);
    expect(published.status).toBe(201);
    expect(answers.length).toBeGreaterThan(24);
    expect(answers.filter((answer) => answer.status !== 200 || answer.errors !== undefined || typeof answer.code !== 'string')).toEqual([]);
    const answer = await tessera.query(`{ project(id: "${PROJECT}") { contractId contract { id } } }`);
    expect(answer.errors).toBeUndefined();
    const project = (answer.data as { project: { contractId: string | null; contract: { id: string } | null } }).project;
    expect(project.contractId).toBe(project.contract?.id ?? null);
  });

  it('picks up a version another process published on the same store (the CLI), by its poll', async () => {
    const sdl = await psaWith('"The PSA id of the project manager."\n  projectManagerId: ID');
    const other = await openRegistryStore(store.store);
    try {
      const cli = createRegistry({
        db: other.db,
        declarations: (await tessera.tessera.registry.subgraphs()).map(({ name, system, url }) => ({ name, system, url })),
        usageWindowDays: 30,
        maxSdlBytes: 2 * 1024 * 1024,
        logger: createLogger('silent'),
      });
      await cli.publish({ subgraph: 'psa', sdl, author: 'local:grace' });
    } finally {
      await other.close();
    }
    await vi.waitFor(
      async () => {
        const answer = await tessera.query(`{ project(id: "${PROJECT}") { projectManagerId projectManager { id } } }`);
        expect(answer.errors).toBeUndefined();
        const project = (answer.data as { project: { projectManagerId: string | null; projectManager: { id: string } | null } }).project;
        expect(project.projectManagerId).toBe(project.projectManager?.id ?? null);
      },
      { timeout: 20_000, interval: 50 },
    );
  });

  it('records which client used which coordinate, and a check names it when a change would break it', async () => {
    const client = await tessera.token({ sub: 'svc', client_id: 'portfolio-app', scope: 'psa:read', legal_entities: '*' });
    await tessera.query(`{ project(id: "${PROJECT}") { code } }`, {}, client);
    await vi.waitFor(
      async () => {
        const usage = await tessera.tessera.registry.usage(['Project.code']);
        expect(usage).toEqual([
          { coordinate: 'Project.code', clients: expect.arrayContaining([expect.objectContaining({ clientId: 'portfolio-app' })]) },
        ]);
      },
      { timeout: 20_000, interval: 50 },
    );
    const { body: head } = await api<SchemaVersion[]>('history?subgraph=psa');
    const withoutCode = head[0]!.sdl.replace(/\n\s*code: String![^\n]*/, '');
    const { status, body } = await api<{
      passed: boolean;
      sections: { name: string; passed: boolean; findings: { rule: string; coordinate: string; clients?: { clientId: string }[] }[] }[];
    }>('check', { method: 'POST', body: { subgraph: 'psa', sdl: withoutCode } });
    expect(status).toBe(200);
    expect(body.passed).toBe(false);
    const usage = body.sections.find((section) => section.name === 'usage')!;
    expect(usage.passed).toBe(false);
    expect(usage.findings).toContainEqual(
      expect.objectContaining({
        rule: 'BREAKING_CHANGE_IN_USE',
        coordinate: 'Project.code',
        clients: expect.arrayContaining([expect.objectContaining({ clientId: 'portfolio-app' })]),
      }),
    );
  });
});
