/**
 * What the schema registry does (docs/registry.md), as one interface: the in-process service
 * (`service/createRegistry.ts`) implements it over its store, and the HTTP client
 * (`client/httpRegistry.ts`) implements it against `tessera serve registry`, so the CLI, the
 * gateway's supergraph poller and the tests use either the same way.
 */
import type {
  AuditEntry,
  CheckReport,
  Contract,
  CoordinateUsage,
  Deprecation,
  PublishResult,
  SchemaChange,
  SchemaVersion,
  SubgraphSummary,
  SupergraphArtifact,
  UsageBatch,
} from './types.ts';
import type { ClientManifestVersion, ManifestFetch, ManifestPublishInput } from './manifests.ts';

export interface ProposedSchema {
  readonly subgraph: string;
  readonly sdl: string;
  /** The routing URL; the head's (or the declaration's) when omitted. */
  readonly url?: string | undefined;
}

export interface PublishInput extends ProposedSchema {
  /** Who publishes (the token's `sub`); kept in the version and the audit trail. */
  readonly author: string;
  readonly commit?: string | undefined;
}

export interface VersionDiff {
  readonly subgraph: string;
  readonly from: number;
  readonly to: number;
  /** The API-schema changes from `from` to `to` (the subgraph's own SDL composed alone is not enough: see docs). */
  readonly changes: readonly SchemaChange[];
  /** A unified line diff of the two SDLs (`--- crm v3`, `+++ crm v4`, `@@` hunks). */
  readonly text: string;
}

/** `'not-modified'` when `ifNoneMatch` equals the current ETag. */
export type SupergraphFetch = SupergraphArtifact | 'not-modified' | null;

export interface Registry {
  /** Every declared subgraph with its head version. */
  subgraphs(): Promise<readonly SubgraphSummary[]>;
  /** Runs every check on a proposal against the current state, stores the report, and returns it; publishes nothing. */
  check(proposal: ProposedSchema, author: string): Promise<CheckReport>;
  /**
   * Checks, then stores the version and the newly composed supergraph (and contracts) atomically.
   * Throws RegistryError `REGISTRY_CHECK_FAILED` (with the report) when a check fails: nothing changes.
   * A publish that loses a race with another to the same subgraph is re-checked against the new head.
   */
  publish(input: PublishInput): Promise<PublishResult>;
  /** The versions of one subgraph (newest first), or of all (newest first). */
  history(subgraph?: string): Promise<readonly SchemaVersion[]>;
  version(subgraph: string, version: number): Promise<SchemaVersion>;
  diff(subgraph: string, from: number, to: number): Promise<VersionDiff>;
  /** Publishes the SDL and URL of an old version again, checked like any publish. */
  rollback(input: { readonly subgraph: string; readonly version: number; readonly author: string }): Promise<PublishResult>;
  /** The current supergraph (or a contract's); null before anything composed. */
  supergraph(contract?: string | null, ifNoneMatch?: string | null): Promise<SupergraphFetch>;
  /** Creates a contract after composing and checking it against the current supergraph. */
  createContract(input: Omit<Contract, 'createdAt'>): Promise<Contract>;
  contracts(): Promise<readonly Contract[]>;
  /** Records a batch of usage from a gateway (the window's rows are upserted; older rows pruned). */
  recordUsage(batch: UsageBatch): Promise<void>;
  /** Who used which coordinates within the usage window (all recorded coordinates when none given). */
  usage(coordinates?: readonly string[]): Promise<readonly CoordinateUsage[]>;
  /** The deprecations of the current supergraph with their sunset dates and current use. */
  deprecations(): Promise<readonly Deprecation[]>;
  /** Stored check reports, newest first. */
  checks(limit?: number): Promise<readonly CheckReport[]>;
  checkReport(id: number): Promise<CheckReport | null>;
  audit(limit?: number): Promise<readonly AuditEntry[]>;
  /**
   * Validates a client's persisted-operation manifest against the current supergraph and stores it as
   * the client's next version (docs/persisted-operations.md#through-the-registry). Throws RegistryError
   * `REGISTRY_INVALID_MANIFEST` or `REGISTRY_INVALID_OPERATION`: nothing changes.
   */
  publishManifest(input: ManifestPublishInput): Promise<ClientManifestVersion>;
  /** Every client's current manifest, or `'not-modified'` when `ifNoneMatch` is the current ETag. */
  manifests(ifNoneMatch?: string | null): Promise<ManifestFetch>;
}
