import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger.ts';
import { isErrorCode } from './errors.ts';

const INTERNAL_MESSAGE = 'Internal server error';

/**
 * The masking boundary, used by the gateway and by every subgraph. Errors with a catalog code pass
 * through; anything else is a bug or an outage: it is logged with its stack and the client sees
 * only INTERNAL_SERVER_ERROR. Must never throw.
 */
export function maskError(formatted: GraphQLFormattedError, error: unknown, logger: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  // A catalog code was set on purpose: by Tessera code (tesseraError), by graphql-js validation as
  // Apollo Server codes it, or by a subgraph's own boundary (errors the gateway relays arrive as
  // plain objects, already masked there).
  if (isErrorCode(code) && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  // Masked already by the subgraph that raised it (and logged there with its stack).
  if (code === 'INTERNAL_SERVER_ERROR' && formatted.message === INTERNAL_MESSAGE) return formatted;
  logger.error({ err: original, path: formatted.path, code }, 'unexpected error');
  return {
    message: INTERNAL_MESSAGE,
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
