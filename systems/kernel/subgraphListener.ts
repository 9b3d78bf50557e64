import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { HttpRequestError } from '../../core/http/graphqlParams.ts';
import { toHeaderMap } from '../../core/http/headers.ts';
import { readApolloBody } from '../../core/http/apolloBody.ts';
import { readBody } from '../../core/http/readBody.ts';
import { ERROR_CODES } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { SubgraphServer } from './subgraphServer.ts';

/**
 * HTTP for a subgraph served alone (`tessera serve crm`): POST /graphql with a JSON body, as the
 * gateway sends it, plus `/health/live`. Apollo Server does the GraphQL-over-HTTP details.
 */
export function createSubgraphListener(server: SubgraphServer, maxBodyBytes: number, logger: Logger): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    // The caller hung up before the answer (the gateway gave up on it): the call reads no more.
    const calledOff = new AbortController();
    response.once('close', () => {
      if (!response.writableFinished) calledOff.abort();
    });
    handle(server, request, maxBodyBytes, calledOff.signal)
      .then(({ status, headers, body }) => {
        response.writeHead(status, headers);
        response.end(body);
      })
      .catch((error: unknown) => {
        const known = error instanceof HttpRequestError ? error : undefined;
        if (!known) logger.error({ err: error }, 'unhandled error in subgraph listener');
        const code = known?.code ?? 'INTERNAL_SERVER_ERROR';
        response.writeHead(ERROR_CODES[code].status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify({ errors: [{ message: known?.message ?? 'Internal server error', extensions: { code } }] }));
      });
  };
}

async function handle(server: SubgraphServer, request: IncomingMessage, maxBodyBytes: number, signal: AbortSignal) {
  const url = new URL(request.url ?? '/', 'http://subgraph');
  if (url.pathname === '/health/live') {
    return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"live"}' };
  }
  if (url.pathname !== '/graphql') {
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: '{"errors":[{"message":"Not found","extensions":{"code":"NOT_FOUND"}}]}',
    };
  }
  const method = request.method ?? 'GET';
  const text = method === 'POST' ? await readBody(request, maxBodyBytes) : '';
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new HttpRequestError('BAD_REQUEST', 'The request body is not valid JSON.');
  }
  const result = await server.execute({ method, headers: toHeaderMap(request.headers), search: url.search.slice(1), body }, signal);
  return { status: result.status ?? 200, headers: Object.fromEntries(result.headers), body: await readApolloBody(result.body) };
}
