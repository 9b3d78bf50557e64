/**
 * `tessera registry compose`: the current heads composed into a supergraph (one replaced by a file
 * when `--subgraph NAME --schema FILE` are given), the way the registry composes them; it stores
 * nothing, so an architect sees the composition errors of a change before checking it.
 */
import { composeSupergraph, CompositionError, type SubgraphSource } from '../../schema/compose.ts';
import type { Registry } from '../registry.ts';
import { RegistryError } from '../registryError.ts';

export type Composition = { readonly supergraph: string } | { readonly errors: readonly string[] };

export async function composeHeads(
  registry: Registry,
  replacement?: { readonly subgraph: string; readonly sdl: string },
): Promise<Composition> {
  const subgraphs = await registry.subgraphs();
  if (replacement && !subgraphs.some(({ name }) => name === replacement.subgraph)) {
    throw new RegistryError('REGISTRY_UNKNOWN_SUBGRAPH', `The registry has no subgraph ${JSON.stringify(replacement.subgraph)}.`);
  }
  const sources: SubgraphSource[] = [];
  for (const subgraph of subgraphs) {
    const replaced = replacement?.subgraph === subgraph.name;
    if (!replaced && subgraph.version === null) continue;
    const sdl = replaced ? replacement.sdl : (await registry.version(subgraph.name, subgraph.version!)).sdl;
    sources.push({ name: subgraph.name, url: subgraph.url, sdl, ...(subgraph.system === null ? {} : { system: subgraph.system }) });
  }
  if (sources.length === 0) return { errors: ['no subgraph has a published version yet'] };
  try {
    return { supergraph: composeSupergraph(sources) };
  } catch (error) {
    if (error instanceof CompositionError) return { errors: error.errors };
    // A document that does not parse is a composition error too, named as graphql-js names it.
    if (error instanceof Error && error.name === 'GraphQLError') return { errors: [error.message] };
    throw error;
  }
}
