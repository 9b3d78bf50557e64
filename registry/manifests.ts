/**
 * Persisted-operation manifests in the registry (docs/persisted-operations.md#through-the-registry):
 * one manifest per client, each publish its next version, served to gateways with one ETag for all.
 */

/** One safelisted operation as the registry stores it (the manifest format's entry, without `clients`). */
export interface ManifestOperation {
  readonly id: string;
  readonly name: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly body: string;
}

export interface ManifestPublishInput {
  /** The client id (the token's `client_id`) the manifest is for. */
  readonly client: string;
  /** The manifest as sent: `{ format: "apollo-persisted-query-manifest", version: 1, operations }`, validated by the registry. */
  readonly manifest: unknown;
  /** Who publishes (the token's `sub`); kept in the manifest and the audit trail. */
  readonly author: string;
}

/** A client's current manifest. */
export interface ClientManifestVersion {
  readonly client: string;
  /** Counts up from 1 with every publish for the client. */
  readonly version: number;
  readonly operations: readonly ManifestOperation[];
  readonly publishedBy: string;
  readonly publishedAt: string;
}

/** Every client's current manifest, and the ETag of the set. */
export interface ManifestSet {
  readonly etag: string;
  readonly manifests: readonly ClientManifestVersion[];
}

/** `'not-modified'` when `ifNoneMatch` equals the current ETag. */
export type ManifestFetch = ManifestSet | 'not-modified';
