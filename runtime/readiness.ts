import type { Fetcher } from '@apollo/utils.fetcher';
import { sql, type Kysely } from 'kysely';
import { INTERNAL_PRINCIPAL_HEADER } from '../auth/internalPrincipal.ts';
import type { ReadinessReport } from '../gateway/http/server.ts';
import type { SystemUrls } from './systemUrls.ts';

export interface ReadinessProbe {
  readonly urls: SystemUrls;
  /** The stores of the systems this process serves, by name. */
  readonly stores: ReadonlyMap<string, Kysely<unknown>>;
  /** How the other systems are called. */
  readonly fetcher: Fetcher;
  /** A signed anonymous principal, for the probe's calls. */
  readonly principalToken: () => string;
  /** Reported with the checks, never deciding readiness (the supergraphs served, docs/registry.md#hot-reload). */
  readonly details?: (() => Readonly<Record<string, unknown>>) | undefined;
}

/** Ready when every local store answers and every remote subgraph answers a trivial query. */
export async function readiness(probe: ReadinessProbe): Promise<ReadinessReport> {
  const checks: Record<string, boolean> = {};
  await Promise.all(
    probe.urls.all.map(async ({ name, url }) => {
      const store = probe.stores.get(name);
      checks[name] = store ? await ping(store) : await answers(probe.fetcher, url, probe.principalToken());
    }),
  );
  return { ready: Object.values(checks).every(Boolean), checks, ...(probe.details ? { details: probe.details() } : {}) };
}

async function ping(db: Kysely<unknown>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

async function answers(fetcher: Fetcher, url: string, principalToken: string): Promise<boolean> {
  try {
    const response = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', [INTERNAL_PRINCIPAL_HEADER]: principalToken },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    return response.ok;
  } catch {
    return false;
  }
}
