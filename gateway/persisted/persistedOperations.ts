/**
 * The gateway's persisted operations (docs/persisted-operations.md): the manifest file's safelist,
 * the registry's manifests (replaced whenever the registry has new ones), and the APQ cache. Every
 * endpoint of a gateway (`/graphql` and the contracts) resolves its requests through one of these.
 */
import type { Principal } from '../../auth/principal.ts';
import type { PersistedOperationsConfig } from '../../core/config/persistedOperations.ts';
import { HttpRequestError, type GraphQLParams } from '../../core/http/graphqlParams.ts';
import type { PersistedManifest } from '../../core/persistedManifest.ts';
import { BoundedCache } from '../../core/boundedCache.ts';
import type { PersistedOutcome } from './persistedMetrics.ts';
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
  /** Told how each request naming an operation id (or free text of a required client) was resolved (metrics). */
  readonly onOutcome?: ((outcome: PersistedOutcome) => void) | undefined;
  /** Told the number of safelisted operations whenever the safelists change (metrics). */
  readonly onSafelist?: ((size: number) => void) | undefined;
};

/** The outcome of a refusal, by its code. */
const REFUSALS: Readonly<Record<string, PersistedOutcome>> = {
  PERSISTED_QUERY_NOT_FOUND: 'not_found',
  PERSISTED_QUERY_NOT_SUPPORTED: 'not_supported',
  OPERATION_NOT_ALLOWED: 'not_allowed',
};

export function createPersistedOperations(options: PersistedOptions): PersistedOperations {
  const fromFile: readonly ScopedManifest[] = options.file ? [{ client: null, manifest: options.file }] : [];
  const apq = options.apq ? new BoundedCache<string, string>(options.apqCacheSize) : null;
  let safelist: Safelist = buildSafelist(fromFile);
  options.onSafelist?.(safelist.size);
  return {
    resolve(params, principal) {
      try {
        const resolved = resolveOperation(params, principal, { safelist, apq, required: options.required });
        if (resolved.outcome !== null) options.onOutcome?.(resolved.outcome);
        return resolved.params;
      } catch (error) {
        if (error instanceof HttpRequestError) options.onOutcome?.(REFUSALS[error.code] ?? 'bad_request');
        throw error;
      }
    },
    setRegistryManifests(manifests) {
      safelist = buildSafelist([...fromFile, ...manifests]);
      options.onSafelist?.(safelist.size);
    },
    safelistSize: () => safelist.size,
  };
}
