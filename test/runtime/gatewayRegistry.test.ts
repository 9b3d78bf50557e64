/**
 * The gateway alone with TESSERA_REGISTRY_URL (docs/registry.md#hot-reload): it pulls the
 * supergraph from `tessera serve registry`, swaps in each new one without a restart, serves the
 * contracts created there at their own path, keeps serving when the registry is down, and sends
 * its usage there.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueDevToken } from '../../auth/devToken.ts';
import { createLogger } from '../../core/logger.ts';
import { startGatewayMode, type GatewayMode } from '../../runtime/gateway.ts';
import type { RegistryService } from '../../runtime/registry.ts';
import { startRemoteRegistry, type RemoteRegistry } from '../harness/remoteRegistry.ts';
import type { RootFixture } from './roots.ts';

const logger = createLogger('silent');
let remote: RemoteRegistry;
let fixture: RootFixture;
let registry: RegistryService;
let gateway: GatewayMode;
let gatewayPort: number;
let env: Record<string, string> = {};
let registryUrl = '';
let registryDown = false;
let refusedCalls = 0;
/** Refused polls of the full graph's supergraph (not a contract's, not the contract list). */
let refusedMainPolls = 0;

beforeAll(async () => {
  remote = await startRemoteRegistry({ seeded: true });
  ({ fixture, env, registry, registryUrl } = remote);
  gateway = await startGatewayMode({
    config: fixture.withEnv({ ...env, TESSERA_REGISTRY_URL: registryUrl, TESSERA_REGISTRY_POLL_MS: '25' }),
    logger,
    usageFlushIntervalMs: 10,
    // The registry "goes down" for one test: every call fails as a refused connection would.
    registryFetch: (input, init) => {
      if (!registryDown) return fetch(input, init);
      refusedCalls += 1;
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.pathname.endsWith('/supergraph') && !url.searchParams.has('contract')) refusedMainPolls += 1;
      return Promise.reject(new TypeError('fetch failed'));
    },
  });
  gatewayPort = await gateway.listen(0);
});
afterAll(async () => {
  await gateway?.stop();
  await remote?.stop();
});

async function ask(
  path: string,
  query: string,
  claims: Parameters<typeof issueDevToken>[0]['claims'] = { sub: 'ops', scope: 'crm:read', legal_entities: '*' },
) {
  const token = await issueDevToken({ claims, ttlSeconds: 600 }, fixture.config.auth);
  const response = await fetch(`http://127.0.0.1:${gatewayPort}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] } };
}

/** Polls and swaps take a few rounds of 25 ms; a loaded CI machine may need far more. */
const WAIT = { timeout: 20_000, interval: 25 };

const ACCOUNT_DESCRIPTION = '{ __type(name: "Account") { description } }';

/** crm's head SDL with the Account type's description replaced. */
async function crmWithDescription(description: string): Promise<string> {
  const [head] = await registry.registry.history('crm');
  const sdl = head!.sdl.replace(/\n"[^"\n]*"\n(type Account @key)/, `\n"${description}"\n$1`);
  expect(sdl).not.toBe(head!.sdl);
  return sdl;
}

async function readiness(): Promise<{ supergraph: { id: string; lastError: string | null }; contracts: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${gatewayPort}/health/ready`);
  return ((await response.json()) as { details: never }).details;
}

describe('the gateway with a remote registry', () => {
  it("starts on the registry's supergraph", async () => {
    expect((await readiness()).supergraph).toMatchObject({ id: 'main#1', lastError: null });
  });

  it('swaps in a newly published supergraph without a restart', async () => {
    await registry.registry.publish({ subgraph: 'crm', sdl: await crmWithDescription('A customer, as the CRM keeps it.'), author: 'ada' });
    await vi.waitFor(async () => {
      expect((await ask('/graphql', ACCOUNT_DESCRIPTION)).body).toEqual({
        data: { __type: { description: 'A customer, as the CRM keeps it.' } },
      });
    }, WAIT);
    expect((await readiness()).supergraph).toMatchObject({ id: 'main#2', lastError: null });
  });

  it('serves a contract created in the registry at its own path', async () => {
    await registry.registry.createContract({ name: 'partner', includeTags: ['partner'], excludeTags: [], createdBy: 'ada' });
    await vi.waitFor(async () => {
      expect((await ask('/contracts/partner/graphql', '{ accounts(first: 1) { totalCount } }')).status).toBe(200);
    }, WAIT);
    const hidden = await ask('/contracts/partner/graphql', '{ deadLetters(first: 1) { totalCount } }');
    expect(hidden.status).toBe(400);
  });

  it('keeps serving while the registry is down, and takes the next version when it is back', async () => {
    registryDown = true;
    try {
      // A poll of the full graph that started before the outage could still read what is published
      // next: publish only once one of its polls has been refused (polls of one source never overlap).
      const mainBefore = refusedMainPolls;
      await vi.waitFor(() => expect(refusedMainPolls).toBeGreaterThan(mainBefore), WAIT);
      await registry.registry.publish({
        subgraph: 'crm',
        sdl: await crmWithDescription('Published while the gateway could not see it.'),
        author: 'ada',
      });
      // Several polls fail meanwhile; the loaded supergraph keeps answering.
      const before = refusedCalls;
      await vi.waitFor(() => expect(refusedCalls).toBeGreaterThanOrEqual(before + 3), WAIT);
      expect((await ask('/graphql', ACCOUNT_DESCRIPTION)).body).toEqual({
        data: { __type: { description: 'A customer, as the CRM keeps it.' } },
      });
    } finally {
      registryDown = false;
    }
    await vi.waitFor(async () => {
      expect((await ask('/graphql', ACCOUNT_DESCRIPTION)).body).toEqual({
        data: { __type: { description: 'Published while the gateway could not see it.' } },
      });
    }, WAIT);
  });

  it("starts while the registry is down, on schema/, and takes the registry's supergraph and contracts once it answers", async () => {
    registryDown = true;
    let late: GatewayMode | undefined;
    try {
      late = await startGatewayMode({
        config: fixture.withEnv({ ...env, TESSERA_REGISTRY_URL: registryUrl, TESSERA_REGISTRY_POLL_MS: '25' }),
        logger,
        registryFetch: (input, init) => (registryDown ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
      });
      const port = await late.listen(0);
      const details = async () =>
        (
          (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as {
            details: { supergraph: { id: string }; contracts: object };
          }
        ).details;
      expect((await details()).supergraph.id).toMatch(/^schema\/#[0-9a-f]{16}$/);
      expect((await details()).contracts).toEqual({});
      registryDown = false;
      await vi.waitFor(async () => {
        const now = await details();
        expect(now.supergraph.id).toMatch(/^main#\d+$/);
        expect(Object.keys(now.contracts)).toEqual(['partner']);
      }, WAIT);
    } finally {
      registryDown = false;
      await late?.stop();
    }
  });

  it('sends its usage to the registry', async () => {
    await ask('/graphql', '{ accounts(first: 1) { totalCount } }', {
      sub: 'svc',
      client_id: 'remote-app',
      scope: 'crm:read',
      legal_entities: '*',
    });
    await vi.waitFor(async () => {
      const usage = await registry.registry.usage(['Query.accounts']);
      expect(usage[0]?.clients.map((client) => client.clientId)).toContain('remote-app');
    }, WAIT);
  });
});
