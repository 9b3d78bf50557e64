import type { Kysely } from 'kysely';
import type { Logger } from '../../gateway/logger.ts';
import { parseSubgraphSdl } from '../../schema/subgraphSdl.ts';
import type { ReferenceSystem } from './referenceSystem.ts';
import { startSubgraphServer, type SubgraphServer } from './subgraphServer.ts';

/** The subgraph server of a reference system: its SDL from `schema/`, bound to its open database. */
export function startSystemServer<DB, C extends object>(system: ReferenceSystem<DB, C>, db: Kysely<DB>, logger: Logger): Promise<SubgraphServer> {
  return startSubgraphServer(
    { name: system.name, typeDefs: parseSubgraphSdl(system.name), resolvers: system.resolvers, createContext: system.bind(db) },
    logger,
  );
}
