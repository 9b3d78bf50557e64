import type { TableSpec } from '../../systems/kernel/tableSpec.ts';

/**
 * Generated rows as a store holds them: the dataset has the shape of the first migration, so the
 * columns later migrations added (capability workflows) read back with their defaults, or null.
 */
export function asStored<R extends object>(spec: TableSpec, rows: readonly R[]): R[] {
  const later = Object.entries(spec.columns).filter(([, column]) => column.since !== undefined);
  return rows.map((row) => ({ ...Object.fromEntries(later.map(([name, column]) => [name, column.default ?? null])), ...row }));
}
