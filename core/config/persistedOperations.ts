/**
 * Persisted operations and APQ as configured (docs/persisted-operations.md#configuration):
 * - `TESSERA_PERSISTED_OPERATIONS_FILE`: a manifest of safelisted operations, read and verified when the gateway starts.
 * - `TESSERA_PERSISTED_OPERATIONS_REQUIRED` (`off` in development, `partners` in production): `off`, `all`, or a
 *   comma-separated list of client ids (the token's `client_id`) and/or `partners` (every token with a
 *   `partner_accounts` claim); those clients may run only operations of their safelist.
 * - `TESSERA_APQ` (`on` in development, `off` in production): Apollo's automatic persisted queries.
 * - `TESSERA_APQ_CACHE_SIZE` (1000): how many APQ-registered operations are kept (least recently used forgotten).
 */
import path from 'node:path';
import { CLIENT_ID } from '../persistedManifest.ts';

/** Who must use persisted operations: nobody, everybody, or the listed clients (and partners when `partners` is set). */
export type RequiredClients =
  | { readonly kind: 'off' }
  | { readonly kind: 'all' }
  | { readonly kind: 'some'; readonly clients: readonly string[]; readonly partners: boolean };

export interface PersistedOperationsConfig {
  /** `TESSERA_PERSISTED_OPERATIONS_FILE`, resolved; undefined when unset. */
  readonly file: string | undefined;
  /** `TESSERA_PERSISTED_OPERATIONS_REQUIRED`. @default off in development, partners in production */
  readonly required: RequiredClients;
  /** `TESSERA_APQ`. @default true in development, false in production */
  readonly apq: boolean;
  /** `TESSERA_APQ_CACHE_SIZE`. @default 1000 */
  readonly apqCacheSize: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The `partners` keyword of `TESSERA_PERSISTED_OPERATIONS_REQUIRED`. */
export const PARTNERS = 'partners';

export function readPersistedOperationsConfig(
  env: Env,
  tesseraEnv: 'development' | 'production',
  cwd: string = process.cwd(),
): PersistedOperationsConfig {
  const production = tesseraEnv === 'production';
  const file = env.TESSERA_PERSISTED_OPERATIONS_FILE?.trim();
  const apq = env.TESSERA_APQ?.trim() || (production ? 'off' : 'on');
  if (apq !== 'on' && apq !== 'off') throw new TypeError(`TESSERA_APQ must be on or off; got ${JSON.stringify(apq)}`);
  const sizeRaw = env.TESSERA_APQ_CACHE_SIZE?.trim() || '1000';
  if (!/^[1-9][0-9]{0,6}$/.test(sizeRaw)) {
    throw new TypeError(`TESSERA_APQ_CACHE_SIZE must be a whole number from 1 to 9999999; got ${JSON.stringify(sizeRaw)}`);
  }
  return Object.freeze({
    file: file ? path.resolve(cwd, file) : undefined,
    required: requiredClients(env.TESSERA_PERSISTED_OPERATIONS_REQUIRED?.trim() || (production ? PARTNERS : 'off')),
    apq: apq === 'on',
    apqCacheSize: Number(sizeRaw),
  });
}

function requiredClients(raw: string): RequiredClients {
  if (raw === 'off') return Object.freeze({ kind: 'off' });
  if (raw === 'all') return Object.freeze({ kind: 'all' });
  const items = raw.split(',').map((item) => item.trim());
  const bad = items.find((item) => !CLIENT_ID.test(item) || item === 'off' || item === 'all');
  if (bad !== undefined) {
    throw new TypeError(
      `TESSERA_PERSISTED_OPERATIONS_REQUIRED must be off, all, or a comma-separated list of client ids and/or ${PARTNERS}; got ${JSON.stringify(bad)}`,
    );
  }
  const clients = [...new Set(items.filter((item) => item !== PARTNERS))];
  return Object.freeze({ kind: 'some', clients: Object.freeze(clients), partners: items.includes(PARTNERS) });
}
