/**
 * Keyset pagination over canonical IDs: a cursor is the opaque encoding of the last ID seen.
 * Stable under inserts, one indexed range scan per page.
 */
import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { badUserInput } from '../../core/errors.ts';

export const MAX_PAGE_SIZE = 500;

export interface PageRequest {
  readonly first: number;
  readonly afterId: string | null;
  /**
   * Whether the filtered count is wanted (the connection's `totalCount` is selected): a vendor
   * adapter asks its vendor for it only then (docs/connectors.md#paging-at-the-vendor). @default true
   */
  readonly countTotal?: boolean;
}

/**
 * One page of rows as a store returns it: `first + 1` rows (the extra one tells if there is more) and
 * the filtered count, null when the request said it does not want it (`countTotal: false`).
 */
export interface Page<T> {
  readonly rows: T[];
  readonly total: number | null;
}

export interface Connection<T> {
  readonly nodes: readonly T[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  readonly totalCount: number | null;
}

export function encodeCursor(id: string): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

/** Validates `first` and `after`; a bad value is the client's mistake (BAD_USER_INPUT). */
export function pageRequest(args: { first?: number | null; after?: string | null }): PageRequest {
  const first = args.first ?? 50;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}; got ${first}.`, 'first');
  }
  if (args.after == null) return { first, afterId: null };
  const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
  if (!decoded.startsWith('id:') || decoded.length < 4 || encodeCursor(decoded.slice(3)) !== args.after) {
    throw badUserInput('after is not a cursor returned by this API.', 'after');
  }
  return { first, afterId: decoded.slice(3) };
}

/** Builds a connection from `first + 1` rows fetched in ID order. */
export function toConnection<T extends { id: string }>(rows: readonly T[], page: PageRequest, totalCount: number | null): Connection<T> {
  const nodes = rows.slice(0, page.first);
  const last = nodes.at(-1);
  return {
    nodes,
    pageInfo: { hasNextPage: rows.length > page.first, endCursor: last ? encodeCursor(last.id) : null },
    totalCount,
  };
}

/** Arguments of a paginated root field. */
export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

/**
 * A paginated root field: validates `first`/`after`, fetches one page, builds the connection. With
 * the field's `info`, the count is asked for only when the query selects `totalCount`.
 */
export async function connectionOf<T extends { id: string }>(
  args: PageArgs,
  fetch: (page: PageRequest) => Promise<Page<T>>,
  info?: GraphQLResolveInfo,
): Promise<Connection<T>> {
  const page = { ...pageRequest(args), ...(info ? { countTotal: selects(info, 'totalCount') } : {}) };
  const { rows, total } = await fetch(page);
  return toConnection(rows, page, total);
}

/** Whether the field being resolved selects `name` on its result (directly or through fragments). */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const within = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (selection.kind === 'Field') return selection.name.value === name;
      if (selection.kind === 'InlineFragment') return within(selection.selectionSet);
      return within(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => within(node.selectionSet));
}
