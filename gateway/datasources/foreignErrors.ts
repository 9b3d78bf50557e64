import type { GraphQLFormattedError } from 'graphql';
import { isErrorCode } from '../../core/errors.ts';

/** What a subgraph's error says when the gateway does not pass its own message on. */
export function maskedSubgraphMessage(subgraph: string): string {
  return `The ${subgraph} subgraph answered with an error.`;
}

/** The message Tessera's own subgraphs give an error they masked (core/maskError.ts). */
const TESSERA_MASKED_MESSAGE = 'Internal server error';

/** Extensions that describe the server's insides, never the client's request: dropped from every subgraph error. */
const INTERNAL_EXTENSIONS: ReadonlySet<string> = new Set(['stacktrace', 'exception']);

/**
 * An error with a catalog code, as it is, but for a stack trace: a subgraph that is not Tessera's
 * own may answer a catalog code (BAD_USER_INPUT, FORBIDDEN) with its stack in `extensions`.
 */
function withoutInternals(error: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = error.extensions;
  if (!extensions || !Object.keys(extensions).some((key) => INTERNAL_EXTENSIONS.has(key))) return error;
  return { ...error, extensions: Object.fromEntries(Object.entries(extensions).filter(([key]) => !INTERNAL_EXTENSIONS.has(key))) };
}

/**
 * Errors of a subgraph that is not Tessera's own (docs/resilience.md#foreign-subgraph-errors):
 * one without a catalog code, or with Apollo's DOWNSTREAM_SERVICE_ERROR, or an
 * INTERNAL_SERVER_ERROR that Tessera's masking did not write, becomes SUBGRAPH_ERROR naming the
 * subgraph, with the subgraph's own message (`pass`) or a masked one (`mask`); its path is kept,
 * its locations (in the subgraph's query, not the client's) and other extensions are not.
 * Errors with a catalog code pass as they are, less any stack trace (`stacktrace`, `exception`).
 */
export function foreignErrors(subgraph: string, errors: readonly GraphQLFormattedError[], mode: 'mask' | 'pass'): GraphQLFormattedError[] {
  return errors.map((error) => {
    const code = error.extensions?.code;
    const own = isErrorCode(code) && (code !== 'INTERNAL_SERVER_ERROR' || error.message === TESSERA_MASKED_MESSAGE);
    if (own) return withoutInternals(error);
    return {
      message: mode === 'pass' && typeof error.message === 'string' && error.message ? error.message : maskedSubgraphMessage(subgraph),
      ...(error.path ? { path: error.path } : {}),
      extensions: { code: 'SUBGRAPH_ERROR', subgraph },
    };
  });
}
