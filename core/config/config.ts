/**
 * The one place that reads `process.env`. Everything else receives a frozen `TesseraConfig`.
 *
 * Variables (all optional in development, where the defaults run the embedded mode on a laptop):
 * - `PORT` (4000), `HOST` (0.0.0.0): where `tessera start` / `tessera serve gateway` listens.
 * - `TESSERA_ENV`: `development` (default) or `production`. Production refuses unsafe defaults.
 * - `TESSERA_DATA_DIR` (`./data`): SQLite files of the reference systems, and the development key files.
 * - `TESSERA_DATABASE_URL`: a PostgreSQL URL; when set, the reference systems use it (one schema each).
 * - `TESSERA_SEED_SCALE` (`s`; `none` in production): demo data size seeded into empty stores (`s`, `m`, `l`, or `none`).
 * - `TESSERA_INTROSPECTION` (`on` in development, `off` in production): schema introspection, and the
 *   "Did you mean" suggestions in validation errors, which reveal the schema just as much.
 * - `TESSERA_IDE` (`on` in development, `off` in production): the GraphiQL IDE at `/`.
 * - `TESSERA_LOG_LEVEL` (`info`).
 * - `TESSERA_SHUTDOWN_TIMEOUT_MS` (10000): on SIGTERM/SIGINT, how long in-flight requests may finish before their connections are cut.
 * - `TESSERA_SUBGRAPH_<NAME>_URL`: where the gateway finds a subgraph served alone
 *   (`tessera serve crm`); when unset, the gateway runs that subgraph in process.
 *   Production needs `https://` (also for `TESSERA_REGISTRY_URL`) unless `TESSERA_ALLOW_HTTP_SUBGRAPHS=on`;
 *   `0.0.0.0`, `::` or an empty host is refused always (docs/production.md#https-destinations).
 * - `TESSERA_SUBGRAPH_PORT_<NAME>`: the port `tessera serve <name>` listens on (each system has its default).
 *   Read for any NAME: which systems exist, and their default ports, is `systems/systems.ts`'s
 *   business, and the run modes refuse a NAME that is none of them.
 * - `TESSERA_MAX_BODY_BYTES` (1 MiB): request body limit.
 * - `TESSERA_METRICS_TOKEN`: a bearer token `/metrics` requires (every process's; kept as a `Secret`). Production
 *   refuses to start without it unless `TESSERA_METRICS=public` says the scrape may be anonymous.
 * - `TESSERA_CORS_ORIGINS` (unset: no CORS headers, so browsers on other origins are refused): comma-separated
 *   exact origins (`https://app.example.com`, `http://localhost:5173`) whose pages may call `/graphql` and the contracts.
 *
 * Operation limits (README "Operation limits"; OPERATION_LIMIT_EXCEEDED, 400, above any of them),
 * checked before authorization and planning:
 * - `TESSERA_LIMIT_DEPTH` (15): the deepest field nesting, fragments followed.
 * - `TESSERA_LIMIT_ALIASES` (30): aliased fields, fragments counted once per spread.
 * - `TESSERA_LIMIT_ROOT_FIELDS` (20): fields selected at the operation's root.
 * - `TESSERA_LIMIT_TOKENS` (5000): lexical tokens of the whole document.
 * - `TESSERA_LIMIT_DIRECTIVES_PER_FIELD` (5): directives on one field.
 * - `TESSERA_LIMIT_SELECTIONS` (5000): fields with every fragment spread expanded.
 * - `TESSERA_LIMIT_HEIGHT` (200): distinct fields per selection set, summed over the operation, fragments expanded.
 * - `TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES` (8 MiB): the largest subgraph response body read (SUBGRAPH_RESPONSE_TOO_LARGE above it).
 *
 * Demand control and the execution deadline (docs/demand-control.md; `core/config/demandControl.ts`):
 * - `TESSERA_COST_MODE` (`enforce`, or `measure`), `TESSERA_COST_MAX` (100000), `TESSERA_COST_BUDGETS` (`client=budget,...`),
 *   `TESSERA_COST_LIST_SIZE` (10): the estimated cost an operation may have (COST_ESTIMATED_TOO_EXPENSIVE, 400, above it).
 * - `TESSERA_COST_REPORT` (`off`): `on` adds `extensions.cost` = { estimated, actual, max } to responses.
 * - `TESSERA_EXECUTION_TIMEOUT_MS` (30000): the deadline of one operation (OPERATION_TIMEOUT, 504; subgraph calls aborted).
 * - `TESSERA_TEST_POSTGRES_URL`: read by the test suite only (see `testPostgresUrl`).
 *
 * Traces (docs/observability.md#configuration; `core/config/telemetry.ts`), off unless an endpoint is set:
 * - `TESSERA_OTLP_ENDPOINT` (or the standard `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`): the collector's OTLP/HTTP traces URL.
 * - `TESSERA_OTLP_HEADERS` (none): `name=value,...` sent with each export (a `Secret`; https only in production, but to the loopback).
 * - `TESSERA_TRACE_SAMPLE_RATIO` (1): the share of new traces recorded; a caller's trace keeps its sampled flag.
 *
 * Events (docs/events.md#nats-transport): in process by default; NATS JetStream when a URL is set.
 * - `TESSERA_NATS_URL`: a `nats://` URL (several, comma-separated, for a cluster); events travel over JetStream.
 * - `TESSERA_NATS_STREAM` (`tessera`): the deployment prefix: stream `<PREFIX>_EVENTS`, subjects `<prefix>.events.…`.
 * - `TESSERA_NATS_CREDS_FILE`: a NATS credentials file; only its path is kept here, its content is read
 *   when connecting and never logged.
 * - `TESSERA_TEST_NATS_URL`: read by the test suite only (see `testNatsUrl`).
 * - `TESSERA_TEST_CHROMIUM`: read by the test suite only (see `testChromiumPath`).
 *
 * Schedules of the process engine (docs/processes.md#schedules), in UTC, each `off` to turn it off:
 * - `TESSERA_BILLING_RUN_SCHEDULE` (`1 02:00`): `<day 1-28> <HH:MM>`, when the month-end billing run
 *   of the month before starts for every active legal entity.
 * - `TESSERA_RECONCILIATION_SCHEDULE` (`03:00`): `HH:MM`, when the daily reconciliation runs.
 *
 * Persisted operations (docs/persisted-operations.md; `core/config/persistedOperations.ts`):
 * - `TESSERA_PERSISTED_OPERATIONS_FILE`: a manifest of safelisted operations, verified at start.
 * - `TESSERA_PERSISTED_OPERATIONS_REQUIRED` (`off`; `partners` in production): `off`, `all`, or client ids and/or `partners`
 *   that may run only their safelisted operations (OPERATION_NOT_ALLOWED, 403, otherwise).
 * - `TESSERA_APQ` (`on`; `off` in production): automatic persisted queries. `TESSERA_APQ_CACHE_SIZE` (1000): their LRU cache.
 *
 * Rate limits, capability limits and concurrency caps (docs/rate-limits.md#configuration; `core/config/rateLimits.ts`),
 * RATE_LIMITED (429) above any of them:
 * - `TESSERA_RATE_LIMIT` (`off`; `600/60s` in production): requests per window per client (`<count>/<n>s|m|h`, or `off`).
 * - `TESSERA_RATE_LIMIT_CLIENTS` (none): per-client overrides, `client=limit,...` (`off` for none).
 * - `TESSERA_RATE_LIMIT_CAPABILITIES` (none): per-client limits of capabilities, `erp.releaseInvoice=10/60s,...`.
 * - `TESSERA_CONCURRENCY_LIMIT` (`off`; 20 in production): in-flight requests per client per gateway process.
 * - `TESSERA_RATE_LIMIT_REDIS_URL` (unset: in process memory), `TESSERA_RATE_LIMIT_REDIS_PREFIX` (`tessera:ratelimit:`):
 *   counters shared by the replicas in Redis. `TESSERA_TEST_REDIS_URL`: read by the test suite only (see `testRedisUrl`).
 *
 * Calls to subgraphs (docs/resilience.md#configuration; `core/config/subgraphResilience.ts`):
 * - `TESSERA_SUBGRAPH_CONNECTIONS` (64): keep-alive connections per subgraph origin.
 * - `TESSERA_SUBGRAPH_TIMEOUT_MS` (10000), `TESSERA_SUBGRAPH_<NAME>_TIMEOUT_MS`: the bound on one subgraph fetch, retries included.
 * - `TESSERA_SUBGRAPH_BREAKER` (`5 failures, 30s open`, or `off`): when a subgraph's circuit opens, and for how long.
 * - `TESSERA_SUBGRAPH_RETRIES` (2), `TESSERA_SUBGRAPH_RETRY_BACKOFF_MS` (50): retries of query fetches, with jittered backoff.
 * - `TESSERA_SUBGRAPH_ERRORS` (`pass`; `mask` in production): a foreign subgraph's own error messages, or a masked one.
 *
 * Schema registry (docs/registry.md):
 * - `TESSERA_REGISTRY_URL`: the registry a gateway pulls its supergraph from (`tessera serve registry`
 *   elsewhere); unset, the registry runs in the gateway's process on the systems' own store.
 * - `TESSERA_REGISTRY_POLL_MS` (10000): how often a gateway asks the registry for a new supergraph (ETag, 304).
 * - `TESSERA_REGISTRY_PORT` (4005): where `tessera serve registry` listens.
 * - `TESSERA_REGISTRY_USAGE_WINDOW_DAYS` (30): the window usage-aware checks look back over.
 * - `TESSERA_REGISTRY_USAGE_SAMPLE_RATE` (1): the share of operations (0 to 1) whose field usage is recorded.
 * - `TESSERA_REGISTRY_MAX_SDL_BYTES` (2 MiB): the largest subgraph SDL the registry accepts.
 * - `TESSERA_REGISTRY_TOKEN`: the bearer token `tessera registry --registry URL ...` sends when no
 *   `--token` is given (kept as a `Secret`: logging the config shows `[redacted]`).
 *
 * Time controls of `submitTimecard` (docs/invariants.md#time-controls; `core/config/timeControls.ts`):
 * - `TESSERA_TIME_WEEKLY_MAX_HOURS` (80): the most hours a person books in one ISO week, across projects (1 to 168).
 * - `TESSERA_TIME_FUTURE_DAYS` (7): how many days after today (UTC) a work date may be; `off` for no limit.
 *
 * The CRM's system of record (docs/connectors.md; `core/config/crmSystem.ts`, `core/config/salesforce.ts`):
 * - `TESSERA_CRM_SYSTEM` (`sql`): `sql`, `salesforce`, `hubspot` or `both`.
 * - `TESSERA_SALESFORCE_*`: the org (login URL, API version, consumer key, user, private key, budget, polling).
 * - `TESSERA_HUBSPOT_*`: the portal (base URL, private app token, webhook secret, pipelines, budget, polling;
 *   `core/config/hubspot.ts`).
 *
 * The crosswalk of two CRMs (docs/crosswalk.md#configuration; `core/config/crosswalk.ts`):
 * - `TESSERA_CROSSWALK_SURVIVORSHIP` (the built-in defaults): `FIELD=winner,...`, the winners of a merge that names none.
 * - `TESSERA_CROSSWALK_LINK_CACHE_TTL_MS` (30000): how long the composite CRM keeps the crosswalk's links at most; 0 keeps none.
 *
 * Any other `TESSERA_*` variable is unknown (`unknownVariables.ts`, `knownVariables.ts`): a warning naming it
 * (and the nearest known name) in development, a refusal in production (docs/production.md#unknown-variables).
 *
 * Authentication (client bearer tokens; see `auth`). Production refuses every development default:
 * - `TESSERA_AUTH_JWKS_URL`: the identity provider's JWKS (https; http only to 127.0.0.1 or localhost).
 * - `TESSERA_AUTH_PUBLIC_KEY_FILE`: a PEM public key, for issuers without a JWKS. Not with the JWKS URL.
 * - `TESSERA_AUTH_ALGORITHM` (`RS256`, or `ES256`): the one algorithm tokens may use; needs one of the two above.
 *   With neither set, tokens are HS256-signed with a development key generated into
 *   `<TESSERA_DATA_DIR>/dev-signing-key` (`npm run token` mints them); production refuses that.
 * - `TESSERA_AUTH_ISSUER` (`tessera-dev`; required in production): the required `iss`.
 * - `TESSERA_AUTH_AUDIENCE` (`tessera`; required in production): the required `aud`.
 * - `TESSERA_AUTH_CLOCK_SKEW_SECONDS` (30, at most 300): leeway for `exp` and `nbf`.
 * - `TESSERA_AUTH_MAX_TOKEN_BYTES` (8192): longer bearer tokens are refused unread.
 * - `TESSERA_AUTHZ_MODE` (`filter`): `reject` refuses a whole operation that reads a denied field.
 * - `TESSERA_GATEWAY_EXECUTOR` (`plan`): which engine executes query plans, Tessera's plan executor or
 *   `apollo` (`@apollo/gateway`'s own); both plan with `@apollo/gateway`'s planner (docs/executor.md).
 * - `TESSERA_HEAP_GROWTH_PERCENT` (100, at most 400; 0 is V8's own): how far a server's old generation
 *   may grow past its live heap before V8 collects it (docs/production.md#memory).
 * - `TESSERA_INTERNAL_SECRET` (at least 32 characters; required in production): signs the principal the
 *   gateway forwards to subgraphs. Unset in development, it is generated into `<TESSERA_DATA_DIR>/dev-internal-key`.
 *   Production also refuses a weak one (`internalSecretWeakness`): fewer than 10 distinct characters, a
 *   repeated pattern, or under 96 bits estimated entropy (length × Shannon bits per character).
 */
import { EXECUTOR_KINDS, type ExecutorKind } from './executorKind.ts';
import fs from 'node:fs';
import path from 'node:path';
import { ASYMMETRIC_ALGORITHMS, type AsymmetricAlgorithm, type KeySource } from './keySource.ts';
import type { InternalSecretSource } from './internalSecretSource.ts';
import { Secret } from './secret.ts';
import { readDemandControlConfig, type DemandControlConfig } from './demandControl.ts';
import { readPersistedOperationsConfig, type PersistedOperationsConfig } from './persistedOperations.ts';
import { readRateLimitsConfig, type RateLimitsConfig } from './rateLimits.ts';
import { readTelemetryConfig, type TelemetryConfig } from './telemetry.ts';
import { readSubgraphResilienceConfig, type SubgraphResilienceConfig } from './subgraphResilience.ts';
import { parseDailySchedule, parseMonthlySchedule, type DailySchedule, type MonthlySchedule } from './schedules.ts';
import { destinationUrl, type DestinationPolicy } from './subgraphUrls.ts';
import { checkUnknownVariables } from './unknownVariables.ts';
import { timerMs } from './timerMs.ts';
import { readTimeControlsConfig, type TimeControlsConfig } from './timeControls.ts';
import { oneOf, wholeNumber } from './parse.ts';
import { readCrmSystemConfig, type CrmSystemConfig } from './crmSystem.ts';
import { readCrosswalkConfig, type CrosswalkConfig } from './crosswalk.ts';

export const SEED_SCALES = ['s', 'm', 'l'] as const;
export type SeedScale = (typeof SEED_SCALES)[number];

export type StoreConfig = { readonly kind: 'sqlite'; readonly dataDir: string } | { readonly kind: 'postgres'; readonly url: string };

/** How client bearer tokens are verified; the options of `createTokenVerifier` (`auth/verifyToken.ts`). */
export interface AuthConfig {
  /** Where signing keys come from; the `dev` source exists only in development. */
  readonly source: KeySource;
  readonly issuer: string;
  readonly audience: string;
  readonly clockSkewSeconds: number;
  readonly maxTokenBytes: number;
}

export interface TesseraConfig {
  readonly env: 'development' | 'production';
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** `TESSERA_SHUTDOWN_TIMEOUT_MS`: the bound on draining in-flight requests at shutdown. @default 10000 */
  readonly shutdownTimeoutMs: number;
  readonly store: StoreConfig;
  readonly seedScale: SeedScale | 'none';
  readonly maxBodyBytes: number;
  /** `TESSERA_METRICS_TOKEN`: the bearer token `/metrics` requires; undefined serves it to anyone. @default undefined */
  readonly metricsToken: Secret | undefined;
  /** `TESSERA_CORS_ORIGINS`: the browser origins allowed to call the GraphQL endpoints; empty denies every other origin. @default [] */
  readonly corsOrigins: readonly string[];
  /** `TESSERA_INTROSPECTION`: introspection and field suggestions in errors. @default true in development, false in production */
  readonly introspection: boolean;
  /** `TESSERA_IDE`: the GraphiQL IDE at `/`. @default true in development, false in production */
  readonly ide: boolean;
  /** `TESSERA_LIMIT_*`: the shape limits every operation must stay within. */
  readonly limits: OperationLimitsConfig;
  /**
   * `TESSERA_COST_MODE` (`enforce`), `TESSERA_COST_MAX` (100000), `TESSERA_COST_BUDGETS` (none), `TESSERA_COST_LIST_SIZE` (10),
   * `TESSERA_COST_REPORT` (`off`), `TESSERA_EXECUTION_TIMEOUT_MS` (30000): docs/demand-control.md.
   */
  readonly demandControl: DemandControlConfig;
  /** `TESSERA_SUBGRAPH_<NAME>_URL` by lower-case name: subgraphs served alone, reached over HTTP. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** `TESSERA_SUBGRAPH_PORT_<NAME>` by lower-case name; a system missing here listens on its default port. */
  readonly subgraphPorts: Readonly<Record<string, number>>;
  /** `TESSERA_DATA_DIR`, resolved: SQLite files (when no PostgreSQL URL is set) and development key files. */
  readonly dataDir: string;
  readonly auth: AuthConfig;
  /** The secret signing the `x-tessera-principal` header; the value is wrapped so logging the config cannot leak it. */
  readonly internalSecret: InternalSecretSource;
  /**
   * What the gateway does with a field the caller may not read: `filter` removes it (null plus an
   * error at its path, the rest answers), `reject` refuses the whole operation. @default 'filter'
   */
  readonly authorizationMode: 'filter' | 'reject';
  /** `TESSERA_GATEWAY_EXECUTOR`: which engine executes query plans (docs/executor.md). @default 'plan' */
  readonly executor: ExecutorKind;
  /**
   * `TESSERA_HEAP_GROWTH_PERCENT`: how far a server process's old generation may grow past the live
   * heap before V8 collects it again (`core/heapGrowth.ts`); 0 leaves V8's own heuristic. @default 100
   */
  readonly heapGrowthPercent: number;
  /** `TESSERA_NATS_URL` and its companions: set, events travel over NATS JetStream; unset, in process. */
  readonly nats: NatsConfig | undefined;
  /** `TESSERA_BILLING_RUN_SCHEDULE`: when the month-end billing run starts; null when `off`. @default 1 02:00 UTC */
  readonly billingRunSchedule: MonthlySchedule | null;
  /** `TESSERA_RECONCILIATION_SCHEDULE`: when the daily reconciliation runs; null when `off`. @default 03:00 UTC */
  readonly reconciliationSchedule: DailySchedule | null;
  /** The schema registry's settings (`TESSERA_REGISTRY_*`). */
  readonly registry: RegistryConfig;
  /**
   * `TESSERA_PERSISTED_OPERATIONS_FILE` (unset), `TESSERA_PERSISTED_OPERATIONS_REQUIRED` (`off`; `partners` in production),
   * `TESSERA_APQ` (`on`; `off` in production), `TESSERA_APQ_CACHE_SIZE` (1000): safelists and APQ (docs/persisted-operations.md).
   */
  readonly persistedOperations: PersistedOperationsConfig;
  /**
   * `TESSERA_RATE_LIMIT` (`off`; `600/60s` in production), `TESSERA_RATE_LIMIT_CLIENTS`, `TESSERA_RATE_LIMIT_CAPABILITIES` (none),
   * `TESSERA_CONCURRENCY_LIMIT` (`off`; 20 in production), `TESSERA_RATE_LIMIT_REDIS_URL` (unset: in memory),
   * `TESSERA_RATE_LIMIT_REDIS_PREFIX` (`tessera:ratelimit:`): rate limits and concurrency caps (docs/rate-limits.md).
   */
  readonly rateLimits: RateLimitsConfig;
  /**
   * `TESSERA_OTLP_ENDPOINT` (unset: no tracing; `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` honoured when it is),
   * `TESSERA_OTLP_HEADERS` (none), `TESSERA_TRACE_SAMPLE_RATIO` (1): docs/observability.md#configuration.
   */
  readonly telemetry: TelemetryConfig;
  /**
   * `TESSERA_SUBGRAPH_CONNECTIONS` (64), `TESSERA_SUBGRAPH_TIMEOUT_MS` (10000), `TESSERA_SUBGRAPH_<NAME>_TIMEOUT_MS`,
   * `TESSERA_SUBGRAPH_BREAKER` (`5 failures, 30s open`), `TESSERA_SUBGRAPH_RETRIES` (2), `TESSERA_SUBGRAPH_RETRY_BACKOFF_MS` (50),
   * `TESSERA_SUBGRAPH_ERRORS` (`pass`; `mask` in production): how subgraphs are called (docs/resilience.md).
   */
  readonly subgraphResilience: SubgraphResilienceConfig;
  /**
   * `TESSERA_TIME_WEEKLY_MAX_HOURS` (80), `TESSERA_TIME_FUTURE_DAYS` (7, or `off`): the time controls of
   * `submitTimecard` (docs/invariants.md#time-controls; `core/config/timeControls.ts`).
   */
  readonly timeControls: TimeControlsConfig;
  /**
   * `TESSERA_CRM_SYSTEM` (`sql`) and, when it uses Salesforce, the `TESSERA_SALESFORCE_*` variables: the CRM's
   * system of record (docs/connectors.md; `core/config/crmSystem.ts`, `core/config/salesforce.ts`).
   */
  readonly crm: CrmSystemConfig;
  /**
   * `TESSERA_CROSSWALK_SURVIVORSHIP`, `TESSERA_CROSSWALK_LINK_CACHE_TTL_MS` (30000): the crosswalk's
   * survivorship defaults and the composite CRM's link cache (docs/crosswalk.md#configuration; `core/config/crosswalk.ts`).
   */
  readonly crosswalk: CrosswalkConfig;
}

/** The largest operation shape the gateway plans (README "Operation limits"). */
export interface OperationLimitsConfig {
  /** `TESSERA_LIMIT_DEPTH` @default 15 */
  readonly depth: number;
  /** `TESSERA_LIMIT_ALIASES` @default 30 */
  readonly aliases: number;
  /** `TESSERA_LIMIT_ROOT_FIELDS` @default 20 */
  readonly rootFields: number;
  /** `TESSERA_LIMIT_TOKENS` @default 5000 */
  readonly tokens: number;
  /** `TESSERA_LIMIT_DIRECTIVES_PER_FIELD` @default 5 */
  readonly directivesPerField: number;
  /** `TESSERA_LIMIT_SELECTIONS` @default 5000 */
  readonly selections: number;
  /** `TESSERA_LIMIT_HEIGHT` @default 200 */
  readonly height: number;
  /** `TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES`: not a shape limit; read while a subgraph's body streams in. @default 8 MiB */
  readonly subgraphResponseBytes: number;
}

/** Where the schema registry is and how it is used (docs/registry.md). */
export interface RegistryConfig {
  /** `TESSERA_REGISTRY_URL`: a remote registry the gateway pulls from; undefined runs it in process. */
  readonly url: string | undefined;
  /** `TESSERA_REGISTRY_POLL_MS`: the gateway's poll interval. @default 10000 */
  readonly pollMs: number;
  /** `TESSERA_REGISTRY_PORT`: the port of `tessera serve registry`. @default 4005 */
  readonly port: number;
  /** `TESSERA_REGISTRY_USAGE_WINDOW_DAYS`: how far back usage-aware checks look. @default 30 */
  readonly usageWindowDays: number;
  /** `TESSERA_REGISTRY_USAGE_SAMPLE_RATE`: the share of operations whose usage is recorded, 0 to 1. @default 1 */
  readonly usageSampleRate: number;
  /** `TESSERA_REGISTRY_MAX_SDL_BYTES`: the largest SDL a publish or check accepts. @default 2 MiB */
  readonly maxSdlBytes: number;
  /** `TESSERA_REGISTRY_TOKEN`: the CLI's bearer token for a remote registry when `--token` is not given. */
  readonly token: Secret | undefined;
}

/** Where the NATS transport connects (docs/events.md#nats-transport). */
export interface NatsConfig {
  /** One or more `nats://` URLs. */
  readonly servers: readonly string[];
  /** The deployment prefix of the stream and its subjects. */
  readonly streamPrefix: string;
  /** A credentials file, resolved; read when connecting. */
  readonly credsFile: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Builds the config from an environment (default: `process.env`); throws a TypeError naming the bad key. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): TesseraConfig {
  const tesseraEnv = oneOf(env, 'TESSERA_ENV', ['development', 'production'] as const, 'development');
  const databaseUrl = env.TESSERA_DATABASE_URL?.trim();
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new TypeError('TESSERA_DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  // Development's warnings are logged by the bin (checkUnknownVariables again); production refuses here.
  checkUnknownVariables(env, tesseraEnv);
  const destinations: DestinationPolicy = {
    production: tesseraEnv === 'production',
    allowHttp: onOff(env, 'TESSERA_ALLOW_HTTP_SUBGRAPHS', false),
  };
  const { subgraphUrls, subgraphPorts } = subgraphVariables(env, destinations);
  const dataDir = path.resolve(cwd, env.TESSERA_DATA_DIR?.trim() || 'data');
  const config: TesseraConfig = {
    env: tesseraEnv,
    host: env.HOST?.trim() || '0.0.0.0',
    port: port(env, 'PORT', 4000),
    logLevel: oneOf(env, 'TESSERA_LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    shutdownTimeoutMs: timerMs('TESSERA_SHUTDOWN_TIMEOUT_MS', positiveInt(env, 'TESSERA_SHUTDOWN_TIMEOUT_MS', 10_000)),
    store: databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'sqlite', dataDir },
    // An empty production store is a new deployment, not a demo: invented records there would be taken for real ones.
    seedScale: oneOf(env, 'TESSERA_SEED_SCALE', ['s', 'm', 'l', 'none'] as const, tesseraEnv === 'production' ? 'none' : 's'),
    maxBodyBytes: positiveInt(env, 'TESSERA_MAX_BODY_BYTES', 1024 * 1024),
    metricsToken: metricsToken(env, tesseraEnv),
    corsOrigins: corsOrigins(env),
    // Both show the schema to anyone who asks: a production gateway shows it only when told to.
    introspection: onOff(env, 'TESSERA_INTROSPECTION', tesseraEnv === 'development'),
    ide: onOff(env, 'TESSERA_IDE', tesseraEnv === 'development'),
    limits: Object.freeze({
      depth: positiveInt(env, 'TESSERA_LIMIT_DEPTH', 15),
      aliases: nonNegativeInt(env, 'TESSERA_LIMIT_ALIASES', 30),
      rootFields: positiveInt(env, 'TESSERA_LIMIT_ROOT_FIELDS', 20),
      tokens: positiveInt(env, 'TESSERA_LIMIT_TOKENS', 5000),
      directivesPerField: nonNegativeInt(env, 'TESSERA_LIMIT_DIRECTIVES_PER_FIELD', 5),
      selections: positiveInt(env, 'TESSERA_LIMIT_SELECTIONS', 5000),
      height: positiveInt(env, 'TESSERA_LIMIT_HEIGHT', 200),
      subgraphResponseBytes: positiveInt(env, 'TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES', 8 * 1024 * 1024),
    }),
    demandControl: readDemandControlConfig(env),
    subgraphUrls,
    subgraphPorts,
    dataDir,
    auth: authConfig(env, tesseraEnv, dataDir, cwd),
    internalSecret: internalSecret(env, tesseraEnv, dataDir),
    authorizationMode: oneOf(env, 'TESSERA_AUTHZ_MODE', ['filter', 'reject'] as const, 'filter'),
    executor: oneOf(env, 'TESSERA_GATEWAY_EXECUTOR', EXECUTOR_KINDS, 'plan'),
    heapGrowthPercent: heapGrowthPercent(env),
    nats: natsConfig(env, cwd),
    billingRunSchedule: schedule(env, 'TESSERA_BILLING_RUN_SCHEDULE', '1 02:00', parseMonthlySchedule),
    reconciliationSchedule: schedule(env, 'TESSERA_RECONCILIATION_SCHEDULE', '03:00', parseDailySchedule),
    registry: registryConfig(env, destinations),
    persistedOperations: readPersistedOperationsConfig(env, tesseraEnv, cwd),
    rateLimits: readRateLimitsConfig(env, tesseraEnv),
    telemetry: readTelemetryConfig(env, tesseraEnv),
    subgraphResilience: readSubgraphResilienceConfig(env, tesseraEnv),
    timeControls: readTimeControlsConfig(env),
    crm: readCrmSystemConfig(env, tesseraEnv === 'production', cwd),
    crosswalk: readCrosswalkConfig(env),
  };
  return Object.freeze(config);
}

/** The variable naming where the subgraph `name` is served (`TESSERA_SUBGRAPH_CRM_URL`). */
export function subgraphUrlVariable(name: string): string {
  return `TESSERA_SUBGRAPH_${name.toUpperCase()}_URL`;
}

/** The variable naming the port `tessera serve <name>` listens on (`TESSERA_SUBGRAPH_PORT_CRM`). */
export function subgraphPortVariable(name: string): string {
  return `TESSERA_SUBGRAPH_PORT_${name.toUpperCase()}`;
}

const SUBGRAPH_PORT_VARIABLE = /^TESSERA_SUBGRAPH_PORT_([A-Z][A-Z0-9_]*)$/;
const SUBGRAPH_URL_VARIABLE = /^TESSERA_SUBGRAPH_([A-Z][A-Z0-9_]*)_URL$/;

/** Every `TESSERA_SUBGRAPH_<NAME>_URL` and `TESSERA_SUBGRAPH_PORT_<NAME>` that is set, by lower-case name. */
function subgraphVariables(env: Env, destinations: DestinationPolicy): Pick<TesseraConfig, 'subgraphUrls' | 'subgraphPorts'> {
  const subgraphUrls: Record<string, string> = {};
  const subgraphPorts: Record<string, number> = {};
  for (const key of Object.keys(env).sort()) {
    if (!env[key]?.trim()) continue;
    const portOf = SUBGRAPH_PORT_VARIABLE.exec(key)?.[1];
    if (portOf) {
      subgraphPorts[portOf.toLowerCase()] = port(env, key, 0);
      continue;
    }
    const urlOf = SUBGRAPH_URL_VARIABLE.exec(key)?.[1];
    if (urlOf) {
      subgraphUrls[urlOf.toLowerCase()] = destinationUrl(key, env[key]!.trim(), destinations);
    }
  }
  return { subgraphUrls: Object.freeze(subgraphUrls), subgraphPorts: Object.freeze(subgraphPorts) };
}

const NATS_STREAM_PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;

function natsConfig(env: Env, cwd: string): NatsConfig | undefined {
  const raw = env.TESSERA_NATS_URL?.trim();
  const streamPrefix = env.TESSERA_NATS_STREAM?.trim() || 'tessera';
  const credsFile = env.TESSERA_NATS_CREDS_FILE?.trim();
  if (!raw) {
    if (env.TESSERA_NATS_STREAM?.trim() || credsFile)
      throw new TypeError('TESSERA_NATS_STREAM and TESSERA_NATS_CREDS_FILE need TESSERA_NATS_URL');
    return undefined;
  }
  const servers = raw.split(',').map((url) => natsUrl('TESSERA_NATS_URL', url.trim()));
  if (!NATS_STREAM_PREFIX.test(streamPrefix)) {
    throw new TypeError(`TESSERA_NATS_STREAM must be a letter then up to 31 letters, digits, _ or -; got ${JSON.stringify(streamPrefix)}`);
  }
  return Object.freeze({ servers: Object.freeze(servers), streamPrefix, credsFile: credsFile ? path.resolve(cwd, credsFile) : undefined });
}

/** A `nats://` (or `tls://`) URL with a host; credentials in it are refused (use a credentials file). */
function natsUrl(key: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`${key} must be a nats:// URL`);
  }
  if ((url.protocol !== 'nats:' && url.protocol !== 'tls:') || !url.hostname) throw new TypeError(`${key} must be a nats:// URL`);
  // The value is logged with the config: a user or token in it would leak.
  if (url.username || url.password) throw new TypeError(`${key} must not carry credentials; use TESSERA_NATS_CREDS_FILE`);
  return raw;
}

/** A schedule variable parsed (its default when unset); a bad value is a TypeError naming the variable. */
function schedule<T>(env: Env, key: string, fallback: string, parse: (text: string) => T | null): T | null {
  const raw = env[key]?.trim() || fallback;
  try {
    const parsed = parse(raw);
    return parsed === null ? null : Object.freeze(parsed);
  } catch (error) {
    throw new TypeError(`${key}: ${(error as Error).message}`);
  }
}

function registryConfig(env: Env, destinations: DestinationPolicy): RegistryConfig {
  const raw = env.TESSERA_REGISTRY_URL?.trim();
  if (raw) destinationUrl('TESSERA_REGISTRY_URL', raw, destinations);
  const rateRaw = env.TESSERA_REGISTRY_USAGE_SAMPLE_RATE?.trim();
  const usageSampleRate = rateRaw ? Number(rateRaw) : 1;
  if (!(usageSampleRate >= 0 && usageSampleRate <= 1)) {
    throw new TypeError(`TESSERA_REGISTRY_USAGE_SAMPLE_RATE must be a number from 0 to 1; got ${JSON.stringify(rateRaw)}`);
  }
  return Object.freeze({
    url: raw ? raw.replace(/\/+$/, '') : undefined,
    pollMs: timerMs('TESSERA_REGISTRY_POLL_MS', positiveInt(env, 'TESSERA_REGISTRY_POLL_MS', 10_000)),
    port: port(env, 'TESSERA_REGISTRY_PORT', 4005),
    usageWindowDays: positiveInt(env, 'TESSERA_REGISTRY_USAGE_WINDOW_DAYS', 30),
    usageSampleRate,
    maxSdlBytes: positiveInt(env, 'TESSERA_REGISTRY_MAX_SDL_BYTES', 2 * 1024 * 1024),
    token: env.TESSERA_REGISTRY_TOKEN?.trim() ? new Secret(env.TESSERA_REGISTRY_TOKEN.trim()) : undefined,
  });
}

const MAX_CLOCK_SKEW_SECONDS = 300;
const MIN_INTERNAL_SECRET_LENGTH = 32;

function authConfig(env: Env, tesseraEnv: TesseraConfig['env'], dataDir: string, cwd: string): AuthConfig {
  const production = tesseraEnv === 'production';
  const clockSkewSeconds = nonNegativeInt(env, 'TESSERA_AUTH_CLOCK_SKEW_SECONDS', 30);
  if (clockSkewSeconds > MAX_CLOCK_SKEW_SECONDS) {
    // More than a few minutes is not clock drift any more: it would keep expired tokens alive.
    throw new TypeError(`TESSERA_AUTH_CLOCK_SKEW_SECONDS must be at most ${MAX_CLOCK_SKEW_SECONDS}; got ${clockSkewSeconds}`);
  }
  return Object.freeze({
    source: Object.freeze(keySource(env, production, dataDir, cwd)),
    issuer: requiredInProduction(env, 'TESSERA_AUTH_ISSUER', production, 'tessera-dev'),
    audience: requiredInProduction(env, 'TESSERA_AUTH_AUDIENCE', production, 'tessera'),
    clockSkewSeconds,
    maxTokenBytes: positiveInt(env, 'TESSERA_AUTH_MAX_TOKEN_BYTES', 8192),
  });
}

function keySource(env: Env, production: boolean, dataDir: string, cwd: string): KeySource {
  const jwksUrl = env.TESSERA_AUTH_JWKS_URL?.trim();
  const pemFile = env.TESSERA_AUTH_PUBLIC_KEY_FILE?.trim();
  if (jwksUrl && pemFile) {
    throw new TypeError('TESSERA_AUTH_JWKS_URL and TESSERA_AUTH_PUBLIC_KEY_FILE are both set; set only one');
  }
  if (jwksUrl) return { kind: 'jwks', url: jwksUrlOf(jwksUrl), algorithm: algorithm(env) };
  if (pemFile) return { kind: 'pem', file: path.resolve(cwd, pemFile), algorithm: algorithm(env) };
  if (env.TESSERA_AUTH_ALGORITHM?.trim()) {
    // The development key is HS256 whatever this says; ignoring it silently would hide a missing key setting.
    throw new TypeError('TESSERA_AUTH_ALGORITHM needs TESSERA_AUTH_JWKS_URL or TESSERA_AUTH_PUBLIC_KEY_FILE');
  }
  if (production) {
    throw new TypeError(
      'TESSERA_ENV=production refuses the development signing key: set TESSERA_AUTH_JWKS_URL or TESSERA_AUTH_PUBLIC_KEY_FILE',
    );
  }
  return { kind: 'dev', keyFile: path.join(dataDir, 'dev-signing-key') };
}

function algorithm(env: Env): AsymmetricAlgorithm {
  return oneOf(env, 'TESSERA_AUTH_ALGORITHM', ASYMMETRIC_ALGORITHMS, 'RS256');
}

function jwksUrlOf(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError('TESSERA_AUTH_JWKS_URL must be a URL');
  }
  // Keys fetched over plain HTTP could be swapped in transit, and whoever swaps them mints tokens.
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new TypeError('TESSERA_AUTH_JWKS_URL must be an https URL (http is allowed only to 127.0.0.1 or localhost)');
  }
  return url.href;
}

function internalSecret(env: Env, tesseraEnv: TesseraConfig['env'], dataDir: string): InternalSecretSource {
  const secret = env.TESSERA_INTERNAL_SECRET?.trim();
  if (secret) {
    // The message gives the length only: the value must never reach a log.
    if (secret.length < MIN_INTERNAL_SECRET_LENGTH) {
      throw new TypeError(`TESSERA_INTERNAL_SECRET must be at least ${MIN_INTERNAL_SECRET_LENGTH} characters; got ${secret.length}`);
    }
    const weakness = tesseraEnv === 'production' ? internalSecretWeakness(secret) : null;
    if (weakness) {
      throw new TypeError(
        `TESSERA_INTERNAL_SECRET is too weak for TESSERA_ENV=production: ${weakness} (generate one with \`openssl rand -base64 32\`)`,
      );
    }
    return Object.freeze({ kind: 'value', secret: new Secret(secret) });
  }
  if (tesseraEnv === 'production') {
    throw new TypeError(
      'TESSERA_INTERNAL_SECRET is required when TESSERA_ENV=production (at least 32 random characters, the same for the gateway and every subgraph)',
    );
  }
  return Object.freeze({ kind: 'dev', keyFile: path.join(dataDir, 'dev-internal-key') });
}

const MIN_SECRET_DISTINCT_CHARACTERS = 10;
const MIN_SECRET_ENTROPY_BITS = 96;

/**
 * Which rule a secret breaks, or null; the answer never contains the secret. Length alone lets
 * `aaaa...` or a password typed three times through: whoever guesses it signs any principal.
 * The estimate is the secret's length times the Shannon entropy of its own character frequencies,
 * so 32 random hex characters (about 115 bits) and 32 random base64 ones (about 144) pass.
 */
export function internalSecretWeakness(secret: string): string | null {
  const counts = new Map<string, number>();
  for (const character of secret) counts.set(character, (counts.get(character) ?? 0) + 1);
  if (counts.size < MIN_SECRET_DISTINCT_CHARACTERS) {
    return `it must have at least ${MIN_SECRET_DISTINCT_CHARACTERS} distinct characters; it has ${counts.size}`;
  }
  for (let period = 1; period <= secret.length / 2; period += 1) {
    if (secret.slice(period) === secret.slice(0, secret.length - period)) {
      return `it must not be a repetition of a shorter pattern; it repeats every ${period} characters`;
    }
  }
  const length = [...secret].length;
  let bitsPerCharacter = 0;
  for (const count of counts.values()) bitsPerCharacter -= (count / length) * Math.log2(count / length);
  const bits = Math.floor(length * bitsPerCharacter);
  if (bits < MIN_SECRET_ENTROPY_BITS) {
    return `it must carry at least ${MIN_SECRET_ENTROPY_BITS} bits of estimated entropy (length × bits per character); it carries ${bits}`;
  }
  return null;
}

function requiredInProduction(env: Env, key: string, production: boolean, developmentDefault: string): string {
  const value = env[key]?.trim();
  if (value) return value;
  if (production) throw new TypeError(`${key} is required when TESSERA_ENV=production`);
  return developmentDefault;
}

/**
 * `TESSERA_METRICS_TOKEN`. The metrics name every client, operation and subgraph and their error
 * rates: a production gateway does not show them to anyone unless the operator says so
 * (`TESSERA_METRICS=public`, e.g. when only a private network reaches the port).
 */
function metricsToken(env: Env, tesseraEnv: TesseraConfig['env']): Secret | undefined {
  const token = env.TESSERA_METRICS_TOKEN?.trim();
  const access = env.TESSERA_METRICS?.trim() ? oneOf(env, 'TESSERA_METRICS', ['public'] as const, 'public') : undefined;
  if (token && access === 'public') {
    throw new TypeError('TESSERA_METRICS=public and TESSERA_METRICS_TOKEN contradict each other: set one of them');
  }
  // docs/production.md#what-production-refuses-at-start: a guessable token (a CHANGE_ME left in the env file) opens /metrics to anyone.
  const weakness = token && tesseraEnv === 'production' ? internalSecretWeakness(token) : null;
  if (weakness) {
    throw new TypeError(
      `TESSERA_METRICS_TOKEN is too weak for TESSERA_ENV=production: ${weakness} (generate one with \`openssl rand -hex 24\`)`,
    );
  }
  if (token) return new Secret(token);
  if (tesseraEnv === 'production' && access !== 'public') {
    throw new TypeError(
      'TESSERA_METRICS_TOKEN is required when TESSERA_ENV=production (the bearer token /metrics requires), or TESSERA_METRICS=public to serve /metrics without one',
    );
  }
  return undefined;
}

/**
 * `TESSERA_CORS_ORIGINS`: exact origins only. A browser sends `Origin` as scheme, host and port with
 * no path, and the server compares strings, so anything else (a path, a trailing slash, `*`, a
 * wildcard host, upper case, a default port) would never match or would allow too much: refused at start.
 */
function corsOrigins(env: Env): readonly string[] {
  const raw = env.TESSERA_CORS_ORIGINS?.trim();
  if (!raw) return Object.freeze([]);
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    // The host check refuses what URL accepts but no browser ever sends, `*` above all.
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin || !/^[a-z0-9.\-[\]:]+$/.test(parsed.host)) {
      throw new TypeError(
        `TESSERA_CORS_ORIGINS must list exact origins like https://app.example.com (http(s)://host[:port], no path); got ${JSON.stringify(origin)}`,
      );
    }
  }
  return Object.freeze([...new Set(origins)]);
}

function onOff(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  return oneOf(env, key, ['on', 'off'] as const, 'on') === 'on';
}

/** Digits only, at least 1 (`1e3`, `0x10`, `+5` and `10.0` are refused, as every config reader refuses them). */
function positiveInt(env: Env, key: string, fallback: number): number {
  return wholeNumber(env, key, fallback, 1);
}

function nonNegativeInt(env: Env, key: string, fallback: number): number {
  return wholeNumber(env, key, fallback, 0);
}

/** At most 400 (5× the live heap, beyond V8's own most); 0 is V8's own growth. */
function heapGrowthPercent(env: Env): number {
  const value = nonNegativeInt(env, 'TESSERA_HEAP_GROWTH_PERCENT', 100);
  if (value > 400) throw new TypeError(`TESSERA_HEAP_GROWTH_PERCENT must be at most 400 (0 leaves V8's own growth); got ${value}`);
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

/**
 * The NATS server (with JetStream) the suites named `*.nats.test.ts` run against (CI sets it);
 * undefined means those suites skip with a message. Each creates and deletes its own stream.
 */
export function testNatsUrl(env: Env = process.env): string | undefined {
  const url = env.TESSERA_TEST_NATS_URL?.trim();
  if (!url) return undefined;
  return natsUrl('TESSERA_TEST_NATS_URL', url);
}

/**
 * The Chromium the suites named `*.browser.test.ts` drive (CI installs Debian's and sets it):
 * `TESSERA_TEST_CHROMIUM`, else `/usr/bin/chromium` when it exists; undefined means those suites
 * skip with a message. A variable naming a file that does not exist is a mistake, not a skip.
 */
export function testChromiumPath(env: Env = process.env, exists: (file: string) => boolean = fs.existsSync): string | undefined {
  const file = env.TESSERA_TEST_CHROMIUM?.trim();
  if (!file) return exists('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
  if (!exists(file)) throw new TypeError(`TESSERA_TEST_CHROMIUM names ${file}, which does not exist`);
  return file;
}
