import fs from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** The SDL files of the subgraphs Tessera ships, next to this module. */
export const SCHEMA_DIR = new URL('./', import.meta.url);

/**
 * The governance directive definitions (`schema/governance.graphql`), shared by every subgraph:
 * each subgraph imports them with `@link` and composes them with `@composeDirective`.
 */
export const GOVERNANCE_DIRECTIVES_SDL = fs.readFileSync(new URL('governance.graphql', SCHEMA_DIR), 'utf8');

/** The value types every subgraph shares (`schema/shared.graphql`): the scalars, `Money`, `PageInfo`, `UserError`. */
export const SHARED_VALUE_TYPES_SDL = fs.readFileSync(new URL('shared.graphql', SCHEMA_DIR), 'utf8');

/** The audit-trail types every system of record shares (`schema/audit.graphql`). */
export const AUDIT_SDL = fs.readFileSync(new URL('audit.graphql', SCHEMA_DIR), 'utf8');

/**
 * Reads `schema/<name>.graphql`, the source of truth that resolvers are bound to, with the shared
 * value types, the governance directive definitions it imports and the shared audit-trail types appended.
 */
export function readSubgraphSdl(name: string): string {
  const own = fs.readFileSync(new URL(`${name}.graphql`, SCHEMA_DIR), 'utf8');
  return `${own}\n${SHARED_VALUE_TYPES_SDL}\n${GOVERNANCE_DIRECTIVES_SDL}\n${AUDIT_SDL}`;
}

export function parseSubgraphSdl(name: string): DocumentNode {
  return parse(readSubgraphSdl(name), { noLocation: false });
}
