import type { SeedScale, TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { seedIfEmpty, type SeedOutcome } from '../seed/seedIfEmpty.ts';
import type { SeedProgress } from '../seed/seedSystems.ts';
import { wipeStore } from '../seed/wipeStore.ts';
import { openAllSystems } from '../systems/openAllSystems.ts';
import { SYSTEM_NAMES } from '../systems/systems.ts';

export interface SeedStoresOptions {
  readonly scale: SeedScale;
  /** Drop every system's data first (`tessera seed --reseed`; refused in production). */
  readonly reseed: boolean;
  readonly logger: Logger;
  /** Called as the seed advances (the CLI prints each on stderr). */
  readonly onProgress?: ((progress: SeedProgress) => void) | undefined;
}

/**
 * `tessera seed` (docs/production.md#seeding): opens every system's store, seeds them if all are
 * empty, closes them. Stores holding data are left alone (`skipped`, `not-empty`) unless `reseed`,
 * which drops every system's tables (the integration system's too: its processes name the old
 * records) and migrates them again before seeding.
 */
export async function seedStores(config: TesseraConfig, options: SeedStoresOptions): Promise<SeedOutcome> {
  const refusal = seedRefusal(config, options.reseed);
  if (refusal) throw new SeedRefused(refusal);
  let systems = await openAllSystems(config.store);
  try {
    if (options.reseed) {
      for (const name of SYSTEM_NAMES) await wipeStore(systems[name].db as Parameters<typeof wipeStore>[0]);
      options.logger.warn({ systems: SYSTEM_NAMES }, 'reseed: every reference system emptied');
      await systems.close();
      systems = await openAllSystems(config.store);
    }
    return await seedIfEmpty(systems, options.scale, options.logger, options.onProgress);
  } finally {
    await systems.close();
  }
}

/** A seed the configuration does not allow; the CLI prints the message and exits 1. */
export class SeedRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedRefused';
  }
}

/**
 * Why `tessera seed` must not run here, or null. Production stores hold real records: demo data is
 * written there only when the operator set `TESSERA_SEED_SCALE`, and never over existing data.
 */
export function seedRefusal(config: TesseraConfig, reseed: boolean): string | null {
  if (config.env !== 'production') return null;
  if (reseed) return '--reseed deletes every record of every reference system: TESSERA_ENV=production refuses it';
  if (config.seedScale === 'none') {
    return 'TESSERA_ENV=production seeds no invented demo records unless TESSERA_SEED_SCALE is set (s, m or l)';
  }
  return null;
}
