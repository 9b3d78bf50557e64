import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * `column IN (allowed)`, the SQL of a record rule over a list of visible values. SQL `IN ()` is
 * invalid, so nothing visible is `1 = 0`. A NULL column is never IN a list: such a row is hidden.
 */
export function columnIn(column: string, allowed: readonly string[]): Expression<SqlBool> {
  if (allowed.length === 0) return sql<boolean>`1 = 0`;
  return sql<boolean>`${sql.ref(column)} in (${sql.join(allowed)})`;
}
