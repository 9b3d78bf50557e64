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
 * A subgraph whose areas each own their part of the schema keeps them in `schema/<name>/*.graphql`
 * (`extend type Query`, `extend type Mutation`, their own types): they are appended in name order,
 * so the subgraph's SDL is still one document.
 */
export function readSubgraphSdl(name: string): string {
  const own = fs.readFileSync(new URL(`${name}.graphql`, SCHEMA_DIR), 'utf8');
  const areas = areaSdlFiles(name).map((file) => fs.readFileSync(file, 'utf8'));
  return [own, ...areas, SHARED_VALUE_TYPES_SDL, GOVERNANCE_DIRECTIVES_SDL, AUDIT_SDL].join('\n');
}

/** The area SDL files of subgraph `name` (`schema/<name>/*.graphql`), sorted by name; none when the folder does not exist. */
export function areaSdlFiles(name: string): URL[] {
  const folder = new URL(`${name}/`, SCHEMA_DIR);
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => new URL(file, folder));
}

export function parseSubgraphSdl(name: string): DocumentNode {
  return parse(readSubgraphSdl(name), { noLocation: false });
}
