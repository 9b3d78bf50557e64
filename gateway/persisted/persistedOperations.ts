/**
 * The gateway's persisted operations (docs/persisted-operations.md): the manifest file's safelist,
 * the registry's manifests (replaced whenever the registry has new ones), and the APQ cache. Every
 * endpoint of a gateway (`/graphql` and the contracts) resolves its requests through one of these.
 */
import type { Principal } from '../../auth/principal.ts';
import type { PersistedOperationsConfig } from '../../core/config/persistedOperations.ts';
import type { GraphQLParams } from '../../core/http/graphqlParams.ts';
import type { PersistedManifest } from '../../core/persistedManifest.ts';
import { BoundedCache } from '../authorization/boundedCache.ts';
import { resolveOperation } from './resolveOperation.ts';
import { buildSafelist, type Safelist, type ScopedManifest } from './safelist.ts';

/** One client's manifest as the registry serves it. */
export interface ClientManifest {
  readonly client: string;
  readonly manifest: PersistedManifest;
}

export interface PersistedOperations {
  /** The request with its query text, or an HttpRequestError (PERSISTED_QUERY_NOT_FOUND, OPERATION_NOT_ALLOWED, ...). */
  resolve(params: GraphQLParams, principal: Principal | null): GraphQLParams;
  /** Replaces the registry's manifests (all clients at once). */
  setRegistryManifests(manifests: readonly ClientManifest[]): void;
  /** How many distinct operations are safelisted (file and registry). */
  safelistSize(): number;
}

export type PersistedOptions = Pick<PersistedOperationsConfig, 'required' | 'apq' | 'apqCacheSize'> & {
  /** The manifest file's operations, already verified (`loadManifestFile`). */
  readonly file?: PersistedManifest | undefined;
};

export function createPersistedOperations(options: PersistedOptions): PersistedOperations {
  const fromFile: readonly ScopedManifest[] = options.file ? [{ client: null, manifest: options.file }] : [];
  const apq = options.apq ? new BoundedCache<string, string>(options.apqCacheSize) : null;
  let safelist: Safelist = buildSafelist(fromFile);
  return {
    resolve: (params, principal) => resolveOperation(params, principal, { safelist, apq, required: options.required }),
    setRegistryManifests(manifests) {
      safelist = buildSafelist([...fromFile, ...manifests]);
    },
    safelistSize: () => safelist.size,
  };
}
