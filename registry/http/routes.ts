/**
 * The routes of the registry's HTTP API (docs/registry.md#http-api): each a method, a path, who
 * may call it, and what it asks of the `Registry`. The JSON answered is exactly the registry's types.
 */
import type { IncomingMessage } from 'node:http';
import type { Registry } from '../registry.ts';
import { RegistryError } from '../registryError.ts';
import { CHECK, GATEWAY_READ, GATEWAY_WRITE, READ, WRITE, type Access, type Caller } from './access.ts';
import {
  contractOf,
  intParam,
  limitParam,
  proposalOf,
  publishOf,
  readJsonObject,
  requiredParam,
  rollbackOf,
  usageBatchOf,
  versionSegment,
} from './bodies.ts';
import { ApiError, json, noContent, type Reply } from './reply.ts';

export interface RouteContext {
  readonly registry: Registry;
  readonly request: IncomingMessage;
  readonly search: URLSearchParams;
  /** The path's captured segments, decoded. */
  readonly params: readonly string[];
  readonly caller: Caller;
  readonly maxBodyBytes: number;
  readonly outline: (() => Promise<unknown>) | undefined;
}

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: RegExp;
  readonly access: Access;
  run(context: RouteContext): Promise<Reply>;
}

/** Lists longer than this are asked for in pages of it: a stored report carries every finding. */
const MAX_LIMIT = 1000;

const body = (context: RouteContext) => readJsonObject(context.request, context.maxBodyBytes);

/** The author of a write: the token's `sub` (a write never comes from the gateway's internal principal). */
const author = (context: RouteContext) => context.caller.sub ?? 'anonymous';

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: /^\/registry\/api\/subgraphs$/, access: READ, run: async ({ registry }) => json(200, await registry.subgraphs()) },
  {
    method: 'GET',
    path: /^\/registry\/api\/subgraphs\/([^/]+)\/versions\/([^/]+)$/,
    access: READ,
    run: async ({ registry, params }) => json(200, await registry.version(params[0]!, versionSegment(params[1]!))),
  },
  { method: 'GET', path: /^\/registry\/api\/supergraph$/, access: GATEWAY_READ, run: supergraph },
  {
    method: 'GET',
    path: /^\/registry\/api\/history$/,
    access: READ,
    run: async ({ registry, search }) => json(200, await registry.history(search.get('subgraph') || undefined)),
  },
  {
    method: 'GET',
    path: /^\/registry\/api\/diff$/,
    access: READ,
    run: async ({ registry, search }) =>
      json(200, await registry.diff(requiredParam(search, 'subgraph'), intParam(search, 'from'), intParam(search, 'to'))),
  },
  {
    method: 'POST',
    path: /^\/registry\/api\/check$/,
    access: CHECK,
    run: async (context) => json(200, await context.registry.check(proposalOf(await body(context)), author(context))),
  },
  {
    method: 'POST',
    path: /^\/registry\/api\/publish$/,
    access: WRITE,
    run: async (context) => {
      const result = await context.registry.publish(publishOf(await body(context), author(context)));
      return json(result.published ? 201 : 200, result);
    },
  },
  {
    method: 'POST',
    path: /^\/registry\/api\/rollback$/,
    access: WRITE,
    run: async (context) => {
      const result = await context.registry.rollback({ ...rollbackOf(await body(context)), author: author(context) });
      return json(result.published ? 201 : 200, result);
    },
  },
  {
    method: 'GET',
    path: /^\/registry\/api\/contracts$/,
    access: GATEWAY_READ,
    run: async ({ registry }) => json(200, await registry.contracts()),
  },
  {
    method: 'POST',
    path: /^\/registry\/api\/contracts$/,
    access: WRITE,
    run: async (context) => json(201, await context.registry.createContract(contractOf(await body(context), author(context)))),
  },
  {
    method: 'POST',
    path: /^\/registry\/api\/usage$/,
    access: GATEWAY_WRITE,
    run: async (context) => {
      await context.registry.recordUsage(usageBatchOf(await body(context)));
      return noContent();
    },
  },
  {
    method: 'GET',
    path: /^\/registry\/api\/usage$/,
    access: READ,
    run: async ({ registry, search }) => {
      const coordinates = search.getAll('coordinate').filter((coordinate) => coordinate !== '');
      return json(200, await registry.usage(coordinates.length > 0 ? coordinates : undefined));
    },
  },
  {
    method: 'GET',
    path: /^\/registry\/api\/deprecations$/,
    access: READ,
    run: async ({ registry }) => json(200, await registry.deprecations()),
  },
  {
    method: 'GET',
    path: /^\/registry\/api\/checks$/,
    access: READ,
    run: async ({ registry, search }) => json(200, await registry.checks(limitParam(search, MAX_LIMIT))),
  },
  {
    method: 'GET',
    path: /^\/registry\/api\/checks\/([^/]+)$/,
    access: READ,
    run: async ({ registry, params }) => {
      const id = versionSegment(params[0]!);
      const report = await registry.checkReport(id);
      if (report === null) throw new ApiError('NOT_FOUND', `No check report ${id}.`);
      return json(200, report);
    },
  },
  {
    method: 'GET',
    path: /^\/registry\/api\/audit$/,
    access: READ,
    run: async ({ registry, search }) => json(200, await registry.audit(limitParam(search, MAX_LIMIT))),
  },
  {
    method: 'POST',
    path: /^\/registry\/api\/manifests\/([^/]+)$/,
    access: WRITE,
    run: async (context) =>
      json(
        201,
        await context.registry.publishManifest({ client: context.params[0]!, manifest: await body(context), author: author(context) }),
      ),
  },
  { method: 'GET', path: /^\/registry\/api\/manifests$/, access: GATEWAY_READ, run: manifests },
  {
    method: 'GET',
    path: /^\/registry\/api\/schema$/,
    access: READ,
    run: async ({ outline }) => {
      if (!outline) throw new ApiError('NOT_FOUND', 'This registry serves no schema outline.');
      return json(200, await outline());
    },
  },
];

/**
 * The supergraph as the gateway loads it: SDL as text, its ETag and id; `If-None-Match` with the
 * current ETag is 304 without a body, so a poll that finds nothing new costs a header.
 */
async function supergraph({ registry, request, search }: RouteContext): Promise<Reply> {
  const contract = search.get('contract') || null;
  const ifNoneMatch = request.headers['if-none-match'] ?? null;
  const result = await registry.supergraph(contract, ifNoneMatch);
  if (result === 'not-modified') return notModified(ifNoneMatch!);
  if (result === null) {
    if (contract !== null && !(await registry.contracts()).some(({ name }) => name === contract)) {
      throw new RegistryError('REGISTRY_UNKNOWN_CONTRACT', `No contract named ${contract}.`);
    }
    throw new RegistryError(
      'REGISTRY_NO_SUPERGRAPH',
      contract === null
        ? 'Nothing has been composed yet: publish every subgraph first.'
        : `The contract ${JSON.stringify(contract)} has not been composed yet: publish every subgraph first.`,
    );
  }
  if (ifNoneMatch !== null && etagMatches(ifNoneMatch, result.etag)) return notModified(result.etag);
  return {
    status: 200,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-cache',
      etag: result.etag,
      'x-tessera-supergraph-id': String(result.id),
      'x-tessera-composed-at': result.composedAt,
      // `crm=4, psa=2`: what it was composed from, so a remote copy of the artifact is whole.
      'x-tessera-subgraph-versions': Object.entries(result.subgraphVersions)
        .map(([name, version]) => `${name}=${version}`)
        .join(', '),
    },
    body: result.sdl,
  };
}

/** Every client's persisted-operation manifest (docs/persisted-operations.md#through-the-registry), with its ETag; 304 when unchanged. */
async function manifests({ registry, request }: RouteContext): Promise<Reply> {
  const ifNoneMatch = request.headers['if-none-match'] ?? null;
  const result = await registry.manifests(ifNoneMatch);
  if (result === 'not-modified') return notModified(ifNoneMatch!);
  return json(200, result, { etag: result.etag, 'cache-control': 'no-cache' });
}

function notModified(etag: string): Reply {
  return { status: 304, headers: { etag, 'cache-control': 'no-cache' }, body: undefined };
}

/** RFC 9110 §13.1.2: a list of tags, weak comparison, or `*`. */
function etagMatches(header: string, etag: string): boolean {
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}
