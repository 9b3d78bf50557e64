import { sql, type SelectQueryBuilder, type Selectable } from 'kysely';
import { restrictingRules, type RecordAttribute, type RecordScope } from '../../policies/recordScope.ts';
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
    return (await query
      .orderBy(sql.ref('id'))
      .limit(page.first + 1)
      .execute()) as unknown as Selectable<DB[TB]>[];
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
 * Restricts a query to the caller's record scope in SQL, before any row is read: for each record
 * attribute the table declares a column for (`legalEntity: 'legal_entity_id'`), the rule of the
 * policy that reads it, as its SQL (policies/named/). Unrestricted attributes add nothing.
 */
export function inScope<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  scope: RecordScope,
  columns: ScopedColumnNames,
): SelectQueryBuilder<DB, TB, O> {
  let scoped = query;
  for (const rule of restrictingRules(scope, columns)) scoped = scoped.where(rule.sql(rule.where));
  return scoped;
}

/** The column of a table that holds each record attribute it is scoped by (absent: not scoped by that policy). */
export type ScopedColumnNames = { readonly [A in RecordAttribute]?: string };
