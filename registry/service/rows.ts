/** Rows of the registry's tables as the registry's vocabulary (registry/types.ts), and back. */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { RegistryTables } from '../store/tables.ts';
import type { AuditEntry, CheckReport, Contract, SchemaVersion, SupergraphArtifact } from '../types.ts';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The HTTP ETag of a supergraph: its quoted sha256. */
export function etagOf(sdl: string): string {
  return `"${sha256(sdl)}"`;
}

export function toVersion(row: Selectable<RegistryTables['registry_versions']>): SchemaVersion {
  return {
    subgraph: row.subgraph,
    version: row.version,
    sdl: row.sdl,
    sdlHash: row.sdl_hash,
    url: row.url,
    author: row.author,
    commit: row.commit,
    publishedAt: row.published_at,
    rolledBackFrom: row.rolled_back_from,
  };
}

export function versionRow(version: SchemaVersion): RegistryTables['registry_versions'] {
  return {
    subgraph: version.subgraph,
    version: version.version,
    sdl: version.sdl,
    sdl_hash: version.sdlHash,
    url: version.url,
    author: version.author,
    commit: version.commit,
    published_at: version.publishedAt,
    rolled_back_from: version.rolledBackFrom,
  };
}

export function toArtifact(row: Selectable<RegistryTables['registry_supergraphs']>): SupergraphArtifact {
  return {
    contract: row.contract === '' ? null : row.contract,
    id: row.id,
    sdl: row.sdl,
    etag: row.etag,
    composedAt: row.composed_at,
    subgraphVersions: JSON.parse(row.subgraph_versions) as Record<string, number>,
  };
}

export function artifactRow(artifact: SupergraphArtifact): RegistryTables['registry_supergraphs'] {
  return {
    contract: artifact.contract ?? '',
    id: artifact.id,
    sdl: artifact.sdl,
    etag: artifact.etag,
    composed_at: artifact.composedAt,
    subgraph_versions: JSON.stringify(artifact.subgraphVersions),
  };
}

export function toContract(row: Selectable<RegistryTables['registry_contracts']>): Contract {
  return {
    name: row.name,
    includeTags: JSON.parse(row.include_tags) as string[],
    excludeTags: JSON.parse(row.exclude_tags) as string[],
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export function toReport(row: Pick<Selectable<RegistryTables['registry_checks']>, 'id' | 'report'>): CheckReport {
  return { ...(JSON.parse(row.report) as CheckReport), id: row.id };
}

export function toAudit(row: Selectable<RegistryTables['registry_audit']>): AuditEntry {
  return { id: row.id, at: row.at, actor: row.actor, action: row.action, subgraph: row.subgraph, version: row.version, detail: row.detail };
}
