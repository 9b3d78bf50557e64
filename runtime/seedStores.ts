import type { SeedScale, TesseraConfig } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import { seedIfEmpty } from '../seed/seedIfEmpty.ts';
import { openAllSystems } from '../systems/openAllSystems.ts';

/** `tessera seed`: opens every system's store, seeds them if all are empty, closes them. */
export async function seedStores(config: TesseraConfig, scale: SeedScale, logger: Logger): Promise<void> {
  const systems = await openAllSystems(config.store);
  try {
    const outcome = await seedIfEmpty(systems, scale, logger);
    if (outcome.kind === 'skipped') logger.warn({ reason: outcome.reason }, 'not seeded: the reference systems already hold data');
  } finally {
    await systems.close();
  }
}
