import type { TesseraConfig } from '../../core/config/config.ts';
import type { Logger } from '../../core/logger.ts';
import type { Registry } from '../registry.ts';
import { createRegistry } from '../service/createRegistry.ts';
import { openRegistryStore } from '../store/openRegistryStore.ts';
import type { SubgraphDeclaration } from '../types.ts';

export interface LocalRegistryOptions {
  readonly config: TesseraConfig;
  readonly declarations: readonly SubgraphDeclaration[];
  readonly logger: Logger;
  /** The registry's clock. @default () => new Date() */
  readonly clock?: (() => Date) | undefined;
}

/**
 * The embedded registry, opened directly in the configured store (`<TESSERA_DATA_DIR>/registry.sqlite`
 * or the `registry` schema of TESSERA_DATABASE_URL), beside a running `npm start` if there is one:
 * the service serialises publishes through the database, not through a process.
 */
export async function openLocalRegistry(options: LocalRegistryOptions): Promise<{ readonly registry: Registry; close(): Promise<void> }> {
  const store = await openRegistryStore(options.config.store);
  const registry = createRegistry({
    db: store.db,
    declarations: options.declarations,
    usageWindowDays: options.config.registry.usageWindowDays,
    maxSdlBytes: options.config.registry.maxSdlBytes,
    logger: options.logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { registry, close: () => store.close() };
}
