/**
 * The spans of Apollo Server's own request phases (docs/observability.md#traces): `graphql.parse`
 * and `graphql.validate`, children of the request's `tessera.request` span. A document Apollo
 * Server already holds parsed and validated (its document cache) skips both phases, and so both
 * spans. Off, the plugin adds no listener at all.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { Span } from '@opentelemetry/api';
import type { RequestScope } from '../../auth/requestScope.ts';
import { failSpan, startChildSpan, tracingActive } from '../../core/telemetry/spans.ts';

/** The listener of every request while tracing is on (it holds no state: each hook makes its own span, a child of the request's). */
const LISTENER: GraphQLRequestListener<RequestScope> = {
  async parsingDidStart({ contextValue }) {
    const span = startChildSpan('graphql.parse', contextValue.traceparent);
    return async (error) => end(span, error);
  },
  async validationDidStart({ contextValue }) {
    const span = startChildSpan('graphql.validate', contextValue.traceparent);
    return async (errors) => end(span, errors?.[0]);
  },
};

const TRACED = Promise.resolve(LISTENER);
const UNTRACED = Promise.resolve(undefined);

export function tracingPlugin(): ApolloServerPlugin<RequestScope> {
  return { requestDidStart: () => (tracingActive() ? TRACED : UNTRACED) };
}

function end(span: Span | undefined, error: unknown): void {
  if (!span) return;
  if (error) failSpan(span, error);
  span.end();
}
