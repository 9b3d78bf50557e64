/**
 * The registry's HTTP API and architects' page (docs/registry.md#http-api) as both roots that
 * serve them build it: `tessera serve registry` on its own port, and the embedded mode under
 * `/registry/` beside the gateway. Tokens are verified like the gateway's; the gateways' own calls
 * carry the internal principal.
 */
import { createInternalPrincipalVerifier } from '../auth/internalPrincipal.ts';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import { createTokenVerifier } from '../auth/verifyToken.ts';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { createRegistryHttpHandler, type RegistryHttpHandler } from '../registry/http/handler.ts';
import type { Registry } from '../registry/registry.ts';
import type { SubgraphDeclaration } from '../registry/types.ts';
import { registryPageAssets } from '../registry/page/assets.ts';
import { schemaOutline } from '../registry/page/schemaOutline.ts';

export interface RegistryHttpOptions {
  readonly config: TesseraConfig;
  readonly registry: Registry;
  readonly declarations: readonly SubgraphDeclaration[];
  readonly logger: Logger;
  /** Injected into the JWKS key source (tests serve a JWKS without a socket). */
  readonly jwksFetch?: typeof fetch | undefined;
}

export async function registryHttpHandler(options: RegistryHttpOptions): Promise<RegistryHttpHandler> {
  const { config, registry, declarations, logger } = options;
  const verifier = createTokenVerifier({ ...config.auth, ...(options.jwksFetch ? { fetch: options.jwksFetch } : {}) });
  await verifier.ready();
  return createRegistryHttpHandler({
    registry,
    authenticate: (authorization) => verifier.verify(authorization),
    verifyInternalPrincipal: createInternalPrincipalVerifier(await loadInternalSecret(config.internalSecret)),
    logger,
    // A body carries an SDL as a JSON string (escaping may double it): the SDL limit must be reachable.
    maxBodyBytes: registryBodyLimit(config),
    page: registryPageAssets(),
    outline: async () => schemaOutline(await heads(registry), declarations),
  });
}

/** The largest body the registry's API reads: TESSERA_MAX_BODY_BYTES, or twice the SDL limit when that is more. */
export function registryBodyLimit(config: TesseraConfig): number {
  return Math.max(config.maxBodyBytes, 2 * config.registry.maxSdlBytes);
}

/** Each published subgraph's head version, for the page's schema outline. */
async function heads(registry: Registry) {
  const subgraphs = (await registry.subgraphs()).filter((subgraph) => subgraph.version !== null);
  return Promise.all(subgraphs.map((subgraph) => registry.version(subgraph.name, subgraph.version!)));
}
