/**
 * Seeded rows as a store holds them: the seed writes the first migration's columns; the columns
 * later migrations added (capability workflows: versions, approvals, credits...) hold their
 * defaults, or null. Tests that compare stored rows with the generated dataset compare with this.
 */
import type { TableSpec } from '../../subgraphs/runtime/tableSpec.ts';

export function asStored<R extends object>(spec: TableSpec, rows: readonly R[]): R[] {
  const later = Object.entries(spec.columns).filter(([, column]) => column.since !== undefined);
  const defaults = Object.fromEntries(later.map(([name, column]) => [name, column.default ?? null]));
  return rows.map((row) => ({ ...defaults, ...row }));
}
