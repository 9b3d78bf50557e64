/**
 * The gateway alone with TESSERA_REGISTRY_URL picks up the safelists published to `tessera serve
 * registry` (docs/persisted-operations.md#through-the-registry): it polls the registry's manifests
 * with their ETag, and a client required to use persisted operations runs the new ones.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueDevToken } from '../../auth/devToken.ts';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { createLogger } from '../../core/logger.ts';
import { sha256Hex } from '../../core/persistedManifest.ts';
import { httpRegistry } from '../../registry/client/httpRegistry.ts';
import { startGatewayMode, type GatewayMode } from '../../runtime/gateway.ts';
import { startRemoteRegistry, type RemoteRegistry } from '../harness/remoteRegistry.ts';
import { FULL_ACCESS } from '../harness/startTestTessera.ts';
import type { RootFixture } from '../runtime/roots.ts';

const ACCOUNTS = 'query Accounts { accounts(first: 1) { totalCount } }';
const logger = createLogger('silent');
let remote: RemoteRegistry;
let fixture: RootFixture;
let gateway: GatewayMode;
let gatewayPort: number;
let registryUrl: string;
const manifestPolls: (string | null)[] = [];

beforeAll(async () => {
  remote = await startRemoteRegistry();
  ({ fixture, registryUrl } = remote);
  const { env } = remote;
  gateway = await startGatewayMode({
    config: fixture.withEnv({
      ...env,
      TESSERA_REGISTRY_URL: registryUrl,
      TESSERA_REGISTRY_POLL_MS: '25',
      TESSERA_PERSISTED_OPERATIONS_REQUIRED: 'locked-app',
    }),
    logger,
    registryFetch: (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.pathname.endsWith('/manifests')) manifestPolls.push(new Headers(init?.headers).get('if-none-match'));
      return fetch(input, init);
    },
  });
  gatewayPort = await gateway.listen(0);
});
afterAll(async () => {
  await gateway?.stop();
  await remote?.stop();
});

async function ask(body: unknown, claims: Partial<PrincipalClaims> = {}) {
  const token = await issueDevToken({ claims: { ...FULL_ACCESS, ...claims }, ttlSeconds: 600 }, fixture.config.auth);
  const response = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('the gateway alone, with a remote registry', () => {
  it('runs a client’s operations once their manifest is published to the registry, polled with its ETag', async () => {
    const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(ACCOUNTS) } } };
    expect(await ask(byHash, { client_id: 'locked-app' })).toEqual({
      status: 200,
      body: { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] },
    });
    expect((await ask({ query: ACCOUNTS }, { client_id: 'locked-app' })).status).toBe(403);

    const architect = await issueDevToken({ claims: { sub: 'ada', scope: 'registry:write' }, ttlSeconds: 600 }, fixture.config.auth);
    const client = httpRegistry({ baseUrl: registryUrl, token: () => architect });
    const operations = [{ id: sha256Hex(ACCOUNTS), name: 'Accounts', type: 'query', body: ACCOUNTS }];
    const published = await client.publishManifest({
      client: 'locked-app',
      manifest: { format: 'apollo-persisted-query-manifest', version: 1, operations },
      author: 'ignored: the registry records the token’s sub',
    });
    expect(published).toMatchObject({ client: 'locked-app', version: 1, operations, publishedBy: 'ada' });

    const full = await ask({ query: ACCOUNTS });
    expect(full).toEqual({ status: 200, body: { data: { accounts: { totalCount: 0 } } } });
    await vi.waitFor(async () => expect(await ask(byHash, { client_id: 'locked-app' })).toEqual(full), { timeout: 5000 });
    // After the first answer, every poll sent the ETag it had.
    expect(manifestPolls[0]).toBeNull();
    expect(manifestPolls.slice(1).every((etag) => etag !== null && /^"[0-9a-f]{64}"$/.test(etag))).toBe(true);
  });
});
