/**
 * `npm start` publishes `schema/` to its embedded registry (docs/registry.md#publishing): the
 * subgraphs that changed since, together, as one set. What an architect published after the last
 * start survives a restart: a subgraph whose SDL is still the one this author last published is
 * left at the architect's head. A refused publish is a warning; the registry keeps serving its head.
 */
import type { Logger } from '../../core/logger.ts';
import { RegistryError } from '../registryError.ts';
import type { PublishInput } from '../registry.ts';
import { failedRules } from './checks.ts';
import type { LocalRegistry } from './createRegistry.ts';

export interface StartSource {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
}

export async function publishAtStart(
  registry: LocalRegistry,
  sources: readonly StartSource[],
  author: string,
  logger: Logger,
): Promise<void> {
  const inputs: PublishInput[] = [];
  for (const source of sources) {
    const versions = await registry.history(source.name);
    const head = versions[0];
    if (head && head.sdl === source.sdl && head.url === source.url) continue;
    const lastOwn = versions.find((version) => version.author === author);
    // Someone else published after our last publish of this very SDL: theirs is the newer intent.
    if (head && head.author !== author && lastOwn?.sdl === source.sdl) continue;
    inputs.push({ subgraph: source.name, sdl: source.sdl, url: source.url, author });
  }
  if (inputs.length === 0) return;
  const names = inputs.map((input) => input.subgraph);
  try {
    const results = await registry.publishAll(inputs, author);
    const published = results.filter((result) => result.published).map((result) => `${result.version.subgraph} v${result.version.version}`);
    logger.info({ published, supergraph: results[0]?.supergraph.id }, 'registry: published schema/ at start');
  } catch (error) {
    if (!(error instanceof RegistryError) || error.code !== 'REGISTRY_CHECK_FAILED') throw error;
    const rules = error.report ? failedRules(error.report) : [];
    logger.warn(
      { subgraphs: names, check: error.report?.id ?? null, rules },
      'registry: schema/ was refused by the checks; the registry keeps serving its current supergraph',
    );
  }
}
