import http from 'node:http';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { SubgraphName, TesseraConfig } from '../core/config/config.ts';
import { listen } from '../gateway/http/server.ts';
import type { Logger } from '../core/logger.ts';
import { loadInternalSecret } from '../auth/loadInternalSecret.ts';
import { SYSTEMS } from '../systems/systems.ts';
import { openReferenceSystem } from '../systems/kernel/openReferenceSystem.ts';
import type { ReferenceSystem } from '../systems/kernel/referenceSystem.ts';
import { createSubgraphListener } from '../systems/kernel/subgraphListener.ts';
import { startSystemServer } from '../systems/kernel/startSystemServer.ts';

/** `tessera serve <name>`: one reference system and its subgraph on its own port. Resolves with `stop`. */
export function serveSubgraph(name: SubgraphName, config: TesseraConfig, logger: Logger): Promise<() => Promise<void>> {
  switch (name) {
    case 'crm':
      return serve(SYSTEMS.crm, config, logger);
    case 'psa':
      return serve(SYSTEMS.psa, config, logger);
    case 'erp':
      return serve(SYSTEMS.erp, config, logger);
  }
}

async function serve<DB, C extends object>(system: ReferenceSystem<DB, C>, config: TesseraConfig, logger: Logger): Promise<() => Promise<void>> {
  const opened = await openReferenceSystem(system, config.store);
  // Peer systems: their configured URL, or their default port on this host.
  const urlOf = (name: SubgraphName) => config.subgraphUrls[name] ?? `http://127.0.0.1:${config.subgraphPorts[name]}/graphql`;
  const server = await startSystemServer(system, opened, logger, await loadInternalSecret(config.internalSecret), {
    fetcher: fetch as unknown as Fetcher,
    urlOf,
  });
  const httpServer = http.createServer(createSubgraphListener(server, config.maxBodyBytes, logger));
  const port = await listen(httpServer, config.subgraphPorts[system.name], config.host);
  logger.info({ subgraph: system.name, port }, `subgraph ${system.name} is serving http://localhost:${port}/graphql`);
  return async () => {
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await server.stop();
    await opened.close();
  };
}
