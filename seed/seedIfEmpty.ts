import { sql, type Kysely } from 'kysely';
import type { SeedScale } from '../core/config/config.ts';
import type { Logger } from '../core/logger.ts';
import type { CrmTables } from '../systems/crm/adapters/sql/tables.ts';
import type { ErpTables } from '../systems/erp/adapters/sql/tables.ts';
import type { OpenSystem } from '../systems/kernel/openReferenceSystem.ts';
import type { PsaTables } from '../systems/psa/adapters/sql/tables.ts';
import { seedSystems, type SeedProgress, type SeedSummary } from './seedSystems.ts';

export type SeedOutcome =
  | { readonly kind: 'seeded'; readonly summary: SeedSummary }
  | { readonly kind: 'skipped'; readonly reason: 'disabled' | 'not-empty' | 'not-all-local' };

export interface SeedTargets {
  readonly crm?: OpenSystem<CrmTables> | undefined;
  readonly psa?: OpenSystem<PsaTables> | undefined;
  readonly erp?: OpenSystem<ErpTables> | undefined;
}

/**
 * Seeds the demo data into the reference systems when all three are empty. The three are seeded
 * together or not at all: their records name each other (a project's customer lives in the CRM),
 * so a partial seed would leave dangling references. Stores with any data are never touched.
 */
export async function seedIfEmpty(
  targets: SeedTargets,
  scale: SeedScale | 'none',
  logger: Logger,
  onProgress?: (progress: SeedProgress) => void,
): Promise<SeedOutcome> {
  if (scale === 'none') return { kind: 'skipped', reason: 'disabled' };
  const { crm, psa, erp } = targets;
  if (!crm || !psa || !erp) return { kind: 'skipped', reason: 'not-all-local' };
  const empty = await Promise.all([isEmpty(crm.db, 'accounts'), isEmpty(psa.db, 'projects'), isEmpty(erp.db, 'legal_entities')]);
  if (!empty.every(Boolean)) return { kind: 'skipped', reason: 'not-empty' };
  logger.info({ scale }, 'empty reference systems: seeding demo data');
  const summary = await seedSystems({ crm: crm.db, psa: psa.db, erp: erp.db }, { scale }, onProgress);
  logger.info({ scale, ms: summary.elapsedMs }, 'demo data seeded');
  return { kind: 'seeded', summary };
}

async function isEmpty<DB>(db: Kysely<DB>, table: string): Promise<boolean> {
  const result = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
  return result.rows.length === 0;
}
