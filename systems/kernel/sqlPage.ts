import { sql, type SelectQueryBuilder, type Selectable } from 'kysely';
import type { RecordScope } from '../../policies/recordScope.ts';
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

/**
 * Restricts a query to the caller's record scope in SQL, before any row is read: the legal-entity
 * and account columns must be in the scope's lists (`null` list: unrestricted; empty: nothing).
 */
export function inScope<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  scope: RecordScope,
  columns: { readonly legalEntity?: string; readonly account?: string },
): SelectQueryBuilder<DB, TB, O> {
  let scoped = query;
  if (columns.legalEntity && scope.legalEntityIds !== null) scoped = restrict(scoped, columns.legalEntity, scope.legalEntityIds);
  if (columns.account && scope.accountIds !== null) scoped = restrict(scoped, columns.account, scope.accountIds);
  return scoped;
}

function restrict<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, column: string, values: readonly string[]): SelectQueryBuilder<DB, TB, O> {
  if (values.length === 0) return query.where(sql<boolean>`1 = 0`);
  return query.where(sql<boolean>`${sql.ref(column)} in (${sql.join(values)})`);
}
