/**
 * The HubSpot CRM v3 objects and v4 associations calls the adapter makes (docs/connectors.md#hubspot):
 * batch read by a unique property, search with `after` paging, create, update, and the default
 * association between two objects. Shapes: developers.hubspot.com/docs/api/crm/understanding-the-crm,
 * developers.hubspot.com/docs/api/crm/search, developers.hubspot.com/docs/api/crm/associations.
 */
import { HubSpotApiError, type HubSpotHttp } from './http.ts';
import { KEEPING, type HubSpotObject, type Properties } from './objects.ts';

/** One search filter (`operator` EQ, IN, GT, HAS_PROPERTY, ...). */
export interface SearchFilter {
  readonly propertyName: string;
  readonly operator: string;
  readonly value?: string;
  readonly values?: readonly string[];
}

/** Ids per batch read and values per IN filter: HubSpot's limit of 100 inputs. */
const BATCH = 100;
/** Results per search page (HubSpot's maximum) and how far `after` may go (10,000 results per query). */
export const SEARCH_PAGE = 200;
const SEARCH_WINDOW = 10_000;

export class ObjectsApi {
  constructor(private readonly http: HubSpotHttp) {}

  /** The objects whose unique `idProperty` is one of `ids` (missing ones absent), in no order. */
  async batchRead(type: string, ids: readonly string[], properties: readonly string[], idProperty: string = KEEPING.id) {
    const found: HubSpotObject[] = [];
    for (const inputs of chunks([...new Set(ids)], BATCH)) {
      const answer = await this.http.send({
        method: 'POST',
        path: `/crm/v3/objects/${type}/batch/read`,
        body: { inputs: inputs.map((id) => ({ id })), properties, idProperty, propertiesWithHistory: [] },
      });
      const body = answer.body as BatchAnswer;
      // 207: some inputs were not found; any other error of the batch is a failure.
      const failed = (body.errors ?? []).filter((error) => error.category !== 'OBJECT_NOT_FOUND');
      if (failed.length > 0) throw new HubSpotApiError(answer.status, failed[0]!, `batch read ${type}`);
      found.push(...body.results);
    }
    return found;
  }

  /**
   * Every object matching `filters` (and holding a `tessera_id`, unless `withoutId` too), in `sort` order (ascending). A
   * search pages with `after` up to 10,000 results; past that it starts again from the last value
   * seen (a stamp others may share: from it, leaving out what was read), so a longer list is read whole.
   */
  async searchAll(
    type: string,
    filters: readonly SearchFilter[],
    properties: readonly string[],
    sort: string = KEEPING.id,
    withoutId = false,
  ): Promise<HubSpotObject[]> {
    const results = new Map<string, HubSpotObject>();
    const held: SearchFilter[] = withoutId ? [] : [{ propertyName: KEEPING.id, operator: 'HAS_PROPERTY' }];
    for (const values of inChunks(filters)) {
      let from: string | null = null;
      let after: string | undefined;
      for (;;) {
        const keyset: SearchFilter[] =
          from === null ? [] : [{ propertyName: sort, operator: sort === KEEPING.id ? 'GT' : 'GTE', value: from }];
        const page = await this.search(type, [...values, ...keyset, ...held], [...properties, sort], after, sort);
        for (const object of page.results) results.set(object.id, object);
        const next = page.paging?.next?.after;
        if (next === undefined) break;
        if (Number(next) + SEARCH_PAGE > SEARCH_WINDOW) {
          from = page.results.at(-1)!.properties[sort]!;
          after = undefined;
        } else after = next;
      }
    }
    return [...results.values()];
  }

  /** One page of a search sorted by `sort`, ascending, of `limit` results (at most 200). */
  search(
    type: string,
    filters: readonly SearchFilter[],
    properties: readonly string[],
    after?: string,
    sort: string = KEEPING.id,
    limit: number = SEARCH_PAGE,
  ): Promise<SearchPage> {
    const body = {
      filterGroups: [{ filters }],
      sorts: [{ propertyName: sort, direction: 'ASCENDING' }],
      properties,
      limit: Math.min(limit, SEARCH_PAGE),
      ...(after === undefined ? {} : { after }),
    };
    return this.http.send({ method: 'POST', path: `/crm/v3/objects/${type}/search`, body }).then((answer) => answer.body as SearchPage);
  }

  async create(type: string, properties: Properties): Promise<HubSpotObject> {
    return (await this.http.send({ method: 'POST', path: `/crm/v3/objects/${type}`, body: { properties: defined(properties) } }))
      .body as HubSpotObject;
  }

  /**
   * Creates every input in one batch. HubSpot may create some and refuse others (207 Multi-Status
   * with `errors[]`): the created ones are returned with the errors, for the caller to decide.
   */
  async batchCreate(type: string, inputs: readonly Properties[]): Promise<{ created: HubSpotObject[]; errors: BatchError[] }> {
    if (inputs.length === 0) return { created: [], errors: [] };
    const answer = await this.http.send({
      method: 'POST',
      path: `/crm/v3/objects/${type}/batch/create`,
      body: { inputs: inputs.map((properties) => ({ properties: defined(properties) })) },
    });
    const body = answer.body as BatchAnswer;
    return { created: body.results, errors: body.errors ?? [] };
  }

  /** Updates the object with HubSpot id `id`; a null value clears the property. */
  async update(type: string, id: string, properties: Properties): Promise<HubSpotObject> {
    const body = { properties: Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, value ?? ''])) };
    return (await this.http.send({ method: 'PATCH', path: `/crm/v3/objects/${type}/${id}`, body })).body as HubSpotObject;
  }

  /** The default (unlabelled) associations from objects of one type to objects of another (v4), pairs of HubSpot ids. */
  async associate(fromType: string, toType: string, pairs: readonly (readonly [string, string])[]): Promise<void> {
    for (const batch of chunks(pairs, BATCH))
      await this.http.send({
        method: 'POST',
        path: `/crm/v4/associations/${fromType}/${toType}/batch/associate/default`,
        body: { inputs: batch.map(([from, to]) => ({ from: { id: from }, to: { id: to } })) },
      });
  }

  /** The ids of the `toType` objects each `fromType` object is associated with (v4 batch read). */
  async associations(fromType: string, toType: string, ids: readonly string[]): Promise<Map<string, string[]>> {
    const associated = new Map<string, string[]>();
    for (const inputs of chunks(ids, BATCH)) {
      const answer = await this.http.send({
        method: 'POST',
        path: `/crm/v4/associations/${fromType}/${toType}/batch/read`,
        body: { inputs: inputs.map((id) => ({ id })) },
      });
      for (const result of (answer.body as AssociationsAnswer).results)
        associated.set(
          result.from.id,
          result.to.map((to) => String(to.toObjectId)),
        );
    }
    return associated;
  }
}

export interface SearchPage {
  readonly total: number;
  readonly results: HubSpotObject[];
  readonly paging?: { readonly next?: { readonly after: string } };
}

export interface BatchError {
  readonly status: string;
  readonly category: string;
  readonly message: string;
}

interface BatchAnswer {
  readonly results: HubSpotObject[];
  readonly errors?: BatchError[];
}

interface AssociationsAnswer {
  readonly results: { readonly from: { readonly id: string }; readonly to: { readonly toObjectId: number | string }[] }[];
}

/** A create leaves out what has no value (HubSpot stores an absent property as empty). */
function defined(properties: Properties): Record<string, string> {
  return Object.fromEntries(Object.entries(properties).filter((entry): entry is [string, string] => entry[1] !== null));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** One filter list per 100 values of its IN filter (HubSpot's limit), or the filters as they are. */
function inChunks(filters: readonly SearchFilter[]): SearchFilter[][] {
  const index = filters.findIndex((filter) => filter.operator === 'IN');
  if (index < 0) return [[...filters]];
  const list = filters[index]!;
  return chunks([...new Set(list.values ?? [])], BATCH).map((values) =>
    filters.map((filter, i) => (i === index ? { ...list, values } : filter)),
  );
}
