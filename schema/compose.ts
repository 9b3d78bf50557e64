import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

export interface SubgraphSource {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

export class CompositionError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`supergraph composition failed:\n- ${errors.join('\n- ')}`);
    this.name = 'CompositionError';
  }
}

/**
 * Composes subgraph SDLs into a supergraph SDL (Federation 2). Done at start from files, so the
 * gateway never introspects subgraphs at run time. Throws CompositionError with every error.
 */
export function composeSupergraph(sources: readonly SubgraphSource[]): string {
  const result = composeServices(sources.map((source) => ({ name: source.name, url: source.url, typeDefs: parse(source.sdl) })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result.supergraphSdl;
}
