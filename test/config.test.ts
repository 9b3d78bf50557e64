import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { internalSecretWeakness, loadConfig, testPostgresUrl } from '../core/config/config.ts';
import { PRODUCTION_ENV as PRODUCTION } from './harness/productionEnv.ts';

describe('loadConfig', () => {
  it('defaults to the embedded mode on a laptop', () => {
    expect(loadConfig({}, '/srv/tessera')).toEqual({
      env: 'development',
      host: '0.0.0.0',
      port: 4000,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      store: { kind: 'sqlite', dataDir: path.resolve('/srv/tessera', 'data') },
      seedScale: 's',
      maxBodyBytes: 1024 * 1024,
      metricsToken: undefined,
      corsOrigins: [],
      introspection: true,
      ide: true,
      limits: {
        depth: 15,
        aliases: 30,
        rootFields: 20,
        tokens: 5000,
        directivesPerField: 5,
        selections: 5000,
        height: 200,
        subgraphResponseBytes: 8 * 1024 * 1024,
      },
      demandControl: { mode: 'enforce', max: 100_000, budgets: {}, defaultListSize: 10, report: false, executionTimeoutMs: 30_000 },
      subgraphUrls: {},
      // Set ports only: the systems' default ports are theirs (systems/systems.ts; test/runtime/systemUrls.test.ts).
      subgraphPorts: {},
      dataDir: path.resolve('/srv/tessera', 'data'),
      auth: {
        source: { kind: 'dev', keyFile: path.resolve('/srv/tessera', 'data', 'dev-signing-key') },
        issuer: 'tessera-dev',
        audience: 'tessera',
        clockSkewSeconds: 30,
        maxTokenBytes: 8192,
      },
      internalSecret: { kind: 'dev', keyFile: path.resolve('/srv/tessera', 'data', 'dev-internal-key') },
      authorizationMode: 'filter',
      executor: 'plan',
      heapGrowthPercent: 100,
      billingRunSchedule: { dayOfMonth: 1, hour: 2, minute: 0 },
      reconciliationSchedule: { hour: 3, minute: 0 },
      registry: {
        url: undefined,
        pollMs: 10_000,
        port: 4005,
        usageWindowDays: 30,
        usageSampleRate: 1,
        maxSdlBytes: 2 * 1024 * 1024,
        token: undefined,
      },
      persistedOperations: { file: undefined, required: { kind: 'off' }, apq: true, apqCacheSize: 1000 },
      // Off in development: one developer's tests and benchmarks (docs/rate-limits.md#defaults).
      rateLimits: { client: null, clients: {}, capabilities: {}, concurrency: null, redis: undefined },
      telemetry: { otlpEndpoint: null, otlpHeaders: undefined, sampleRatio: 1 },
      subgraphResilience: {
        connections: 64,
        timeoutMs: 10_000,
        timeouts: {},
        breaker: { failures: 5, openMs: 30_000 },
        retries: 2,
        retryBackoffMs: 50,
        errors: 'pass',
      },
      timeControls: { weeklyMaxHours: 80, futureDays: 7 },
      crm: { system: 'sql', salesforce: undefined, hubspot: undefined },
      crosswalk: {
        survivorship: {
          name: 'salesforce',
          website: 'newest',
          industry: 'salesforce',
          segment: 'salesforce',
          type: 'survivor',
          annualRevenue: 'salesforce',
          employeeCount: 'salesforce',
        },
        linkCacheTtlMs: 30_000,
      },
    });
  });

  it('reads the registry variables, and refuses bad ones naming the variable', () => {
    const config = loadConfig({
      TESSERA_REGISTRY_URL: 'https://registry.example.com/',
      TESSERA_REGISTRY_POLL_MS: '2500',
      TESSERA_REGISTRY_PORT: '7005',
      TESSERA_REGISTRY_USAGE_WINDOW_DAYS: '7',
      TESSERA_REGISTRY_USAGE_SAMPLE_RATE: '0.25',
      TESSERA_REGISTRY_MAX_SDL_BYTES: '65536',
    });
    expect({ ...config.registry, token: undefined }).toEqual({
      url: 'https://registry.example.com',
      pollMs: 2500,
      port: 7005,
      usageWindowDays: 7,
      usageSampleRate: 0.25,
      maxSdlBytes: 65536,
      token: undefined,
    });
    expect(() => loadConfig({ TESSERA_REGISTRY_URL: 'registry:4005' })).toThrow('TESSERA_REGISTRY_URL must be an http(s) URL');
    expect(() => loadConfig({ TESSERA_REGISTRY_USAGE_SAMPLE_RATE: '1.5' })).toThrow(
      'TESSERA_REGISTRY_USAGE_SAMPLE_RATE must be a number from 0 to 1; got "1.5"',
    );
    expect(() => loadConfig({ TESSERA_REGISTRY_POLL_MS: '0' })).toThrow('TESSERA_REGISTRY_POLL_MS must be a positive integer; got "0"');
  });

  it('turns introspection, suggestions and the IDE off in production unless set on', () => {
    expect(loadConfig(PRODUCTION)).toMatchObject({ introspection: false, ide: false });
    expect(loadConfig({ ...PRODUCTION, TESSERA_INTROSPECTION: 'on', TESSERA_IDE: 'on' })).toMatchObject({ introspection: true, ide: true });
    expect(loadConfig({ TESSERA_INTROSPECTION: 'off', TESSERA_IDE: 'off' })).toMatchObject({ introspection: false, ide: false });
    expect(() => loadConfig({ TESSERA_IDE: 'yes' })).toThrow(new TypeError('TESSERA_IDE must be one of on, off; got "yes"'));
  });

  it('seeds no demo data in production unless a scale is set', () => {
    expect(loadConfig(PRODUCTION).seedScale).toBe('none');
    expect(loadConfig({ ...PRODUCTION, TESSERA_SEED_SCALE: 's' }).seedScale).toBe('s');
    expect(loadConfig({}).seedScale).toBe('s');
  });

  describe('the internal secret in production', () => {
    it.each([
      ['a'.repeat(64), 'it must have at least 10 distinct characters; it has 1'],
      ['p'.repeat(32), 'it must have at least 10 distinct characters; it has 1'],
      ['abcabcabcabcabcabcabcabcabcabcabcabc', 'it must have at least 10 distinct characters; it has 3'],
      ['password1234password1234password1234', 'it must not be a repetition of a shorter pattern; it repeats every 12 characters'],
      [
        '0123456789aaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        'it must carry at least 96 bits of estimated entropy (length × bits per character); it carries 64',
      ],
    ])('refuses %s, naming the rule and never the value', (secret, rule) => {
      expect(internalSecretWeakness(secret)).toBe(rule);
      let message = '';
      try {
        loadConfig({ ...PRODUCTION, TESSERA_INTERNAL_SECRET: secret });
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        message = (error as Error).message;
      }
      expect(message).toBe(
        `TESSERA_INTERNAL_SECRET is too weak for TESSERA_ENV=production: ${rule} (generate one with \`openssl rand -base64 32\`)`,
      );
      expect(message).not.toContain(secret);
    });

    it.each([
      ['32 random base64 characters', 'q7Xv2LmN9pR4sT8wYb3Zc6Hd1Jf5Kg0A'],
      ['32 random hex characters', '9f3a7c21e8b04d6f5a19c3e7b2d8046f'],
      ['64 random hex characters', '4be1d9a07c3f58e26b9d1047a3c5e8f2d61b07a94c3e58f2a6d0b17e94c2f835'],
    ])('accepts %s', (_, secret) => {
      expect(internalSecretWeakness(secret)).toBeNull();
      expect(loadConfig({ ...PRODUCTION, TESSERA_INTERNAL_SECRET: secret }).internalSecret.kind).toBe('value');
    });

    it('leaves development alone: its secrets are throwaway', () => {
      expect(loadConfig({ TESSERA_INTERNAL_SECRET: 'a'.repeat(32) }).internalSecret.kind).toBe('value');
    });
  });

  it('reads the CORS origins, exact and deduplicated', () => {
    expect(
      loadConfig({ TESSERA_CORS_ORIGINS: ' https://app.example.com, http://localhost:5173,,https://app.example.com ' }).corsOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(loadConfig({ TESSERA_CORS_ORIGINS: ' ' }).corsOrigins).toEqual([]);
  });

  it.each([
    '*',
    'app.example.com',
    'https://app.example.com/',
    'https://app.example.com/app',
    'ftp://app.example.com',
    'https://*.example.com',
    'https://App.example.com',
    'https://app.example.com:443',
    'null',
  ])('refuses the CORS origin %s, naming the variable', (origin) => {
    expect(() => loadConfig({ TESSERA_CORS_ORIGINS: `https://ok.example.com,${origin}` })).toThrow(
      new TypeError(
        `TESSERA_CORS_ORIGINS must list exact origins like https://app.example.com (http(s)://host[:port], no path); got ${JSON.stringify(origin)}`,
      ),
    );
  });

  it('reads every variable it documents', () => {
    const config = loadConfig(
      {
        ...PRODUCTION,
        PORT: '8080',
        HOST: '127.0.0.1',
        TESSERA_LOG_LEVEL: 'warn',
        TESSERA_DATA_DIR: 'var/tessera',
        TESSERA_DATABASE_URL: 'postgres://u@db:5432/tessera',
        TESSERA_SEED_SCALE: 'none',
        TESSERA_MAX_BODY_BYTES: '2048',
        TESSERA_LIMIT_DEPTH: '8',
        TESSERA_LIMIT_ALIASES: '0',
        TESSERA_LIMIT_ROOT_FIELDS: '3',
        TESSERA_LIMIT_TOKENS: '900',
        TESSERA_LIMIT_DIRECTIVES_PER_FIELD: '2',
        TESSERA_LIMIT_SELECTIONS: '100',
        TESSERA_LIMIT_HEIGHT: '50',
        TESSERA_LIMIT_SUBGRAPH_RESPONSE_BYTES: '4096',
        TESSERA_SUBGRAPH_CRM_URL: 'https://crm:4001/graphql',
        TESSERA_SUBGRAPH_PORT_PSA: '5002',
      },
      '/x',
    );
    expect(config.persistedOperations).toEqual({
      file: undefined,
      required: { kind: 'some', clients: [], partners: true },
      apq: false,
      apqCacheSize: 1000,
    });
    expect(config).toMatchObject({
      env: 'production',
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'warn',
      seedScale: 'none',
      maxBodyBytes: 2048,
      limits: {
        depth: 8,
        aliases: 0,
        rootFields: 3,
        tokens: 900,
        directivesPerField: 2,
        selections: 100,
        height: 50,
        subgraphResponseBytes: 4096,
      },
      demandControl: { mode: 'enforce', max: 100_000, budgets: {}, defaultListSize: 10, report: false, executionTimeoutMs: 30_000 },
      rateLimits: { client: { count: 600, windowSeconds: 60 }, clients: {}, capabilities: {}, concurrency: 20, redis: undefined },
      telemetry: { otlpEndpoint: null, otlpHeaders: undefined, sampleRatio: 1 },
      store: { kind: 'postgres', url: 'postgres://u@db:5432/tessera' },
      subgraphUrls: { crm: 'https://crm:4001/graphql' },
      subgraphPorts: { psa: 5002 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the subgraph variables of any name: which systems exist is not its business', () => {
    const config = loadConfig({
      TESSERA_SUBGRAPH_BILLING_URL: 'https://billing.internal/graphql',
      TESSERA_SUBGRAPH_PORT_LEGAL_HOLD: '4100',
      TESSERA_SUBGRAPH_PSA_URL: ' ',
      TESSERA_SUBGRAPH_crm_URL: 'http://ignored/graphql',
    });
    expect([config.subgraphUrls, config.subgraphPorts]).toEqual([{ billing: 'https://billing.internal/graphql' }, { legal_hold: 4100 }]);
    expect([Object.isFrozen(config.subgraphUrls), Object.isFrozen(config.subgraphPorts)]).toEqual([true, true]);
  });

  it.each([
    [{ PORT: '0' }, 'PORT must be a positive integer; got "0"'],
    // Digits only, as every integer variable is read: no exponent, hex, sign or fraction.
    [{ TESSERA_MAX_BODY_BYTES: '1e3' }, 'TESSERA_MAX_BODY_BYTES must be a positive integer; got "1e3"'],
    [{ TESSERA_LIMIT_DEPTH: '0x10' }, 'TESSERA_LIMIT_DEPTH must be a positive integer; got "0x10"'],
    [{ TESSERA_LIMIT_ALIASES: '-1' }, 'TESSERA_LIMIT_ALIASES must be a non-negative integer; got "-1"'],
    [{ PORT: '70000' }, 'PORT must be a port number (1-65535); got 70000'],
    [{ TESSERA_ENV: 'prod' }, 'TESSERA_ENV must be one of development, production; got "prod"'],
    [{ TESSERA_SEED_SCALE: 'xl' }, 'TESSERA_SEED_SCALE must be one of s, m, l, none; got "xl"'],
    [{ TESSERA_DATABASE_URL: 'mysql://x' }, 'TESSERA_DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ TESSERA_SUBGRAPH_ERP_URL: 'erp:4003' }, 'TESSERA_SUBGRAPH_ERP_URL must be an http(s) URL'],
    [{ TESSERA_SUBGRAPH_BILLING_URL: 'billing:4009' }, 'TESSERA_SUBGRAPH_BILLING_URL must be an http(s) URL'],
    [{ TESSERA_SUBGRAPH_PORT_PSA: '70000' }, 'TESSERA_SUBGRAPH_PORT_PSA must be a port number (1-65535); got 70000'],
    [{ TESSERA_AUTHZ_MODE: 'warn' }, 'TESSERA_AUTHZ_MODE must be one of filter, reject; got "warn"'],
    [{ TESSERA_HEAP_GROWTH_PERCENT: '401' }, "TESSERA_HEAP_GROWTH_PERCENT must be at most 400 (0 leaves V8's own growth); got 401"],
    [{ TESSERA_HEAP_GROWTH_PERCENT: '1.5' }, 'TESSERA_HEAP_GROWTH_PERCENT must be a non-negative integer; got "1.5"'],
  ])('refuses %j with a TypeError naming the key', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new TypeError(message));
  });

  describe('auth', () => {
    const load = (env: Record<string, string>) => loadConfig(env, '/srv/tessera');

    it('reads a JWKS source with its algorithm and the token limits', () => {
      expect(
        load({
          TESSERA_AUTH_JWKS_URL: 'https://id.example.com/jwks',
          TESSERA_AUTH_ALGORITHM: 'ES256',
          TESSERA_AUTH_ISSUER: 'https://id.example.com/',
          TESSERA_AUTH_AUDIENCE: 'api',
          TESSERA_AUTH_CLOCK_SKEW_SECONDS: '0',
          TESSERA_AUTH_MAX_TOKEN_BYTES: '4096',
        }).auth,
      ).toEqual({
        source: { kind: 'jwks', url: 'https://id.example.com/jwks', algorithm: 'ES256' },
        issuer: 'https://id.example.com/',
        audience: 'api',
        clockSkewSeconds: 0,
        maxTokenBytes: 4096,
      });
    });

    it.each(['http://127.0.0.1:8080/jwks', 'http://localhost/jwks'])('allows plain http to the local machine: %s', (url) => {
      expect(load({ TESSERA_AUTH_JWKS_URL: url }).auth.source).toEqual({ kind: 'jwks', url, algorithm: 'RS256' });
    });

    it('reads a PEM source relative to the working directory, without reading the file', () => {
      expect(load({ TESSERA_AUTH_PUBLIC_KEY_FILE: 'keys/issuer.pem' }).auth.source).toEqual({
        kind: 'pem',
        file: path.resolve('/srv/tessera', 'keys/issuer.pem'),
        algorithm: 'RS256',
      });
    });

    it('puts the dev key files in TESSERA_DATA_DIR, even when the stores are in PostgreSQL', () => {
      const config = load({ TESSERA_DATA_DIR: '/var/lib/tessera', TESSERA_DATABASE_URL: 'postgres://db/tessera' });
      expect(config.dataDir).toBe(path.resolve('/var/lib/tessera'));
      expect(config.auth.source).toEqual({ kind: 'dev', keyFile: path.resolve('/var/lib/tessera', 'dev-signing-key') });
      expect(config.internalSecret).toEqual({ kind: 'dev', keyFile: path.resolve('/var/lib/tessera', 'dev-internal-key') });
    });

    it('keeps TESSERA_INTERNAL_SECRET out of every printed form of the config', () => {
      const secret = 'an-internal-secret-that-is-long-enough-0123';
      const config = load({ TESSERA_INTERNAL_SECRET: secret });
      if (config.internalSecret.kind !== 'value') throw new Error('expected the secret from the environment');
      expect(config.internalSecret.secret.reveal()).toBe(secret);
      expect(JSON.stringify(config)).not.toContain(secret);
      expect(inspect(config, { depth: null })).not.toContain(secret);
      expect(`${config.internalSecret.secret}`).toBe('[redacted]');
    });

    it('keeps TESSERA_METRICS_TOKEN out of every printed form of the config', () => {
      const config = loadConfig(PRODUCTION);
      expect(config.metricsToken?.reveal()).toBe(PRODUCTION.TESSERA_METRICS_TOKEN);
      expect(JSON.stringify(config)).not.toContain(PRODUCTION.TESSERA_METRICS_TOKEN);
      expect(inspect(config, { depth: null })).not.toContain(PRODUCTION.TESSERA_METRICS_TOKEN);
    });

    it('serves /metrics without a token in production only when TESSERA_METRICS=public says so', () => {
      const { TESSERA_METRICS_TOKEN: _, ...withoutToken } = PRODUCTION;
      expect(loadConfig({ ...withoutToken, TESSERA_METRICS: 'public' }).metricsToken).toBeUndefined();
      expect(() => loadConfig({ ...withoutToken, TESSERA_METRICS: 'open' })).toThrow(
        new TypeError('TESSERA_METRICS must be one of public; got "open"'),
      );
      expect(() => loadConfig({ ...PRODUCTION, TESSERA_METRICS: 'public' })).toThrow(
        new TypeError('TESSERA_METRICS=public and TESSERA_METRICS_TOKEN contradict each other: set one of them'),
      );
      expect(loadConfig({ TESSERA_METRICS_TOKEN: ' dev-token ' }).metricsToken?.reveal()).toBe('dev-token');
    });

    it('accepts production with every auth setting given', () => {
      expect(loadConfig(PRODUCTION).auth.source.kind).toBe('jwks');
      const { TESSERA_AUTH_JWKS_URL: _, ...withPem } = PRODUCTION;
      expect(loadConfig({ ...withPem, TESSERA_AUTH_PUBLIC_KEY_FILE: '/etc/tessera/issuer.pem' }).auth.source.kind).toBe('pem');
    });

    it.each([
      [
        'TESSERA_AUTH_JWKS_URL',
        'TESSERA_ENV=production refuses the development signing key: set TESSERA_AUTH_JWKS_URL or TESSERA_AUTH_PUBLIC_KEY_FILE',
      ],
      ['TESSERA_AUTH_ISSUER', 'TESSERA_AUTH_ISSUER is required when TESSERA_ENV=production'],
      ['TESSERA_AUTH_AUDIENCE', 'TESSERA_AUTH_AUDIENCE is required when TESSERA_ENV=production'],
      [
        'TESSERA_INTERNAL_SECRET',
        'TESSERA_INTERNAL_SECRET is required when TESSERA_ENV=production (at least 32 random characters, the same for the gateway and every subgraph)',
      ],
      [
        'TESSERA_METRICS_TOKEN',
        'TESSERA_METRICS_TOKEN is required when TESSERA_ENV=production (the bearer token /metrics requires), or TESSERA_METRICS=public to serve /metrics without one',
      ],
    ] as const)('refuses production without %s', (key, message) => {
      const env: Record<string, string> = { ...PRODUCTION };
      delete env[key];
      expect(() => loadConfig(env)).toThrow(new TypeError(message));
    });

    it.each([
      [
        { TESSERA_AUTH_JWKS_URL: 'http://id.example.com/jwks' },
        'TESSERA_AUTH_JWKS_URL must be an https URL (http is allowed only to 127.0.0.1 or localhost)',
      ],
      [
        { TESSERA_AUTH_JWKS_URL: 'ftp://localhost/jwks' },
        'TESSERA_AUTH_JWKS_URL must be an https URL (http is allowed only to 127.0.0.1 or localhost)',
      ],
      [{ TESSERA_AUTH_JWKS_URL: 'id.example.com/jwks' }, 'TESSERA_AUTH_JWKS_URL must be a URL'],
      [
        { TESSERA_AUTH_JWKS_URL: 'https://id.example.com/jwks', TESSERA_AUTH_PUBLIC_KEY_FILE: 'issuer.pem' },
        'TESSERA_AUTH_JWKS_URL and TESSERA_AUTH_PUBLIC_KEY_FILE are both set; set only one',
      ],
      [
        { TESSERA_AUTH_PUBLIC_KEY_FILE: 'issuer.pem', TESSERA_AUTH_ALGORITHM: 'HS256' },
        'TESSERA_AUTH_ALGORITHM must be one of RS256, ES256; got "HS256"',
      ],
      [
        { TESSERA_AUTH_PUBLIC_KEY_FILE: 'issuer.pem', TESSERA_AUTH_ALGORITHM: 'none' },
        'TESSERA_AUTH_ALGORITHM must be one of RS256, ES256; got "none"',
      ],
      [{ TESSERA_AUTH_ALGORITHM: 'RS256' }, 'TESSERA_AUTH_ALGORITHM needs TESSERA_AUTH_JWKS_URL or TESSERA_AUTH_PUBLIC_KEY_FILE'],
      [{ TESSERA_AUTH_CLOCK_SKEW_SECONDS: '301' }, 'TESSERA_AUTH_CLOCK_SKEW_SECONDS must be at most 300; got 301'],
      [{ TESSERA_AUTH_CLOCK_SKEW_SECONDS: '-1' }, 'TESSERA_AUTH_CLOCK_SKEW_SECONDS must be a non-negative integer; got "-1"'],
      [{ TESSERA_AUTH_MAX_TOKEN_BYTES: '0' }, 'TESSERA_AUTH_MAX_TOKEN_BYTES must be a positive integer; got "0"'],
      [{ TESSERA_INTERNAL_SECRET: 'short-secret' }, 'TESSERA_INTERNAL_SECRET must be at least 32 characters; got 12'],
    ])('refuses %j with a TypeError naming the key', (env, message) => {
      expect(() => load(env)).toThrow(new TypeError(message));
    });
  });

  it('reads the test PostgreSQL URL only when set', () => {
    expect(testPostgresUrl({})).toBeUndefined();
    expect(testPostgresUrl({ TESSERA_TEST_POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/test' })).toBe(
      'postgres://postgres@127.0.0.1:5432/test',
    );
    expect(() => testPostgresUrl({ TESSERA_TEST_POSTGRES_URL: 'nope' })).toThrow(TypeError);
  });
});
