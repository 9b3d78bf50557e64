import type { Kysely } from 'kysely';
import type { Logger } from '../../core/logger.ts';
import { parseSubgraphSdl } from '../../schema/subgraphSdl.ts';
import { AuthError } from '../../auth/authError.ts';
import { createInternalPrincipalVerifier } from '../../auth/internalPrincipal.ts';
import type { ReferenceSystem, VendorSystemOfRecord } from './referenceSystem.ts';
import { startSubgraphServer, type SubgraphServer } from './subgraphServer.ts';
import type { PeerTransport } from './capability/peers.ts';
import { schedulePurge } from './capability/purgeExpired.ts';
import type { CapabilityTables } from './capability/tables.ts';
import type { TimeControlsConfig } from '../../core/config/timeControls.ts';
import type { SurvivorshipRules } from '../../core/config/crosswalk.ts';

/** The subgraph server of a reference system: its SDL from `schema/`, bound to its open database. */
/**
 * `internalSecret` verifies the principal the gateway signs on every call; calls without it are
 * refused before any resolver runs.
 */
export async function startSystemServer<DB, C extends object>(
  system: ReferenceSystem<DB, C>,
  databases: { readonly db: Kysely<DB>; readonly reads?: Kysely<DB> },
  logger: Logger,
  internalSecret: string,
  peers: Omit<PeerTransport, 'internalSecret'>,
  /** The capabilities' clock (tests inject one). @default the system clock */
  clock?: () => Date,
  /** Called with the capability's name after a capability call committed: the relay's `wake` (docs/events.md#relay). */
  onEventsCommitted?: (capability: string) => void,
  /** `config.timeControls`: the limits of the PSA's time submissions. @default TIME_CONTROL_DEFAULTS */
  timeControls?: TimeControlsConfig,
  /** A vendor system of record instead of the system's SQL adapter (docs/connectors.md#wiring). @default the SQL adapter */
  systemOfRecord?: VendorSystemOfRecord,
  /** `config.crosswalk.survivorship`: the crosswalk's defaults (docs/crosswalk.md#configuration). @default the built-in ones */
  survivorship?: SurvivorshipRules,
): Promise<SubgraphServer> {
  const transport: PeerTransport = { ...peers, internalSecret };
  const verify = createInternalPrincipalVerifier(internalSecret);
  const server = await startSubgraphServer(
    {
      name: system.name,
      typeDefs: parseSubgraphSdl(system.name),
      resolvers: system.resolvers,
      createContext: system.bind(databases.db, transport, {
        ...(databases.reads ? { reads: databases.reads as never } : {}),
        ...(clock ? { clock } : {}),
        ...(onEventsCommitted ? { onEventsCommitted } : {}),
        ...(timeControls ? { timeControls } : {}),
        ...(systemOfRecord ? { systemOfRecord } : {}),
        ...(survivorship ? { survivorship } : {}),
      }),
      verifyPrincipal: (header) => {
        if (!header) throw new AuthError('missing', 'the call carries no gateway principal');
        return verify(header);
      },
    },
    logger,
  );
  const stopPurge = schedulePurge(databases.db as unknown as Kysely<CapabilityTables>, (error) =>
    logger.warn({ subgraph: system.name, err: error }, 'purging expired idempotency records failed'),
  );
  return {
    ...server,
    stop: async () => {
      stopPurge();
      await server.stop();
    },
  };
}
