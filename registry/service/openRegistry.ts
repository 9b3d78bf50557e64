import type { TesseraConfig } from '../../core/config/config.ts';
import type { Logger } from '../../core/logger.ts';
import { createRegistry, type LocalRegistry } from './createRegistry.ts';
import { openRegistryStore } from '../store/openRegistryStore.ts';
import type { RegistryDb } from '../store/tables.ts';
import type { SubgraphDeclaration } from '../types.ts';

export interface LocalRegistryOptions {
  readonly config: TesseraConfig;
  readonly declarations: readonly SubgraphDeclaration[];
  readonly logger: Logger;
  /** The registry's clock. @default () => new Date() */
  readonly clock?: (() => Date) | undefined;
}

/**
 * The registry over the configured store (`<TESSERA_DATA_DIR>/registry.sqlite` or the `registry`
 * schema of TESSERA_DATABASE_URL), with the configured limits: what `npm start`, `tessera serve
 * registry` and the CLI beside them open. Several may share the store: the service serialises
 * publishes through the database, not through a process.
 */
export async function openRegistry(
  options: LocalRegistryOptions,
): Promise<{ readonly registry: LocalRegistry; readonly db: RegistryDb; close(): Promise<void> }> {
  const store = await openRegistryStore(options.config.store);
  const registry = createRegistry({
    db: store.db,
    declarations: options.declarations,
    usageWindowDays: options.config.registry.usageWindowDays,
    maxSdlBytes: options.config.registry.maxSdlBytes,
    logger: options.logger,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { registry, db: store.db, close: () => store.close() };
}
