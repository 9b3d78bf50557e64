/**
 * The search endpoint of the stand-in, as documented at https://developers.hubspot.com/docs/api/crm/search:
 * filter groups ORed, filters in a group ANDed, one sort, `limit` up to 200, `after` paging with
 * `paging.next.after`, and no more than 10,000 results reachable per query (a request past them is
 * 400 VALIDATION_ERROR).
 */
import { StandInError, type StoredObject } from './portal.ts';

export interface SearchRequest {
  readonly filterGroups?: { readonly filters: readonly Filter[] }[];
  readonly sorts?: { readonly propertyName: string; readonly direction: 'ASCENDING' | 'DESCENDING' }[];
  readonly properties?: readonly string[];
  readonly limit?: number;
  readonly after?: string;
}

interface Filter {
  readonly propertyName: string;
  readonly operator: string;
  readonly value?: string | number;
  readonly values?: readonly (string | number)[];
}

const DATE_PROPERTIES = new Set(['createdate', 'hs_lastmodifieddate', 'closedate']);
export const MAX_RESULTS = 10_000;

export function searchObjects(objects: readonly StoredObject[], request: SearchRequest) {
  const groups = request.filterGroups ?? [];
  if (groups.length > 5 || groups.some((group) => group.filters.length > 6))
    throw new StandInError(400, 'VALIDATION_ERROR', 'Too many filter groups or filters (5 groups of at most 6 filters).');
  const limit = request.limit ?? 10;
  if (limit > 200) throw new StandInError(400, 'VALIDATION_ERROR', 'limit must be at most 200');
  const offset = Number(request.after ?? '0');
  if (offset + limit > MAX_RESULTS)
    throw new StandInError(400, 'VALIDATION_ERROR', `The search API cannot page past ${MAX_RESULTS} results; narrow the query.`);
  const matching = objects.filter(
    (object) => groups.length === 0 || groups.some((group) => group.filters.every((f) => matches(object, f))),
  );
  const sort = request.sorts?.[0] ?? { propertyName: 'hs_object_id', direction: 'ASCENDING' as const };
  const sign = sort.direction === 'DESCENDING' ? -1 : 1;
  matching.sort((a, b) => sign * compare(sort.propertyName, a.properties[sort.propertyName], b.properties[sort.propertyName]));
  const page = matching.slice(offset, offset + limit);
  const next = offset + limit < matching.length ? String(offset + limit) : undefined;
  return { total: matching.length, page, next };
}

function matches(object: StoredObject, filter: Filter): boolean {
  const value = object.properties[filter.propertyName];
  const name = filter.propertyName;
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return value !== undefined && value !== '';
    case 'NOT_HAS_PROPERTY':
      return value === undefined || value === '';
    case 'EQ':
      return value !== undefined && compare(name, value, String(filter.value)) === 0;
    case 'NEQ':
      return value === undefined || compare(name, value, String(filter.value)) !== 0;
    case 'IN':
      return value !== undefined && (filter.values ?? []).some((v) => compare(name, value, String(v)) === 0);
    case 'NOT_IN':
      return value === undefined || !(filter.values ?? []).some((v) => compare(name, value, String(v)) === 0);
    case 'GT':
      return value !== undefined && compare(name, value, String(filter.value)) > 0;
    case 'GTE':
      return value !== undefined && compare(name, value, String(filter.value)) >= 0;
    case 'LT':
      return value !== undefined && compare(name, value, String(filter.value)) < 0;
    case 'LTE':
      return value !== undefined && compare(name, value, String(filter.value)) <= 0;
    case 'CONTAINS_TOKEN': {
      const pattern = String(filter.value)
        .toLowerCase()
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*');
      return (
        value !== undefined &&
        value
          .toLowerCase()
          .split(/\s+/)
          .some((token) => new RegExp(`^${pattern}$`).test(token))
      );
    }
    default:
      throw new StandInError(400, 'VALIDATION_ERROR', `Unknown operator ${filter.operator}`);
  }
}

/** Dates by instant (a filter value may be epoch milliseconds), numbers by value, text by code point. */
function compare(name: string, a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (DATE_PROPERTIES.has(name)) return instant(a) - instant(b);
  if (name === 'hs_object_id') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

const instant = (value: string) => (/^\d+$/.test(value) ? Number(value) : Date.parse(value));
