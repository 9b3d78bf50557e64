import { Migrator, type Kysely, type Migration } from 'kysely';

/**
 * Applies a system's migrations (in name order); throws with the failing migration's name.
 * `schema` (PostgreSQL) keeps each system's migration bookkeeping in its own schema, so several
 * systems can share one database without contending for one lock table.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: Readonly<Record<string, Migration>>,
  schema?: string,
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
