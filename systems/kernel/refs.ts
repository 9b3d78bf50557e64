import { notFound } from '../../core/errors.ts';

/** A reference to an entity another subgraph resolves (`{ id }`), or null when there is none. */
export function ref(id: string | null | undefined): { id: string } | null {
  return id ? { id } : null;
}

/** The row of a root lookup by ID; an unknown ID is NOT_FOUND (the same answer as a hidden one). */
export async function found<T>(row: Promise<T | null>, typeName: string, id: string): Promise<T> {
  const value = await row;
  if (value === null) throw notFound(typeName, id);
  return value;
}

/** Keeps rows whose `column` is in `allowed` when a filter was given. */
export function whereIn<T>(rows: readonly T[], allowed: readonly string[] | null | undefined, pick: (row: T) => string): readonly T[] {
  if (!allowed?.length) return rows;
  const set = new Set(allowed);
  return rows.filter((row) => set.has(pick(row)));
}
