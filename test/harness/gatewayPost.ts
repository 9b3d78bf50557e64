/**
 * A GraphQL request handed to a `createGateway` gateway in process, as the HTTP layer hands it
 * over (a JSON POST that accepts `application/graphql-response+json`), without a server or a socket.
 */
import { HeaderMap } from '@apollo/server';
import { NEVER_ABORTED } from '../../auth/requestScope.ts';
import { createLogger } from '../../core/logger.ts';
import type { Gateway } from '../../gateway/createGateway.ts';

export interface GatewayPostBody {
  readonly query: string;
  readonly variables?: Record<string, unknown> | undefined;
  readonly operationName?: string | undefined;
}

let requests = 0;

/** The gateway's answer: its status and its body text. */
export async function gatewayPost(gateway: Gateway, body: GatewayPostBody): Promise<{ status: number; text: string }> {
  const headers = new HeaderMap([
    ['content-type', 'application/json'],
    ['accept', 'application/graphql-response+json'],
  ]);
  const response = await gateway.graphql(
    { method: 'POST', headers, search: '', body: JSON.stringify(body) },
    { requestId: `in-process-${(requests += 1)}`, logger: createLogger('silent'), signal: NEVER_ABORTED },
  );
  return { status: response.status, text: response.body };
}
