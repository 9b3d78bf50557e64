import { seesAccount, seesLegalEntity, type RecordScope } from '../../policies/recordScope.ts';

/** Which columns of a row the record policies look at (absent: the row is not scoped by that policy). */
export interface ScopedColumns<R> {
  readonly legalEntity?: (row: R) => string | null;
  readonly account?: (row: R) => string | null;
}

/**
 * Wraps a batch fetch so rows outside the caller's scope never leave it: to the loader (and so to
 * every resolver) a hidden row is exactly a missing one.
 */
export function visibleRows<K, R>(
  fetch: (keys: readonly K[]) => Promise<readonly R[]>,
  scope: RecordScope,
  columns: ScopedColumns<R>,
): (keys: readonly K[]) => Promise<R[]> {
  const visible = isVisible(scope, columns);
  return async (keys) => (await fetch(keys)).filter(visible);
}

/**
 * Wraps a batch fetch of child rows (an assignment, a timecard) so only those whose parent the
 * caller can see are kept; the parents are looked up through their own (scoped, batched) loader.
 */
export function visibleThroughParent<K, R>(
  fetch: (keys: readonly K[]) => Promise<readonly R[]>,
  parent: { loadMany(keys: readonly string[]): Promise<readonly unknown[]> },
  parentOf: (row: R) => string,
): (keys: readonly K[]) => Promise<R[]> {
  return async (keys) => {
    const rows = await fetch(keys);
    const parentIds = [...new Set(rows.map(parentOf))];
    const parents = await parent.loadMany(parentIds);
    const visible = new Set(parentIds.filter((_, index) => parents[index] !== null && !(parents[index] instanceof Error)));
    return rows.filter((row) => visible.has(parentOf(row)));
  };
}

export function isVisible<R>(scope: RecordScope, columns: ScopedColumns<R>): (row: R) => boolean {
  return (row) =>
    (!columns.legalEntity || seesLegalEntity(scope, columns.legalEntity(row))) && (!columns.account || seesAccount(scope, columns.account(row)));
}
