import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import type { Logger } from '../../gateway/logger.ts';
import { isErrorCode } from '../../gateway/errors.ts';

/**
 * The masking boundary of a subgraph. Errors raised on purpose (a GraphQLError with a catalog code,
 * or graphql-js' own validation errors) pass through; anything else is a bug or an outage: it is
 * logged with its stack and the client sees only INTERNAL_SERVER_ERROR. Must never throw.
 */
export function formatSubgraphError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && isErrorCode(code)) return formatted;
  if (!(original instanceof GraphQLError) || code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    logger.error({ err: original, path: formatted.path }, 'unexpected error in resolver');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  return formatted;
}
