/**
 * The read port's pages read at the portal (docs/connectors.md#paging-at-the-vendor): a search
 * sorted by `tessera_id` (the canonical id, unique), the cursor as the filter `tessera_id GT <last>`,
 * and `limit` the records still wanted (`first + 1`, in searches of at most 200). `after` is never
 * sent, so a page deep in a long list costs what the first does and the 10,000 results one search
 * can reach are never in the way. Every search answers its `total`: the page's total is that of its
 * first search when it starts at the beginning, else of one more search of one result without the
 * cursor, and none is asked for when the page does not want it.
 *
 * A filter HubSpot cannot evaluate (a name's case-insensitive substring: `CONTAINS_TOKEN` matches
 * tokens; a scope longer than an `IN` list) is applied here: the page reads on from the last record
 * it read until it has `first + 1`, and a total then needs every match read (pageOf).
 */
import { restricts, type RecordAttribute, type RecordScope } from '../../../../policies/recordScope.ts';
import type { Page, PageRequest } from '../../../kernel/pagination.ts';
import { pageOf } from '../recordOrder.ts';
import { hubspotCall } from './failures.ts';
import { KEEPING, type HubSpotObject, type HubSpotObjectTypes } from './objects.ts';
import { SEARCH_PAGE, type ObjectsApi, type SearchFilter } from './objectsApi.ts';
import type { CallView, RecordKind } from './records.ts';
import type { StageMap } from './stageMap.ts';

/** Values per IN filter (HubSpot's limit): a longer scope list is applied here only. */
const IN_LIMIT = 100;

/** Where a kind of object keeps the attributes record policies read (docs/model.md#record-policies). */
export type ScopedProperties = { readonly [A in RecordAttribute]?: string };

/** One page of `kind`: the port's `filters`, the scope's pushed into the search, each record as the call's view shows it and `visible` sees it. */
export type PortalPages = <T extends { id: string }>(
  kind: RecordKind<T>,
  filters: readonly SearchFilter[],
  scoped: ScopedProperties,
  visible: (record: T) => boolean,
  request: PageRequest,
  /** False when `visible` leaves out more than the scope (a name match). @default true */
  exact?: boolean,
) => Promise<Page<T>>;

export function portalPages(
  portal: { readonly api: ObjectsApi; readonly types: HubSpotObjectTypes; stages(): Promise<StageMap> },
  scope: RecordScope,
  view: CallView,
): PortalPages {
  return async (kind, filters, scoped, visible, request, exact = true) => {
    const stages = await hubspotCall(() => portal.stages());
    const pushed = scopeFilters(scope, scoped);
    const query = {
      type: portal.types[kind.type],
      properties: kind.properties,
      filters: pushed === null ? null : [...filters, ...pushed.filters],
      exact: exact && pushed !== null && pushed.exact,
      accept: (object: HubSpotObject) => {
        const record = view(object, () => kind.of(object, stages));
        return record !== null && visible(record) ? record : null;
      },
    };
    return hubspotCall(() => pageAtPortal(portal.api, query, request));
  };
}

/**
 * The scope as search filters on the properties holding its attributes: null when it sees none of
 * the records; `exact` false when a list is too long for one IN filter (`visible` alone decides then).
 */
function scopeFilters(scope: RecordScope, properties: ScopedProperties): { filters: SearchFilter[]; exact: boolean } | null {
  const filters: SearchFilter[] = [];
  let exact = true;
  for (const [attribute, property] of Object.entries(properties) as [RecordAttribute, string][]) {
    if (!restricts(scope, attribute)) continue;
    const values = scope[attribute] ?? [];
    if (values.length === 0) return null;
    if (values.length > IN_LIMIT) exact = false;
    else filters.push({ propertyName: property, operator: 'IN', values });
  }
  return { filters, exact };
}

export interface PortalPage<T> {
  /** The object type searched and the properties read. */
  readonly type: string;
  readonly properties: readonly string[];
  /** The filters HubSpot evaluates (the scope's and the port's); null when the scope sees none of the records. */
  readonly filters: readonly SearchFilter[] | null;
  /** Whether `accept` leaves out only what `filters` already did (so HubSpot's `total` is the page's). */
  readonly exact: boolean;
  /** The canonical record of an object as the caller sees it, or null. */
  readonly accept: (object: HubSpotObject) => T | null;
}

export async function pageAtPortal<T extends { id: string }>(api: ObjectsApi, query: PortalPage<T>, page: PageRequest): Promise<Page<T>> {
  const { type, properties, filters } = query;
  if (filters === null) return { rows: [], total: page.countTotal === false ? null : 0 };
  const counted = page.countTotal !== false;
  if (counted && !query.exact) {
    const all = await api.searchAll(type, filters, properties);
    return pageOf(
      all.flatMap((object) => query.accept(object) ?? []),
      page,
    );
  }
  const hasId: SearchFilter = { propertyName: KEEPING.id, operator: 'HAS_PROPERTY' };
  const rows: T[] = [];
  const wanted = page.first === 0 ? 0 : page.first + 1;
  let total: number | null = null;
  let from = page.afterId;
  while (rows.length < wanted) {
    const limit = Math.min(wanted - rows.length, SEARCH_PAGE);
    const keyset: SearchFilter[] = from === null ? [] : [{ propertyName: KEEPING.id, operator: 'GT', value: from }];
    const answer = await api.search(type, [...filters, hasId, ...keyset], properties, undefined, KEEPING.id, limit);
    if (page.afterId === null && total === null) total = answer.total;
    for (const object of answer.results) {
      const seen = query.accept(object);
      if (seen !== null) rows.push(seen);
    }
    if (answer.results.length < limit) break;
    from = answer.results.at(-1)!.properties[KEEPING.id]!;
  }
  if (counted && total === null) total = (await api.search(type, [...filters, hasId], [KEEPING.id], undefined, KEEPING.id, 1)).total;
  return { rows: rows.slice(0, wanted), total: counted ? total : null };
}
