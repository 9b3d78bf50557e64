/** A real `tessera serve registry` on port 0 over a temp SQLite store, with tokens for it. */
import { issueDevToken } from '../../../auth/devToken.ts';
import { signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { loadInternalSecret } from '../../../auth/loadInternalSecret.ts';
import { principalFromClaims } from '../../../auth/principal.ts';
import { createLogger } from '../../../core/logger.ts';
import { startRegistryService, type RegistryService } from '../../../runtime/registry.ts';
import { logSink } from '../../harness/logSink.ts';
import { rootFixture, type RootFixture } from '../../runtime/roots.ts';

/** The registry's clock: every publish, check and audit entry is at this instant. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');

export interface RegistryFixture {
  readonly service: RegistryService;
  readonly root: RootFixture;
  readonly baseUrl: string;
  readonly logs: ReturnType<typeof logSink>;
  /** A dev token with these scopes (space-separated), `sub` alice unless given. */
  token(scope: string, sub?: string): Promise<string>;
  /** The gateway's signed internal principal. */
  internalPrincipal(): Promise<string>;
  /** `fetch` on the registry with a bearer token (`null`: none). */
  request(
    path: string,
    init?: { method?: string; body?: unknown; token?: string | null; headers?: Record<string, string> },
  ): Promise<Response>;
  stop(): Promise<void>;
}

export async function startRegistryFixture(): Promise<RegistryFixture> {
  const root = rootFixture();
  const logs = logSink();
  const service = await startRegistryService({ config: root.config, logger: createLogger('info', logs.stream), clock: () => NOW });
  const port = await service.listen(0);
  const baseUrl = `http://127.0.0.1:${port}`;
  const token = (scope: string, sub = 'alice') => issueDevToken({ claims: { sub, scope }, ttlSeconds: 600 }, root.config.auth);
  const writer = await token('registry:write');
  return {
    service,
    root,
    baseUrl,
    logs,
    token,
    async internalPrincipal() {
      const secret = await loadInternalSecret(root.config.internalSecret);
      return signInternalPrincipal(principalFromClaims({ sub: 'system:gateway' }), secret, { requestId: 'poll' });
    },
    request(path, init = {}) {
      const bearer = init.token === undefined ? writer : init.token;
      const headers: Record<string, string> = { ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }), ...init.headers };
      if (init.body !== undefined) headers['content-type'] ??= 'application/json';
      return fetch(`${baseUrl}${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      });
    },
    async stop() {
      await service.stop();
      await root.remove();
    },
  };
}
