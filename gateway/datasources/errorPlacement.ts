import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScope } from '../../auth/requestScope.ts';
import { placeAtMissing } from './unavailableErrors.ts';

/**
 * Puts the errors of failed subgraph fetches where the final response really lacks a value
 * (docs/resilience.md#precise-paths): only after execution is it known which values other fetches
 * supplied (keys, shared value types) and where a null propagated to. Runs for every endpoint,
 * before any other plugin reads the response.
 */
export const subgraphErrorPlacement: ApolloServerPlugin<RequestScope> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        if (!result.errors) return;
        const errors = placeAtMissing(result.errors, result.data);
        if (errors.length > 0) result.errors = errors;
        else delete result.errors;
      },
    };
  },
};
