/**
 * The composition root of one system service (`tessera serve <name>`): the system's store and its
 * subgraph alone on its port. It answers only calls that carry the gateway's signed principal;
 * its peers are reached at their configured URL, else on their port on this host. It only wires.
 */
import type http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import type { TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { openReferenceSystem } from '../systems/kernel/openReferenceSystem.ts';
import { startSystemServer } from '../systems/kernel/startSystemServer.ts';
import { createSubgraphListener } from '../systems/kernel/subgraphListener.ts';
import { kernelSystem, SYSTEM_LIST, type SystemName } from '../systems/systems.ts';
import { serveHttp } from './httpService.ts';
import { createShutdown } from './shutdown.ts';
import { systemPorts, systemUrls } from './systemUrls.ts';

export interface SystemServiceOptions {
  readonly config: TesseraConfig;
  readonly logger: Logger;
}

export interface SystemService {
  readonly listener: http.RequestListener;
  /** Listens on `port` (default: `TESSERA_SUBGRAPH_PORT_<NAME>`, else the system's port); resolves with the port. */
  listen(port?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startSystemService(name: SystemName, { config, logger }: SystemServiceOptions): Promise<SystemService> {
  const entry = SYSTEM_LIST.find((system) => system.name === name)!;
  const urls = systemUrls(config, SYSTEM_LIST, 'this-host');
  const ports = systemPorts(config, SYSTEM_LIST);
  const shutdown = createShutdown(logger);
  try {
    const opened = await openReferenceSystem(kernelSystem(entry), config.store);
    shutdown.add(() => opened.close());
    const internalSecret = await loadInternalSecret(config.internalSecret);
    const server = await startSystemServer(kernelSystem(entry), opened, logger, internalSecret, {
      fetcher: fetch as unknown as Fetcher,
      urlOf: urls.urlOf,
      environment: config.env,
    });
    shutdown.add(() => server.stop());
    const listener = createSubgraphListener(server, config.maxBodyBytes, logger);
    return {
      listener,
      async listen(port = ports.get(name)!) {
        const bound = await serveHttp(listener, port, config.host, shutdown);
        logger.info({ subgraph: name, port: bound }, `subgraph ${name} is serving http://localhost:${bound}/graphql`);
        return bound;
      },
      stop: () => shutdown.run(),
    };
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}
