import fs from 'node:fs';
import { parse, type DocumentNode } from 'graphql';

/** The SDL files of the subgraphs Tessera ships, next to this module. */
export const SCHEMA_DIR = new URL('./', import.meta.url);

/** Reads `schema/<name>.graphql`: the source of truth that resolvers are bound to. */
export function readSubgraphSdl(name: string): string {
  return fs.readFileSync(new URL(`${name}.graphql`, SCHEMA_DIR), 'utf8');
}

export function parseSubgraphSdl(name: string): DocumentNode {
  return parse(readSubgraphSdl(name), { noLocation: false });
}
