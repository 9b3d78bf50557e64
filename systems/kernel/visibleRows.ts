import { restrictingRules, type RecordAttribute, type RecordScope } from '../../policies/recordScope.ts';

// An interface over the mapped type, so `R` is inferred from every accessor, as from written-out members.
/** Where a row holds each record attribute it is scoped by (absent: the row is not scoped by that policy). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ScopedColumns<R> extends RowAccessors<R> {}
type RowAccessors<R> = { readonly [A in RecordAttribute]?: (row: R) => string | null };

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

/** The row rule of every record policy the row is scoped by: the same decision `inScope` makes in SQL. */
export function isVisible<R>(scope: RecordScope, columns: ScopedColumns<R>): (row: R) => boolean {
  const rules = restrictingRules(scope, columns);
  return (row) => rules.every((rule) => rule.sees(rule.where(row)));
}
