/**
 * The whole embedded Tessera (seeded `s`), with what a billing run needs to run in the test's
 * hands: peers signed as `system:integration` over the in-process fetcher (faults can be injected
 * around them), the integration store, an injected clock, and a driver to drain.
 */
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Kysely } from 'kysely';
import { loadConfig } from '../../../core/config/config.ts';
import { loadInternalSecret } from '../../../auth/loadInternalSecret.ts';
import { systemUrls } from '../../../runtime/systemUrls.ts';
import type { PeerTransport, Peers } from '../../../systems/kernel/capability/peers.ts';
import { integrationSystemPeers } from '../../../systems/integration/systemPeers.ts';
import { SYSTEM_LIST } from '../../../systems/systems.ts';
import { billingRunPeers, type BillingRunPeers } from '../../../systems/integration/billingRun/peerCalls.ts';
import { createBillingRunDriver, type BillingRunDriver } from '../../../systems/integration/billingRun/driver.ts';
import type { BillingRunDeps } from '../../../systems/integration/billingRun/executor.ts';
import type { BillingRunTables } from '../../../systems/integration/billingRun/tables.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';

export interface BillingRunFixture {
  readonly tessera: TestTessera;
  readonly db: Kysely<BillingRunTables>;
  /** Peers signed as `system:integration`. */
  readonly peers: Peers;
  /** The in-process transport those peers use (consumers that sign their own calls take it). */
  readonly transport: PeerTransport;
  readonly clock: () => Date;
  deps(peers?: BillingRunPeers, extra?: Partial<BillingRunDeps>): BillingRunDeps;
  driver(peers?: BillingRunPeers, extra?: Partial<BillingRunDeps>): BillingRunDriver;
  psa(): Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  erp(): Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(): Promise<void>;
}

/** The instant every capability and the run record (the seed's "as of" is 2026-11-15). */
export const NOW = new Date('2026-12-01T02:00:00.000Z');

export async function startBillingRunFixture(options: { store?: TempStore } = {}): Promise<BillingRunFixture> {
  let fetcher: Fetcher | null = null;
  const clock = () => NOW;
  const tessera = await startTestTessera({
    scale: 's',
    now: clock,
    ...(options.store ? { store: options.store } : {}),
    wrapFetcher: (base) => {
      fetcher = base;
      return base;
    },
  });
  const config = loadConfig({ TESSERA_DATA_DIR: tessera.dataDir });
  const internalSecret = await loadInternalSecret(config.internalSecret);
  const urls = systemUrls(config, SYSTEM_LIST, 'in-process');
  let calls = 0;
  const transport: PeerTransport = { fetcher: fetcher!, urlOf: urls.urlOf, internalSecret };
  const peers = integrationSystemPeers(transport, () => `billing-run-test-${++calls}`);
  const systems = tessera.tessera.systems as Record<string, { db: Kysely<unknown> }>;
  const db = systems.integration!.db as unknown as Kysely<BillingRunTables>;
  const deps = (runPeers: BillingRunPeers = billingRunPeers(peers), extra: Partial<BillingRunDeps> = {}): BillingRunDeps => ({
    db,
    peers: runPeers,
    clock,
    ...extra,
  });
  return {
    tessera,
    db,
    peers,
    transport,
    clock,
    deps,
    driver: (runPeers, extra) => createBillingRunDriver({ ...deps(runPeers, extra), random: () => 0.5 }),
    psa: () => systems.psa!.db as Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
    erp: () => systems.erp!.db as Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
    stop: () => tessera.stop(),
  };
}
