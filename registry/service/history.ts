/** The versions the registry keeps: lists, one version, the diff of two (docs/registry.md#store). */
import { diffSubgraphSdls } from '../checks/diff.ts';
import { RegistryError } from '../registryError.ts';
import type { VersionDiff } from '../registry.ts';
import type { RegistryDb } from '../store/tables.ts';
import type { SchemaVersion } from '../types.ts';
import { toVersion } from './rows.ts';
import { unifiedDiff } from './textDiff.ts';

/** One subgraph's versions, newest first; or every subgraph's, newest first. */
export async function history(db: RegistryDb, subgraph?: string): Promise<SchemaVersion[]> {
  let query = db.selectFrom('registry_versions').selectAll();
  query = subgraph === undefined ? query.orderBy('published_at', 'desc').orderBy('subgraph') : query.where('subgraph', '=', subgraph);
  const rows = await query.orderBy('version', 'desc').execute();
  return rows.map(toVersion);
}

export async function version(db: RegistryDb, subgraph: string, number: number): Promise<SchemaVersion> {
  const row = Number.isSafeInteger(number)
    ? await db.selectFrom('registry_versions').selectAll().where('subgraph', '=', subgraph).where('version', '=', number).executeTakeFirst()
    : undefined;
  if (!row) throw new RegistryError('REGISTRY_VERSION_NOT_FOUND', `${subgraph} has no version ${number}.`);
  return toVersion(row);
}

/** The API changes and the unified text diff from one version of a subgraph to another. */
export async function diff(db: RegistryDb, subgraph: string, from: number, to: number): Promise<VersionDiff> {
  const before = await version(db, subgraph, from);
  const after = await version(db, subgraph, to);
  return {
    subgraph,
    from,
    to,
    changes: diffSubgraphSdls(before.sdl, after.sdl),
    text: unifiedDiff(before.sdl, after.sdl, `${subgraph} v${from}`, `${subgraph} v${to}`),
  };
}
