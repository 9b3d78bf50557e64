/**
 * The system services and `tessera serve registry` on a fresh root (test/runtime/roots.ts): what a
 * suite starts before a gateway alone with TESSERA_REGISTRY_URL, which it then starts itself.
 */
import { createLogger } from '../../core/logger.ts';
import { startRegistryService, type RegistryService } from '../../runtime/registry.ts';
import { seedStores } from '../../runtime/seedStores.ts';
import { startSystemService, type SystemService } from '../../runtime/systemService.ts';
import { SYSTEM_NAMES } from '../../systems/systems.ts';
import { rootFixture, type RootFixture } from '../runtime/roots.ts';

export interface RemoteRegistry {
  readonly fixture: RootFixture;
  /** The started system services' TESSERA_SUBGRAPH_<NAME>_URL variables. */
  readonly env: Record<string, string>;
  readonly registry: RegistryService;
  readonly registryUrl: string;
  /** Stops the registry and the system services and removes the root (stop the gateway first). */
  stop(): Promise<void>;
}

/** Starts them; `seeded` first seeds the root's stores at the small scale. */
export async function startRemoteRegistry(options: { seeded?: boolean } = {}): Promise<RemoteRegistry> {
  const logger = createLogger('silent');
  const fixture = rootFixture();
  const services: SystemService[] = [];
  let registry: RegistryService | undefined;
  const stop = async () => {
    await registry?.stop();
    for (const service of services) await service.stop();
    await fixture.remove();
  };
  try {
    if (options.seeded) await seedStores(fixture.config, { scale: 's', reseed: false, logger });
    const env: Record<string, string> = {};
    for (const name of SYSTEM_NAMES) {
      const service = await startSystemService(name, { config: fixture.config, logger });
      services.push(service);
      env[`TESSERA_SUBGRAPH_${name.toUpperCase()}_URL`] = `http://127.0.0.1:${await service.listen(0)}/graphql`;
    }
    registry = await startRegistryService({ config: fixture.withEnv(env), logger });
    const registryUrl = `http://127.0.0.1:${await registry.listen(0)}`;
    return { fixture, env, registry, registryUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
