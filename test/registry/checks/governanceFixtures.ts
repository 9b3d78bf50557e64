/** Small governed subgraphs for the governance lint's suites, composed like the real ones. */
import { composeSupergraph } from '../../../schema/compose.ts';
import type { SystemOfRecord } from '../../../schema/checkOwnership.ts';
import { governanceFindings } from '../../../registry/checks/governanceLint.ts';
import type { Finding, SchemaChange } from '../../../registry/types.ts';
import { governed } from '../../schema/realSchema.ts';

export interface Fixture {
  readonly name: string;
  readonly system: SystemOfRecord | null;
  /** The subgraph's definitions, without the governance imports (added here). */
  readonly body: string;
}

/** The SDLs of `fixtures`, composed without the ownership check (the lint's own ownership rule reports it). */
export function supergraphOf(fixtures: readonly Fixture[]): string {
  return composeSupergraph(
    fixtures.map((fixture) => ({ name: fixture.name, url: `http://${fixture.name}.test/graphql`, sdl: governed(fixture.body) })),
  );
}

/** The governance findings of `fixtures` (against `before` and `changes` when given). */
export function lint(fixtures: readonly Fixture[], options: { before?: string | null; changes?: readonly SchemaChange[] } = {}): Finding[] {
  return governanceFindings({
    subgraphs: fixtures.map((fixture) => ({ name: fixture.name, system: fixture.system, sdl: governed(fixture.body) })),
    supergraph: supergraphOf(fixtures),
    before: options.before ?? null,
    changes: options.changes ?? [],
  });
}

export const error = (rule: string, coordinate: string | null, subgraph: string | null, message: string): Finding => ({
  rule,
  severity: 'error',
  coordinate,
  subgraph,
  message,
});
