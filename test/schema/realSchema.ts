/** The SDL Tessera ships, for the schema suites: the four subgraphs and their governance block. */
import type { SubgraphSource } from '../../schema/compose.ts';
import { SYSTEM_LIST } from '../../systems/systems.ts';
import type { OwnedSubgraph } from '../../schema/checkOwnership.ts';
import { GOVERNANCE_DIRECTIVES_SDL, readSubgraphSdl } from '../../schema/subgraphSdl.ts';

export const SUBGRAPHS = ['crm', 'psa', 'erp', 'integration'] as const;

const systemOf = (name: string) => SYSTEM_LIST.find((entry) => entry.name === name)!.systemOfRecord;
export const REAL_SOURCES: readonly SubgraphSource[] = SUBGRAPHS.map((name) => ({
  name,
  url: `http://${name}.test/graphql`,
  sdl: readSubgraphSdl(name),
  system: systemOf(name),
}));

export const REAL_OWNED: readonly OwnedSubgraph[] = SUBGRAPHS.map((name) => ({ name, system: systemOf(name), sdl: readSubgraphSdl(name) }));

/** The `extend schema` block at the top of an SDL file (its @link imports and @composeDirective), up to the first blank line. */
export function governanceBlock(sdl: string): string {
  const end = sdl.indexOf('\n\n');
  if (!sdl.startsWith('extend schema') || end < 0) throw new Error('the SDL does not start with the governance imports');
  return sdl.slice(0, end + 1);
}

/** An inline subgraph SDL with the governance imports (taken from crm.graphql) on top and the definitions appended. */
export function governed(body: string): string {
  return `${governanceBlock(readSubgraphSdl('crm'))}\n${body}\n${GOVERNANCE_DIRECTIVES_SDL}`;
}
