/**
 * The one place that reads `process.env`. Everything else receives a frozen `TesseraConfig`.
 *
 * Variables (all optional; the defaults run the embedded mode on a laptop):
 * - `PORT` (4000), `HOST` (0.0.0.0): where `tessera start` / `tessera serve gateway` listens.
 * - `TESSERA_ENV`: `development` (default) or `production`. Production refuses unsafe defaults.
 * - `TESSERA_DATA_DIR` (`./data`): SQLite files of the reference systems.
 * - `TESSERA_DATABASE_URL`: a PostgreSQL URL; when set, the reference systems use it (one schema each).
 * - `TESSERA_SEED_SCALE` (`s`): demo data size seeded into empty stores (`s`, `m`, `l`, or `none`).
 * - `TESSERA_LOG_LEVEL` (`info`).
 * - `TESSERA_SUBGRAPH_<NAME>_URL`: where the gateway finds a subgraph served alone
 *   (`tessera serve crm`); when unset, the gateway runs that subgraph in process.
 * - `TESSERA_SUBGRAPH_PORT_<NAME>`: the port `tessera serve <name>` listens on (crm 4001, psa 4002, erp 4003).
 * - `TESSERA_MAX_BODY_BYTES` (1 MiB): request body limit.
 * - `TESSERA_TEST_POSTGRES_URL`: read by the test suite only (see `testPostgresUrl`).
 */
import path from 'node:path';

export const SUBGRAPH_NAMES = ['crm', 'psa', 'erp'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const SEED_SCALES = ['s', 'm', 'l'] as const;
export type SeedScale = (typeof SEED_SCALES)[number];

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly dataDir: string }
  | { readonly kind: 'postgres'; readonly url: string };

export interface TesseraConfig {
  readonly env: 'development' | 'production';
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly store: StoreConfig;
  readonly seedScale: SeedScale | 'none';
  readonly maxBodyBytes: number;
  /** Remote subgraph URLs; a subgraph missing here runs in process. */
  readonly subgraphUrls: Readonly<Partial<Record<SubgraphName, string>>>;
  readonly subgraphPorts: Readonly<Record<SubgraphName, number>>;
}

const DEFAULT_SUBGRAPH_PORTS: Record<SubgraphName, number> = { crm: 4001, psa: 4002, erp: 4003 };

type Env = Readonly<Record<string, string | undefined>>;

/** Builds the config from an environment (default: `process.env`); throws a TypeError naming the bad key. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): TesseraConfig {
  const tesseraEnv = oneOf(env, 'TESSERA_ENV', ['development', 'production'] as const, 'development');
  const databaseUrl = env.TESSERA_DATABASE_URL?.trim();
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new TypeError('TESSERA_DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
  const subgraphPorts = { ...DEFAULT_SUBGRAPH_PORTS };
  for (const name of SUBGRAPH_NAMES) {
    const key = `TESSERA_SUBGRAPH_${name.toUpperCase()}_URL`;
    const url = env[key]?.trim();
    if (url) {
      if (!/^https?:\/\//.test(url)) throw new TypeError(`${key} must be an http(s) URL`);
      subgraphUrls[name] = url;
    }
    subgraphPorts[name] = port(env, `TESSERA_SUBGRAPH_PORT_${name.toUpperCase()}`, DEFAULT_SUBGRAPH_PORTS[name]);
  }
  const config: TesseraConfig = {
    env: tesseraEnv,
    host: env.HOST?.trim() || '0.0.0.0',
    port: port(env, 'PORT', 4000),
    logLevel: oneOf(env, 'TESSERA_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    store: databaseUrl
      ? { kind: 'postgres', url: databaseUrl }
      : { kind: 'sqlite', dataDir: path.resolve(cwd, env.TESSERA_DATA_DIR?.trim() || 'data') },
    seedScale: oneOf(env, 'TESSERA_SEED_SCALE', ['s', 'm', 'l', 'none'] as const, 's'),
    maxBodyBytes: positiveInt(env, 'TESSERA_MAX_BODY_BYTES', 1024 * 1024),
    subgraphUrls: Object.freeze(subgraphUrls),
    subgraphPorts: Object.freeze(subgraphPorts),
  };
  return Object.freeze(config);
}

function oneOf<const T extends readonly string[]>(env: Env, key: string, allowed: T, fallback: T[number]): T[number] {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new TypeError(`${key} must be one of ${allowed.join(', ')}; got ${JSON.stringify(raw)}`);
  }
  return raw as T[number];
}

function positiveInt(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${key} must be a positive integer; got ${JSON.stringify(raw)}`);
  return value;
}

function port(env: Env, key: string, fallback: number): number {
  const value = positiveInt(env, key, fallback);
  if (value > 65535) throw new TypeError(`${key} must be a port number (1-65535); got ${value}`);
  return value;
}

/**
 * The PostgreSQL server the suites that need one run against (CI sets it); undefined means those
 * suites skip with a message. Tests create and drop their own database on it.
 */
export function testPostgresUrl(env: Env = process.env): string | undefined {
  const url = env.TESSERA_TEST_POSTGRES_URL?.trim();
  if (!url) return undefined;
  if (!/^postgres(ql)?:\/\//.test(url)) throw new TypeError('TESSERA_TEST_POSTGRES_URL must be a postgres:// URL');
  return url;
}
