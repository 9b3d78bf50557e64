import { sql, type SelectQueryBuilder, type Selectable } from 'kysely';
import type { PageRequest } from './pagination.ts';

/**
 * One keyset page of a filtered table: `first + 1` rows after the cursor in ID order, and the
 * filtered count, run together. `base` carries the caller's WHERE clause.
 */
export async function keysetPage<DB, TB extends keyof DB & string>(
  base: SelectQueryBuilder<DB, TB, object>,
  page: PageRequest,
): Promise<{ rows: Selectable<DB[TB]>[]; total: number }> {
  const list = async () => {
    if (page.first === 0) return [];
    let query = base.selectAll();
    if (page.afterId !== null) query = query.where(sql.ref('id'), '>', page.afterId);
    return (await query.orderBy(sql.ref('id')).limit(page.first + 1).execute()) as unknown as Selectable<DB[TB]>[];
  };
  const count = async () => {
    const row = await base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number((row as { n: number | string }).n);
  };
  const [rows, total] = await Promise.all([list(), count()]);
  return { rows, total };
}

/** SQL `IN ()` is invalid: a batch over no keys is answered without a statement. */
export function noKeys(keys: readonly unknown[]): boolean {
  return keys.length === 0;
}

/** A case-insensitive substring match that treats `%`, `_` and `\` literally on both engines. */
export function containsIgnoreCase(column: string, needle: string) {
  const pattern = `%${needle.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
