/**
 * The composition root of the gateway alone (`tessera serve gateway --remote`): every system is a
 * service of its own, called over HTTP at its `TESSERA_SUBGRAPH_<NAME>_URL`; a missing one stops
 * the start, naming the variable. No store is opened here. It only wires.
 */
import type http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { SYSTEM_LIST } from '../systems/systems.ts';
import { startGatewayService } from './gatewayService.ts';
import { serveHttp } from './httpService.ts';
import { createShutdown } from './shutdown.ts';
import { systemUrls } from './systemUrls.ts';

export interface GatewayModeOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
  /** How the systems are called. @default the network (`fetch`) */
  readonly fetcher?: Fetcher;
  /** Injected into the JWKS key source (tests serve a JWKS without a socket). */
  readonly jwksFetch?: typeof fetch;
}

export interface GatewayMode {
  readonly listener: http.RequestListener;
  /** Listens on `port` (default: the configured port; 0 picks a free one); resolves with the port. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startGatewayMode(options: GatewayModeOptions): Promise<GatewayMode> {
  const { config, logger } = options;
  const urls = systemUrls(config, SYSTEM_LIST, 'required');
  const shutdown = createShutdown(logger);
  try {
    const listener = await startGatewayService(
      {
        config,
        logger,
        urls,
        fetcher: options.fetcher ?? (fetch as unknown as Fetcher),
        internalSecret: await loadInternalSecret(config.internalSecret),
        stores: new Map(),
        jwksFetch: options.jwksFetch,
      },
      shutdown,
    );
    return {
      listener,
      async listen(port = config.port) {
        const bound = await serveHttp(listener, port, config.host, shutdown);
        logger.info({ port: bound }, `Tessera's gateway is serving http://localhost:${bound}/graphql`);
        return bound;
      },
      stop: () => shutdown.run(),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}
