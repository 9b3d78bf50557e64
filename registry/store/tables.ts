/**
 * The schema registry's tables (docs/registry.md#store). Written once in Kysely for SQLite and
 * PostgreSQL: instants are ISO text, booleans 0/1, JSON is text. Ids that count up (checks, audit)
 * are the database's own (SQLite `autoincrement`, PostgreSQL `serial`), so two registry processes
 * over one database never hand out the same number.
 */
import { sql, type Generated, type Kysely, type Migration } from 'kysely';
import type { StoreConfig } from '../../core/config/config.ts';

export interface RegistryTables {
  /** One row per subgraph that was ever published: its head version and routing URL. */
  registry_subgraphs: { name: string; system: string | null; url: string; head_version: number | null; updated_at: string };
  /**
   * One row: the graph's generation, counted up by every change of what the supergraph is made of
   * (a publish, a contract). Every such transaction compares-and-sets it first, so two of them
   * never both commit on the same state (docs/registry.md#publishing).
   */
  registry_graph: { id: number; generation: number };
  registry_versions: {
    subgraph: string;
    version: number;
    sdl: string;
    sdl_hash: string;
    url: string;
    author: string;
    commit: string | null;
    published_at: string;
    rolled_back_from: number | null;
  };
  /** `contract` is '' for the full graph. */
  registry_supergraphs: { contract: string; id: number; sdl: string; etag: string; composed_at: string; subgraph_versions: string };
  registry_contracts: { name: string; include_tags: string; exclude_tags: string; created_by: string; created_at: string };
  registry_checks: { id: GeneratedId; subgraph: string; passed: number; author: string; checked_at: string; report: string };
  /** Usage per coordinate, client and hour (`YYYY-MM-DDTHH`, UTC). */
  registry_usage: { coordinate: string; client_id: string; hour: string; count: number; last_used_at: string };
  /** Each client's current persisted-operation manifest (docs/persisted-operations.md#through-the-registry); `operations` is JSON. */
  registry_manifests: { client: string; version: number; operations: string; published_by: string; published_at: string };
  registry_audit: {
    id: GeneratedId;
    at: string;
    actor: string;
    action: string;
    subgraph: string | null;
    version: number | null;
    detail: string;
  };
}

/** A column the database numbers: absent on insert, a number when read. */
type GeneratedId = Generated<number>;

export type RegistryDb = Kysely<RegistryTables>;

/** The registry's migrations; the numbered id column depends on the engine. */
export function registryMigrations(kind: StoreConfig['kind']): Record<string, Migration> {
  return {
    '0001_registry': {
      async up(db: Kysely<unknown>) {
        const numbered = kind === 'postgres' ? 'serial' : 'integer';
        const autoIncrement = kind === 'sqlite';
        await db.schema
          .createTable('registry_subgraphs')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('system', 'text')
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('head_version', 'integer')
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('registry_graph')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('generation', 'integer', (c) => c.notNull())
          .execute();
        await sql`insert into registry_graph (id, generation) values (1, 0)`.execute(db);
        await db.schema
          .createTable('registry_versions')
          .addColumn('subgraph', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('sdl', 'text', (c) => c.notNull())
          .addColumn('sdl_hash', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('author', 'text', (c) => c.notNull())
          .addColumn('commit', 'text')
          .addColumn('published_at', 'text', (c) => c.notNull())
          .addColumn('rolled_back_from', 'integer')
          .addPrimaryKeyConstraint('registry_versions_pk', ['subgraph', 'version'])
          .execute();
        await db.schema.createIndex('registry_versions_published_at_idx').on('registry_versions').column('published_at').execute();
        await db.schema
          .createTable('registry_supergraphs')
          .addColumn('contract', 'text', (c) => c.notNull())
          .addColumn('id', 'integer', (c) => c.notNull())
          .addColumn('sdl', 'text', (c) => c.notNull())
          .addColumn('etag', 'text', (c) => c.notNull())
          .addColumn('composed_at', 'text', (c) => c.notNull())
          .addColumn('subgraph_versions', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('registry_supergraphs_pk', ['contract', 'id'])
          .execute();
        await db.schema
          .createTable('registry_contracts')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('include_tags', 'text', (c) => c.notNull())
          .addColumn('exclude_tags', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('registry_checks')
          .addColumn('id', numbered, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('subgraph', 'text', (c) => c.notNull())
          .addColumn('passed', 'integer', (c) => c.notNull())
          .addColumn('author', 'text', (c) => c.notNull())
          .addColumn('checked_at', 'text', (c) => c.notNull())
          .addColumn('report', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('registry_usage')
          .addColumn('coordinate', 'text', (c) => c.notNull())
          .addColumn('client_id', 'text', (c) => c.notNull())
          .addColumn('hour', 'text', (c) => c.notNull())
          .addColumn('count', 'bigint', (c) => c.notNull())
          .addColumn('last_used_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('registry_usage_pk', ['coordinate', 'client_id', 'hour'])
          .execute();
        await db.schema.createIndex('registry_usage_hour_idx').on('registry_usage').column('hour').execute();
        await db.schema
          .createTable('registry_audit')
          .addColumn('id', numbered, (c) => (autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('subgraph', 'text')
          .addColumn('version', 'integer')
          .addColumn('detail', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0002_manifests': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('registry_manifests')
          .addColumn('client', 'text', (c) => c.primaryKey())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('operations', 'text', (c) => c.notNull())
          .addColumn('published_by', 'text', (c) => c.notNull())
          .addColumn('published_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}
