import type { GraphQLFormattedError } from 'graphql';
import { isErrorCode } from '../../core/errors.ts';

/** What a subgraph's error says when the gateway does not pass its own message on. */
export function maskedSubgraphMessage(subgraph: string): string {
  return `The ${subgraph} subgraph answered with an error.`;
}

/** The message Tessera's own subgraphs give an error they masked (core/maskError.ts). */
const TESSERA_MASKED_MESSAGE = 'Internal server error';

/**
 * Errors of a subgraph that is not Tessera's own (docs/resilience.md#foreign-subgraph-errors):
 * one without a catalog code, or with Apollo's DOWNSTREAM_SERVICE_ERROR, or an
 * INTERNAL_SERVER_ERROR that Tessera's masking did not write, becomes SUBGRAPH_ERROR naming the
 * subgraph, with the subgraph's own message (`pass`) or a masked one (`mask`); its path is kept,
 * its locations (in the subgraph's query, not the client's) and other extensions are not.
 * Tessera's own errors pass as they are.
 */
export function foreignErrors(subgraph: string, errors: readonly GraphQLFormattedError[], mode: 'mask' | 'pass'): GraphQLFormattedError[] {
  return errors.map((error) => {
    const code = error.extensions?.code;
    const own = isErrorCode(code) && (code !== 'INTERNAL_SERVER_ERROR' || error.message === TESSERA_MASKED_MESSAGE);
    if (own) return error;
    return {
      message: mode === 'pass' && typeof error.message === 'string' && error.message ? error.message : maskedSubgraphMessage(subgraph),
      ...(error.path ? { path: error.path } : {}),
      extensions: { code: 'SUBGRAPH_ERROR', subgraph },
    };
  });
}
