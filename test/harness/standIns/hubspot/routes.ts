/**
 * The CRM endpoints the stand-in serves, each answering the documented shape:
 * objects (https://developers.hubspot.com/docs/api/crm/understanding-the-crm), batch read and create
 * with 207 Multi-Status on partial failure, search (search.ts), v4 associations
 * (https://developers.hubspot.com/docs/api/crm/associations) and deal pipelines
 * (https://developers.hubspot.com/docs/api/crm/pipelines).
 */
import { DEAL_PIPELINES } from './fixtures.ts';
import type { Portal } from './portal.ts';
import { StandInError, type StoredObject } from './portal.ts';
import { searchObjects, type SearchRequest } from './search.ts';

export interface Routed {
  readonly status: number;
  readonly body: unknown;
}

type Input = { id?: string; properties?: Record<string, string | null> };

export function route(portal: Portal, method: string, url: URL, body: Record<string, unknown>, failing: readonly number[]): Routed {
  const path = url.pathname;
  let m: RegExpMatchArray | null;
  if (method === 'GET' && path === '/crm/v3/pipelines/deals') return { status: 200, body: { results: DEAL_PIPELINES } };
  if (method === 'POST' && (m = path.match(/^\/crm\/v3\/objects\/([^/]+)\/batch\/read$/)))
    return batchRead(portal, portal.typeOf(m[1]!), body);
  if (method === 'POST' && (m = path.match(/^\/crm\/v3\/objects\/([^/]+)\/search$/))) {
    const type = portal.typeOf(m[1]!);
    const request = body as SearchRequest;
    const { total, page, next } = searchObjects(portal.all(type), request);
    portal.searches.push({ type, request, results: page.length });
    return {
      status: 200,
      body: {
        total,
        results: page.map((object) => shape(object, request.properties ?? [])),
        ...(next === undefined ? {} : { paging: { next: { after: next, link: `${url.origin}${path}?after=${next}` } } }),
      },
    };
  }
  if (method === 'POST' && (m = path.match(/^\/crm\/v3\/objects\/([^/]+)\/batch\/create$/))) {
    const type = portal.typeOf(m[1]!);
    const inputs = (body.inputs ?? []) as Input[];
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const [index, input] of inputs.entries()) {
      const key = input.properties?.tessera_id ?? '';
      if (failing.includes(index))
        errors.push(error(400, 'VALIDATION_ERROR', `Property values were not valid for ${key}`, { tessera_id: [key] }));
      else results.push(shape(portal.create(type, input.properties ?? {}), Object.keys(input.properties ?? {})));
    }
    return errors.length > 0
      ? { status: 207, body: { status: 'COMPLETE', results, numErrors: errors.length, errors, ...times(portal) } }
      : { status: 201, body: { status: 'COMPLETE', results, ...times(portal) } };
  }
  if (method === 'POST' && (m = path.match(/^\/crm\/v3\/objects\/([^/]+)$/))) {
    const type = portal.typeOf(m[1]!);
    const properties = (body.properties ?? {}) as Record<string, string>;
    return { status: 201, body: shape(portal.create(type, properties), Object.keys(properties)) };
  }
  if ((m = path.match(/^\/crm\/v3\/objects\/([^/]+)\/([^/]+)$/)) && (method === 'PATCH' || method === 'GET')) {
    const type = portal.typeOf(m[1]!);
    const object = portal.find(type, url.searchParams.get('idProperty') ?? 'hs_object_id', decodeURIComponent(m[2]!));
    if (!object) throw new StandInError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    if (method === 'GET')
      return { status: 200, body: shape(object, (url.searchParams.get('properties') ?? '').split(',').filter(Boolean)) };
    const properties = (body.properties ?? {}) as Record<string, string>;
    return { status: 200, body: shape(portal.update(type, object, properties), Object.keys(properties)) };
  }
  if (method === 'POST' && (m = path.match(/^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/associate\/default$/))) {
    const [from, to] = [portal.typeOf(m[1]!), portal.typeOf(m[2]!)];
    const results = ((body.inputs ?? []) as { from: { id: string }; to: { id: string } }[]).map((input) => {
      const typeId = portal.associate(from, input.from.id, to, input.to.id);
      const spec = { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId };
      return {
        fromObjectTypeId: from,
        fromObjectId: Number(input.from.id),
        toObjectTypeId: to,
        toObjectId: Number(input.to.id),
        labels: [],
        associationSpec: spec,
      };
    });
    return { status: 200, body: { status: 'COMPLETE', results, ...times(portal) } };
  }
  if (method === 'POST' && (m = path.match(/^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/read$/))) {
    const [from, to] = [portal.typeOf(m[1]!), portal.typeOf(m[2]!)];
    const results = ((body.inputs ?? []) as Input[]).map((input) => ({
      from: { id: input.id },
      to: portal.associated(from, input.id!, to).map((id) => ({ toObjectId: Number(id), associationTypes: [] })),
    }));
    return { status: 200, body: { status: 'COMPLETE', results, ...times(portal) } };
  }
  throw new StandInError(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${path}`);
}

function batchRead(portal: Portal, type: string, body: Record<string, unknown>): Routed {
  const idProperty = (body.idProperty as string | undefined) ?? 'hs_object_id';
  const properties = (body.properties ?? []) as string[];
  const results: unknown[] = [];
  const missing: string[] = [];
  for (const input of (body.inputs ?? []) as Input[]) {
    const object = portal.find(type, idProperty, input.id!);
    if (object) results.push(shape(object, properties));
    else missing.push(input.id!);
  }
  if (missing.length === 0) return { status: 200, body: { status: 'COMPLETE', results, ...times(portal) } };
  const notFound = error(404, 'OBJECT_NOT_FOUND', `Could not get some ${type} objects, they may be deleted or not exist.`, {
    ids: missing,
  });
  return { status: 207, body: { status: 'COMPLETE', results, numErrors: 1, errors: [notFound], ...times(portal) } };
}

/** An object as the API answers it: the requested properties (null when unset) and the ones HubSpot always adds. */
function shape(object: StoredObject, properties: readonly string[]) {
  const p = object.properties;
  const answered: Record<string, string | null> = {
    hs_object_id: p.hs_object_id!,
    createdate: p.createdate!,
    hs_lastmodifieddate: p.hs_lastmodifieddate!,
  };
  for (const name of properties) answered[name] = p[name] ?? null;
  return { id: object.id, properties: answered, createdAt: object.createdAt, updatedAt: object.updatedAt, archived: false };
}

function error(status: number, category: string, message: string, context: Record<string, unknown>) {
  return { status: 'error', category, message, context, subCategory: null, errorId: `${status}` };
}

const times = (portal: Portal) => ({ startedAt: portal.now().toISOString(), completedAt: portal.now().toISOString() });
