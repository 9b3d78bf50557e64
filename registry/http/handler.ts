/**
 * The registry's HTTP surface under `/registry` (docs/registry.md#http-api): the JSON API under
 * `/registry/api/`, and the architects' page at `/registry/` with its assets (static, no auth, a
 * strict Content-Security-Policy). Every request gets one access-log line and an `x-request-id`;
 * every error is `{ "error": { "code", "message", "report"? } }` with the catalog's status, and a
 * failure of ours is INTERNAL_SERVER_ERROR, logged with its stack and never sent.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../../auth/principal.ts';
import { HttpRequestError } from '../../core/http/graphqlParams.ts';
import { REQUEST_ID_HEADER, requestIdFrom } from '../../core/http/requestId.ts';
import type { Logger } from '../../core/logger.ts';
import type { Registry } from '../registry.ts';
import { RegistryError } from '../registryError.ts';
import { authorize, type Caller } from './access.ts';
import { ApiError, errorReply, type Reply } from './reply.ts';
import { ROUTES } from './routes.ts';

export interface PageAsset {
  readonly contentType: string;
  readonly body: string | Buffer;
}

export interface RegistryHttpOptions {
  readonly registry: Registry;
  /** Verifies the `Authorization` header like the gateway (auth/verifyToken.ts): a principal, `null` without one, or an AuthError. */
  readonly authenticate: (authorization: string | undefined) => Promise<Principal | null>;
  /** Verifies the gateway's `x-tessera-principal` header: a principal, `null` when anonymous, or an AuthError. */
  readonly verifyInternalPrincipal: (header: string) => Principal | null;
  readonly logger: Logger;
  /** The largest request body accepted (413 above it). */
  readonly maxBodyBytes: number;
  /** The architects' page by full path (`/registry/`, `/registry/assets/page.js`); none serves no page. */
  readonly page?: ReadonlyMap<string, PageAsset> | undefined;
  /** `GET /registry/api/schema`: the current schema by subgraph and owner, for the page. */
  readonly outline?: (() => Promise<unknown>) | undefined;
}

/** Handles a request under `/registry`; resolves false (untouched) for any other path. */
export type RegistryHttpHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** The page runs no inline script or style: everything comes from its own origin. */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const BASE_HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };

export function createRegistryHttpHandler(options: RegistryHttpOptions): RegistryHttpHandler {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://registry');
    if (url.pathname !== '/registry' && !url.pathname.startsWith('/registry/')) return false;
    const started = performance.now();
    const requestId = requestIdFrom(first(request.headers[REQUEST_ID_HEADER]));
    const logger = options.logger.child({ reqId: requestId });
    let caller: Caller | null = null;
    let reply: Reply;
    try {
      reply = await route(options, request, url, (who) => (caller = who));
    } catch (error) {
      reply = failure(error, logger);
    }
    const head = request.method === 'HEAD';
    response.writeHead(reply.status, { ...BASE_HEADERS, ...reply.headers, [REQUEST_ID_HEADER]: requestId });
    response.end(head ? undefined : reply.body);
    const who = caller as Caller | null;
    logger.info(
      {
        method: request.method,
        path: url.pathname,
        status: reply.status,
        ms: Math.round(performance.now() - started),
        sub: who?.sub ?? null,
      },
      'registry request',
    );
    return true;
  };
}

async function route(
  options: RegistryHttpOptions,
  request: IncomingMessage,
  url: URL,
  identified: (caller: Caller) => void,
): Promise<Reply> {
  const { pathname } = url;
  const method = request.method === 'HEAD' ? 'GET' : (request.method ?? 'GET');
  if (pathname.startsWith('/registry/api/')) {
    const matching = ROUTES.flatMap((candidate) => {
      const match = candidate.path.exec(pathname);
      return match ? [{ route: candidate, params: match.slice(1).map(segment) }] : [];
    });
    if (matching.length === 0) throw new ApiError('NOT_FOUND', `No route ${pathname}; the routes are in docs/registry.md#http-api.`);
    const found = matching.find(({ route: candidate }) => candidate.method === method);
    if (!found) {
      const allow = [...new Set(matching.map(({ route: candidate }) => candidate.method))].join(', ');
      throw new ApiError('METHOD_NOT_ALLOWED', `Use ${allow} for ${pathname}.`, { allow });
    }
    const caller = await authorize(request.headers, found.route.access, options);
    identified(caller);
    return found.route.run({
      registry: options.registry,
      request,
      search: url.searchParams,
      params: found.params,
      caller,
      maxBodyBytes: options.maxBodyBytes,
      outline: options.outline,
    });
  }
  return page(options.page, pathname, method);
}

/** `/registry` → `/registry/` (the page's relative asset URLs need the slash), then the page's files. */
function page(assets: ReadonlyMap<string, PageAsset> | undefined, pathname: string, method: string): Reply {
  if (pathname === '/registry' && assets?.has('/registry/')) {
    return { status: 308, headers: { location: '/registry/', 'cache-control': 'no-store' }, body: undefined };
  }
  const asset = assets?.get(pathname);
  if (!asset) throw new ApiError('NOT_FOUND', `No page ${pathname}.`);
  if (method !== 'GET') throw new ApiError('METHOD_NOT_ALLOWED', 'Use GET.', { allow: 'GET, HEAD' });
  return {
    status: 200,
    headers: { 'content-type': asset.contentType, 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' },
    body: asset.body,
  };
}

function failure(error: unknown, logger: Logger): Reply {
  if (error instanceof RegistryError) return errorReply(error.code, error.message, {}, error.report);
  if (error instanceof ApiError || error instanceof HttpRequestError) return errorReply(error.code, error.message, error.headers);
  logger.error({ err: error }, 'registry: unhandled error while serving a request');
  return errorReply('INTERNAL_SERVER_ERROR', 'Internal server error; the log has the details under the request id.');
}

/** A path segment decoded; a malformed escape is the caller's mistake. */
function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ApiError('BAD_REQUEST', `The path segment ${JSON.stringify(raw)} is not valid percent-encoding.`);
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
