/**
 * The `Registry` of a remote `tessera serve registry`, over its HTTP API (docs/registry.md#http-api):
 * used by the CLI's `--registry URL` and by gateways pulling their supergraph. An error answer comes
 * back as the RegistryError it was (code, message, report); one that is not a registry code (401,
 * 403, 400, 500) is a RegistryClientError with its status and code; a registry that cannot be
 * reached is a RegistryClientError saying where it tried.
 */
import { ERROR_CODES, type ErrorCode } from '../../core/errors.ts';
import { INTERNAL_PRINCIPAL_HEADER } from '../../auth/internalPrincipal.ts';
import type { ProposedSchema, PublishInput, Registry, SupergraphFetch, VersionDiff } from '../registry.ts';
import type { ClientManifestVersion, ManifestFetch, ManifestPublishInput, ManifestSet } from '../manifests.ts';
import { RegistryError, type RegistryErrorCode } from '../registryError.ts';
import type {
  AuditEntry,
  CheckReport,
  Contract,
  CoordinateUsage,
  Deprecation,
  PublishResult,
  SchemaVersion,
  SubgraphSummary,
  UsageBatch,
} from '../types.ts';

type Credential = () => string | Promise<string>;

export interface HttpRegistryOptions {
  /** Where `tessera serve registry` answers (`http://registry:4005`); the API is under `<baseUrl>/registry/api/`. */
  readonly baseUrl: string;
  /** A bearer token for each call (an architect's, a CI job's). */
  readonly token?: Credential | undefined;
  /** Or the gateway's signed internal principal (`x-tessera-principal`): the supergraph poll and usage batches. */
  readonly internalPrincipal?: Credential | undefined;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
}

/** A call that failed without a registry error: not reachable, refused (401/403), malformed, or a failure of the registry itself. */
export class RegistryClientError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or null when no answer came. */
    readonly status: number | null,
    /** The error code the registry answered with, when it did. */
    readonly code: ErrorCode | null,
  ) {
    super(message);
    this.name = 'RegistryClientError';
  }
}

export function httpRegistry(options: HttpRegistryOptions): Registry {
  if (options.token && options.internalPrincipal)
    throw new TypeError('httpRegistry takes a bearer token or an internal principal, not both');
  const base = `${options.baseUrl.replace(/\/+$/, '')}/registry/api`;
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (options.token) headers.authorization = `Bearer ${await options.token()}`;
    if (options.internalPrincipal) headers[INTERNAL_PRINCIPAL_HEADER] = await options.internalPrincipal();
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new RegistryClientError(`the registry at ${options.baseUrl} did not answer ${method} ${path}: ${cause}`, null, null);
    }
    if (response.status >= 400) throw await errorOf(response, method, path);
    return response;
  }

  const get = async <T>(path: string): Promise<T> => (await (await call('GET', path)).json()) as T;
  const post = async <T>(path: string, body: unknown): Promise<T> => (await (await call('POST', path, body)).json()) as T;
  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
    const text = search.toString();
    return text ? `?${text}` : '';
  };

  return {
    subgraphs: () => get<readonly SubgraphSummary[]>('/subgraphs'),
    // The author is the token's `sub`, decided by the registry: a remote caller cannot claim another.
    check: (proposal: ProposedSchema) => post<CheckReport>('/check', proposalBody(proposal)),
    publish: (input: PublishInput) =>
      post<PublishResult>('/publish', { ...proposalBody(input), ...(input.commit ? { commit: input.commit } : {}) }),
    history: (subgraph?: string) => get<readonly SchemaVersion[]>(`/history${query({ subgraph })}`),
    version: (subgraph: string, version: number) =>
      get<SchemaVersion>(`/subgraphs/${encodeURIComponent(subgraph)}/versions/${encodeURIComponent(String(version))}`),
    diff: (subgraph: string, from: number, to: number) => get<VersionDiff>(`/diff${query({ subgraph, from, to })}`),
    rollback: ({ subgraph, version }) => post<PublishResult>('/rollback', { subgraph, version }),
    async supergraph(contract?: string | null, ifNoneMatch?: string | null): Promise<SupergraphFetch> {
      let response: Response;
      try {
        response = await call(
          'GET',
          `/supergraph${query({ contract: contract ?? undefined })}`,
          undefined,
          ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {},
        );
      } catch (error) {
        // Nothing composed yet is the interface's null, not a failure.
        if (error instanceof RegistryError && error.code === 'REGISTRY_NO_SUPERGRAPH') return null;
        throw error;
      }
      if (response.status === 304) return 'not-modified';
      const sdl = await response.text();
      return {
        contract: contract ?? null,
        id: Number(response.headers.get('x-tessera-supergraph-id')),
        sdl,
        etag: response.headers.get('etag') ?? '',
        composedAt: response.headers.get('x-tessera-composed-at') ?? '',
        subgraphVersions: subgraphVersionsOf(response.headers.get('x-tessera-subgraph-versions') ?? ''),
      };
    },
    createContract: ({ name, includeTags, excludeTags }) => post<Contract>('/contracts', { name, includeTags, excludeTags }),
    contracts: () => get<readonly Contract[]>('/contracts'),
    async recordUsage(batch: UsageBatch) {
      await call('POST', '/usage', { entries: batch.entries });
    },
    usage: (coordinates?: readonly string[]) => {
      const search = new URLSearchParams((coordinates ?? []).map((coordinate): [string, string] => ['coordinate', coordinate]));
      return get<readonly CoordinateUsage[]>(`/usage${search.size > 0 ? `?${search}` : ''}`);
    },
    deprecations: () => get<readonly Deprecation[]>('/deprecations'),
    checks: (limit?: number) => get<readonly CheckReport[]>(`/checks${query({ limit })}`),
    async checkReport(id: number) {
      try {
        return await get<CheckReport>(`/checks/${id}`);
      } catch (error) {
        if (error instanceof RegistryClientError && error.status === 404) return null;
        throw error;
      }
    },
    audit: (limit?: number) => get<readonly AuditEntry[]>(`/audit${query({ limit })}`),
    // The author is the token's `sub`, decided by the registry.
    publishManifest: (input: ManifestPublishInput) =>
      post<ClientManifestVersion>(`/manifests/${encodeURIComponent(input.client)}`, input.manifest),
    async manifests(ifNoneMatch?: string | null): Promise<ManifestFetch> {
      const response = await call('GET', '/manifests', undefined, ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {});
      if (response.status === 304) return 'not-modified';
      return (await response.json()) as ManifestSet;
    },
  };
}

/** `crm=4, psa=2` → `{ crm: 4, psa: 2 }`. */
function subgraphVersionsOf(header: string): Record<string, number> {
  const versions: Record<string, number> = {};
  for (const pair of header.split(',')) {
    const [name, version] = pair.trim().split('=');
    if (name && version) versions[name] = Number(version);
  }
  return versions;
}

function proposalBody(proposal: ProposedSchema): Record<string, string> {
  return { subgraph: proposal.subgraph, sdl: proposal.sdl, ...(proposal.url ? { url: proposal.url } : {}) };
}

interface ErrorBody {
  readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly report?: CheckReport };
}

/** The error an answer carries: a RegistryError for a registry code, else a RegistryClientError. */
async function errorOf(response: Response, method: string, path: string): Promise<Error> {
  const text = await response.text();
  let parsed: ErrorBody = {};
  try {
    parsed = JSON.parse(text) as ErrorBody;
  } catch {
    // Not ours (a proxy's page): reported by status below.
  }
  const code = parsed.error?.code;
  const message = typeof parsed.error?.message === 'string' ? parsed.error.message : `HTTP ${response.status} from ${method} ${path}`;
  if (typeof code === 'string' && code.startsWith('REGISTRY_') && Object.hasOwn(ERROR_CODES, code)) {
    return new RegistryError(code as RegistryErrorCode, message, parsed.error?.report ?? null);
  }
  const known = typeof code === 'string' && Object.hasOwn(ERROR_CODES, code) ? (code as ErrorCode) : null;
  return new RegistryClientError(known ? `${known}: ${message}` : message, response.status, known);
}
