/**
 * The orders and pages of the CRM read port (readPort.ts) computed from records in hand, for the
 * remote adapters that read records from a vendor and order them themselves: the same orders and
 * keyset pages the SQL adapter answers.
 */
import type { Page, PageRequest } from '../../kernel/pagination.ts';

export function keyIn<T>(keys: readonly string[], key: (record: T) => string): (record: T) => boolean {
  const wanted = new Set(keys);
  return (record) => wanted.has(key(record));
}

export function byId<T extends { readonly id: string }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => compare(a.id, b.id));
}

export function latestFirst<T extends { readonly id: string }>(records: readonly T[], date: (record: T) => string): T[] {
  return [...records].sort((a, b) => compare(date(b), date(a)) || compare(a.id, b.id));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The keyset page the SQL adapter answers: `first + 1` records after the cursor in id order, and the filtered count. */
export function pageOf<T extends { readonly id: string }>(records: readonly T[], page: PageRequest): Page<T> {
  const sorted = byId(records);
  const after = page.afterId;
  const rows = page.first === 0 ? [] : sorted.filter((record) => after === null || record.id > after).slice(0, page.first + 1);
  return { rows, total: sorted.length };
}

/** Amendments by contract id, then version (docs/model.md#contractamendment). */
export function byContractVersion<T extends { readonly id: string; readonly contractId: string; readonly toVersion: number }>(
  records: readonly T[],
): T[] {
  return [...records].sort((a, b) => compare(a.contractId, b.contractId) || a.toVersion - b.toVersion || compare(a.id, b.id));
}
