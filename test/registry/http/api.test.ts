import { loadInternalSecret } from '../../../auth/loadInternalSecret.ts';
import { signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { principalFromClaims } from '../../../auth/principal.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSubgraphSdl } from '../../../schema/subgraphSdl.ts';
import { PAGE_CONTENT_SECURITY_POLICY } from '../../../registry/http/handler.ts';
import { registryBodyLimit } from '../../../runtime/registryHttp.ts';
import type { CheckReport, PublishResult, SchemaVersion, SubgraphSummary } from '../../../registry/types.ts';
import { NOW, startRegistryFixture, type RegistryFixture } from './registryFixture.ts';

const CRM = readSubgraphSdl('crm');
/** crm with one more field on Account: a safe change. */
const CRM_WITH_NICKNAME = CRM.replace(
  '  website: String @tag(name: "partner")\n',
  '  website: String @tag(name: "partner")\n  nickname: String @tag(name: "partner")\n',
);
/** crm without Account.website: breaking. */
const CRM_WITHOUT_WEBSITE = CRM.replace('  website: String @tag(name: "partner")\n', '');

const SYSTEMS = [
  ['crm', 'CRM', 4001],
  ['psa', 'PSA', 4002],
  ['erp', 'ERP', 4003],
  ['integration', 'INTEGRATION', 4004],
] as const;

const errorBody = (code: string, message: string) => ({ error: { code, message } });

describe('the registry HTTP API (read routes and refusals)', () => {
  let registry: RegistryFixture;
  beforeAll(async () => {
    registry = await startRegistryFixture();
  }, 60_000);
  afterAll(() => registry?.stop());

  it('GET /registry/api/subgraphs: every subgraph at version 1, published by npm start', async () => {
    const response = await registry.request('/registry/api/subgraphs', { token: await registry.token('registry:read') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(
      SYSTEMS.map(([name, system, port]): SubgraphSummary => ({
        name,
        system,
        url: `http://127.0.0.1:${port}/graphql`,
        version: 1,
        publishedAt: NOW.toISOString(),
        author: 'system:tessera-start',
      })),
    );
  });

  it('401 without a token, with the bearer challenge; 401 for a bad token; 403 without a registry scope', async () => {
    const none = await registry.request('/registry/api/subgraphs', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tessera-registry"');
    expect(await none.json()).toEqual(
      errorBody('UNAUTHENTICATED', 'A bearer token with the registry:read or registry:write scope is required.'),
    );

    const bad = await registry.request('/registry/api/subgraphs', { token: 'not-a-jwt' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe(
      'Bearer realm="tessera-registry", error="invalid_token", error_description="malformed"',
    );
    expect(await bad.json()).toEqual(errorBody('UNAUTHENTICATED', 'The bearer token was refused (malformed).'));

    const crm = await registry.request('/registry/api/subgraphs', { token: await registry.token('crm:read') });
    expect(crm.status).toBe(403);
    expect(await crm.json()).toEqual(errorBody('FORBIDDEN', 'This needs the registry:read or registry:write scope.'));
  });

  it('scopes: registry:read may not check or publish; registry:check may check, not publish', async () => {
    const read = await registry.token('registry:read');
    const check = await registry.token('registry:check');
    const body = { subgraph: 'crm', sdl: CRM };
    const readCheck = await registry.request('/registry/api/check', { token: read, body });
    expect([readCheck.status, await readCheck.json()]).toEqual([
      403,
      errorBody('FORBIDDEN', 'This needs the registry:check or registry:write scope.'),
    ]);
    const checkPublish = await registry.request('/registry/api/publish', { token: check, body });
    expect([checkPublish.status, await checkPublish.json()]).toEqual([403, errorBody('FORBIDDEN', 'This needs the registry:write scope.')]);
    const checked = await registry.request('/registry/api/check', { token: check, body });
    expect(checked.status).toBe(200);
    expect(((await checked.json()) as CheckReport).author).toBe('alice');
  });

  it('GET /registry/api/supergraph: the SDL as text with its ETag and id; If-None-Match is 304 without a body', async () => {
    const artifact = await registry.service.registry.supergraph();
    if (artifact === null || artifact === 'not-modified') throw new Error('nothing composed');
    const response = await registry.request('/registry/api/supergraph', { token: await registry.token('registry:read') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('etag')).toBe(artifact.etag);
    expect(response.headers.get('x-tessera-supergraph-id')).toBe(String(artifact.id));
    expect(await response.text()).toBe(artifact.sdl);

    const again = await registry.request('/registry/api/supergraph', { headers: { 'if-none-match': artifact.etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(artifact.etag);
    expect(await again.text()).toBe('');
  });

  it("the gateway's internal principal may read the supergraph and send usage, nothing else", async () => {
    const internal = await registry.internalPrincipal();
    const supergraph = await registry.request('/registry/api/supergraph', { token: null, headers: { 'x-tessera-principal': internal } });
    expect(supergraph.status).toBe(200);
    const subgraphs = await registry.request('/registry/api/subgraphs', { token: null, headers: { 'x-tessera-principal': internal } });
    expect(subgraphs.status).toBe(401);
    const forged = await registry.request('/registry/api/supergraph', { token: null, headers: { 'x-tessera-principal': 'forged' } });
    expect([forged.status, await forged.json()]).toEqual([
      401,
      errorBody('UNAUTHENTICATED', 'The internal principal was refused (malformed).'),
    ]);
    // What every subgraph receives on every call (an anonymous request's principal, a user's) is not the gateway.
    const secret = await loadInternalSecret(registry.root.config.internalSecret);
    for (const principal of [null, principalFromClaims({ sub: 'alice', scope: 'registry:write' })]) {
      const forwarded = signInternalPrincipal(principal, secret, { requestId: 'forwarded' });
      const usage = await registry.request('/registry/api/usage', {
        method: 'POST',
        token: null,
        headers: { 'x-tessera-principal': forwarded },
        body: { entries: [{ clientId: 'x', coordinate: 'Query.a', count: 1, lastUsedAt: '2099-01-01T00:00:00Z' }] },
      });
      expect([usage.status, await usage.json()]).toEqual([
        403,
        errorBody('FORBIDDEN', 'Only a gateway may call this with an internal principal.'),
      ]);
    }
  });

  it('an unknown contract is 404 REGISTRY_UNKNOWN_CONTRACT', async () => {
    const response = await registry.request('/registry/api/supergraph?contract=nope');
    expect([response.status, await response.json()]).toEqual([404, errorBody('REGISTRY_UNKNOWN_CONTRACT', 'No contract named nope.')]);
  });

  it('GET a version, and the registry codes of an unknown version and subgraph', async () => {
    const response = await registry.request('/registry/api/subgraphs/crm/versions/1');
    expect(response.status).toBe(200);
    const version = (await response.json()) as SchemaVersion;
    expect({ ...version, sdl: version.sdl === CRM, sdlHash: version.sdlHash.length }).toEqual({
      subgraph: 'crm',
      version: 1,
      sdl: true,
      sdlHash: 64,
      url: 'http://127.0.0.1:4001/graphql',
      author: 'system:tessera-start',
      commit: null,
      publishedAt: NOW.toISOString(),
      rolledBackFrom: null,
    });
    const missing = await registry.request('/registry/api/subgraphs/crm/versions/9');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('REGISTRY_VERSION_NOT_FOUND');
    const unknown = await registry.request('/registry/api/subgraphs/nope/versions/1');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('REGISTRY_UNKNOWN_SUBGRAPH');
    const bad = await registry.request('/registry/api/subgraphs/crm/versions/x');
    expect([bad.status, await bad.json()]).toEqual([400, errorBody('BAD_REQUEST', 'The version must be a positive integer.')]);
  });

  it('bodies: not JSON is 415, bad JSON and unknown or missing fields are 400, too large is 413', async () => {
    const notJson = await registry.request('/registry/api/check', { body: 'x', headers: { 'content-type': 'text/plain' } });
    expect([notJson.status, await notJson.json()]).toEqual([
      415,
      errorBody('UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON: send `Content-Type: application/json`.'),
    ]);
    const badJson = await registry.request('/registry/api/check', { body: '{"subgraph":' });
    expect([badJson.status, await badJson.json()]).toEqual([400, errorBody('BAD_REQUEST', 'The request body is not valid JSON.')]);
    const unknown = await registry.request('/registry/api/check', { body: { subgraph: 'crm', sdl: CRM, extra: 1 } });
    expect([unknown.status, await unknown.json()]).toEqual([
      400,
      errorBody('BAD_REQUEST', 'Unknown field "extra"; the fields are subgraph, sdl, url.'),
    ]);
    const missing = await registry.request('/registry/api/publish', { body: { subgraph: 'crm' } });
    expect([missing.status, await missing.json()]).toEqual([400, errorBody('BAD_REQUEST', 'The field "sdl" must be a non-empty string.')]);
    const limit = registryBodyLimit(registry.root.config);
    const huge = await registry.request('/registry/api/check', { body: { subgraph: 'crm', sdl: 'x'.repeat(limit + 1) } });
    expect([huge.status, await huge.json()]).toEqual([
      413,
      errorBody('PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes.`),
    ]);
  });

  it('an unknown route is 404 NOT_FOUND, a wrong method 405 with Allow, bad query parameters 400', async () => {
    const unknown = await registry.request('/registry/api/nope');
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      errorBody('NOT_FOUND', 'No route /registry/api/nope; the routes are in docs/registry.md#http-api.'),
    ]);
    const method = await registry.request('/registry/api/publish');
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
    expect(await method.json()).toEqual(errorBody('METHOD_NOT_ALLOWED', 'Use POST for /registry/api/publish.'));
    const diff = await registry.request('/registry/api/diff?subgraph=crm&from=1');
    expect([diff.status, await diff.json()]).toEqual([400, errorBody('BAD_REQUEST', 'The query parameter "to" is required.')]);
    const limit = await registry.request('/registry/api/audit?limit=0');
    expect([limit.status, await limit.json()]).toEqual([
      400,
      errorBody('BAD_REQUEST', 'The query parameter "limit" must be a positive integer.'),
    ]);
  });

  it('GET audit, checks, deprecations, contracts and schema answer JSON lists', async () => {
    for (const path of ['audit', 'checks?limit=5', 'deprecations', 'contracts', 'schema', 'usage', 'history?subgraph=psa']) {
      const response = await registry.request(`/registry/api/${path}`, { token: await registry.token('registry:read') });
      expect([path, response.status, Array.isArray(await response.json())]).toEqual([path, 200, true]);
    }
    const audit = (await (await registry.request('/registry/api/audit?limit=1')).json()) as { actor: string }[];
    expect(audit).toHaveLength(1);
  });

  it('the page: /registry/ and its assets without a token, under a strict CSP; /registry redirects', async () => {
    const page = await registry.request('/registry/', { token: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(PAGE_CONTENT_SECURITY_POLICY);
    expect(PAGE_CONTENT_SECURITY_POLICY).toMatch(/^default-src 'self'; script-src 'self';/);
    expect(await page.text()).toContain('<script type="module" src="/registry/assets/app.js"></script>');
    const script = await registry.request('/registry/assets/app.js', { token: null });
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    const redirect = await fetch(`${registry.baseUrl}/registry`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, '/registry/']);
    const missing = await registry.request('/registry/assets/nope.js', { token: null });
    expect([missing.status, await missing.json()]).toEqual([404, errorBody('NOT_FOUND', 'No page /registry/assets/nope.js.')]);
  });

  it('health: live, and ready while the store answers', async () => {
    expect(await (await fetch(`${registry.baseUrl}/health/live`)).json()).toEqual({ status: 'live' });
    expect(await (await fetch(`${registry.baseUrl}/health/ready`)).json()).toEqual({ status: 'ready', checks: { registry: true } });
  });

  it('logs one access line per request, with the caller and never the token', async () => {
    const token = await registry.token('registry:read', 'bob');
    await registry.request('/registry/api/contracts', { token, headers: { 'x-request-id': 'req-contracts-1' } });
    const lines = registry.logs.records.filter((record) => record.reqId === 'req-contracts-1');
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'registry request', method: 'GET', path: '/registry/api/contracts', status: 200, sub: 'bob' }),
    ]);
    expect(registry.logs.raw.some((line) => line.includes(token))).toBe(false);
  });
});

describe('the registry HTTP API (a change from check to rollback)', () => {
  let registry: RegistryFixture;
  beforeAll(async () => {
    registry = await startRegistryFixture();
  }, 60_000);
  afterAll(() => registry?.stop());

  it('checks, publishes (201, then 200 unchanged), diffs, records usage, refuses a breaking change in use (422), rolls back, creates contracts', async () => {
    const check = await registry.request('/registry/api/check', { body: { subgraph: 'crm', sdl: CRM_WITH_NICKNAME } });
    expect(check.status).toBe(200);
    const report = (await check.json()) as CheckReport;
    expect({ passed: report.passed, subgraph: report.subgraph, baseVersion: report.baseVersion, author: report.author }).toEqual({
      passed: true,
      subgraph: 'crm',
      baseVersion: 1,
      author: 'alice',
    });
    expect(report.changes.safe.map((change) => change.coordinate)).toContain('Account.nickname');
    const stored = await registry.request(`/registry/api/checks/${report.id}`);
    expect([stored.status, await stored.json()]).toEqual([200, report]);
    const noReport = await registry.request('/registry/api/checks/999');
    expect([noReport.status, await noReport.json()]).toEqual([404, errorBody('NOT_FOUND', 'No check report 999.')]);

    const published = await registry.request('/registry/api/publish', {
      body: { subgraph: 'crm', sdl: CRM_WITH_NICKNAME, commit: 'abc123' },
    });
    expect(published.status).toBe(201);
    const result = (await published.json()) as PublishResult;
    expect([result.published, result.version.version, result.version.author, result.version.commit]).toEqual([true, 2, 'alice', 'abc123']);
    const same = await registry.request('/registry/api/publish', { body: { subgraph: 'crm', sdl: CRM_WITH_NICKNAME } });
    expect(same.status).toBe(200);
    expect(((await same.json()) as PublishResult).published).toBe(false);

    const supergraph = await registry.request('/registry/api/supergraph');
    expect(supergraph.headers.get('x-tessera-supergraph-id')).toBe(String(result.supergraph.id));
    expect(await supergraph.text()).toContain('nickname: String');

    const diff = await registry.request('/registry/api/diff?subgraph=crm&from=1&to=2');
    expect(diff.status).toBe(200);
    const body = (await diff.json()) as { subgraph: string; from: number; to: number; text: string; changes: { coordinate: string }[] };
    expect([body.subgraph, body.from, body.to]).toEqual(['crm', 1, 2]);
    expect(body.text).toContain('+  nickname: String @tag(name: "partner")');
    expect(body.changes.map((change) => change.coordinate)).toContain('Account.nickname');

    const usage = { entries: [{ clientId: 'app-1', coordinate: 'Account.website', count: 3, lastUsedAt: '2026-02-28T10:00:00.000Z' }] };
    const recorded = await registry.request('/registry/api/usage', {
      token: null,
      headers: { 'x-tessera-principal': await registry.internalPrincipal() },
      body: usage,
    });
    expect([recorded.status, await recorded.text()]).toEqual([204, '']);
    const used = await registry.request('/registry/api/usage?coordinate=Account.website');
    expect(await used.json()).toEqual([
      { coordinate: 'Account.website', clients: [{ clientId: 'app-1', count: 3, lastUsedAt: '2026-02-28T10:00:00.000Z' }] },
    ]);
    const badUsage = await registry.request('/registry/api/usage', {
      body: { entries: [{ clientId: 'x', coordinate: 'A.b', count: 0, lastUsedAt: 'then' }] },
    });
    expect([badUsage.status, await badUsage.json()]).toEqual([
      400,
      errorBody('BAD_REQUEST', 'entries[0].lastUsedAt must be an ISO timestamp.'),
    ]);

    const refused = await registry.request('/registry/api/publish', { body: { subgraph: 'crm', sdl: CRM_WITHOUT_WEBSITE } });
    expect(refused.status).toBe(422);
    const refusal = (await refused.json()) as { error: { code: string; message: string; report: CheckReport } };
    expect(refusal.error.code).toBe('REGISTRY_CHECK_FAILED');
    expect(refusal.error.report.passed).toBe(false);
    expect(refusal.error.report.changes.breaking.map((change) => change.coordinate)).toContain('Account.website');
    const usageSection = refusal.error.report.sections.find((section) => section.name === 'usage')!;
    expect(usageSection.passed).toBe(false);
    expect(usageSection.findings.flatMap((finding) => finding.clients ?? [])).toEqual([
      { clientId: 'app-1', count: 3, lastUsedAt: '2026-02-28T10:00:00.000Z' },
    ]);

    const rollback = await registry.request('/registry/api/rollback', { body: { subgraph: 'crm', version: 1 } });
    expect(rollback.status).toBe(201);
    const rolled = (await rollback.json()) as PublishResult;
    expect([rolled.version.version, rolled.version.rolledBackFrom, rolled.version.sdl === CRM]).toEqual([3, 1, true]);
    const history = (await (await registry.request('/registry/api/history?subgraph=crm')).json()) as SchemaVersion[];
    expect(history.map((version) => version.version)).toEqual([3, 2, 1]);

    const contract = { name: 'partner', includeTags: ['partner'], excludeTags: [] };
    const created = await registry.request('/registry/api/contracts', { body: contract });
    expect([created.status, await created.json()]).toEqual([201, { ...contract, createdBy: 'alice', createdAt: NOW.toISOString() }]);
    const again = await registry.request('/registry/api/contracts', { body: contract });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('REGISTRY_CONTRACT_EXISTS');
    const partner = await registry.request('/registry/api/supergraph?contract=partner');
    expect(partner.status).toBe(200);
    expect(partner.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
  }, 60_000);
});
