import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { checkOwnership, type SystemOfRecord } from './checkOwnership.ts';

export interface SubgraphSource {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  /** The system of record the subgraph is the system API of, when it is one (`systems/systems.ts` says which). */
  readonly system?: SystemOfRecord;
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
 *
 * When every source names its system of record, the ownership rule (`checkOwnership`) is checked
 * first and its violations are composition errors. A set with a subgraph of unknown system (a
 * firm's own, a test fixture) is composed without the check: the system a subgraph speaks for is
 * not something its name can tell us.
 */
export interface ComposeOptions {
  /**
   * Apollo's satisfiability validation (every field reachable by some query plan), about half the
   * time of a composition. A contract turns it off: it is the full graph with elements marked
   * `@inaccessible`, which the query planner still reaches, so the full graph's validation covers it.
   * @default true
   */
  readonly satisfiability?: boolean;
}

export function composeSupergraph(sources: readonly SubgraphSource[], options: ComposeOptions = {}): string {
  const owned = sources.map((source) => ({ name: source.name, system: source.system, sdl: source.sdl }));
  if (owned.every((source): source is typeof source & { system: SystemOfRecord } => source.system !== undefined)) {
    const violations = checkOwnership(owned);
    if (violations.length > 0) throw new CompositionError(violations);
  }
  let result: ReturnType<typeof composeServices>;
  try {
    result = composeServices(
      sources.map((source) => ({ name: source.name, url: source.url, typeDefs: parse(source.sdl) })),
      { runSatisfiability: options.satisfiability ?? true },
    );
  } catch (error) {
    // Apollo throws, rather than reports, on some malformed subgraphs (an `@link` import that is not
    // a list, a directive defined twice): still the subgraphs' fault, so still a composition error.
    throw new CompositionError([error instanceof Error ? error.message : String(error)]);
  }
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return result.supergraphSdl;
}
