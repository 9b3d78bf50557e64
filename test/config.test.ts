import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, testPostgresUrl } from '../gateway/config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded mode on a laptop', () => {
    expect(loadConfig({}, '/srv/tessera')).toEqual({
      env: 'development',
      host: '0.0.0.0',
      port: 4000,
      logLevel: 'info',
      store: { kind: 'sqlite', dataDir: path.resolve('/srv/tessera', 'data') },
      seedScale: 's',
      maxBodyBytes: 1024 * 1024,
      subgraphUrls: {},
      subgraphPorts: { crm: 4001, psa: 4002, erp: 4003 },
    });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig(
      {
        PORT: '8080', HOST: '127.0.0.1', TESSERA_ENV: 'production', TESSERA_LOG_LEVEL: 'warn',
        TESSERA_DATABASE_URL: 'postgres://u@db:5432/tessera', TESSERA_SEED_SCALE: 'none', TESSERA_MAX_BODY_BYTES: '2048',
        TESSERA_SUBGRAPH_CRM_URL: 'http://crm:4001/graphql', TESSERA_SUBGRAPH_PORT_PSA: '5002',
      },
      '/x',
    );
    expect(config).toMatchObject({
      env: 'production', host: '127.0.0.1', port: 8080, logLevel: 'warn', seedScale: 'none', maxBodyBytes: 2048,
      store: { kind: 'postgres', url: 'postgres://u@db:5432/tessera' },
      subgraphUrls: { crm: 'http://crm:4001/graphql' },
      subgraphPorts: { crm: 4001, psa: 5002, erp: 4003 },
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ PORT: '0' }, 'PORT must be a positive integer; got "0"'],
    [{ PORT: '70000' }, 'PORT must be a port number (1-65535); got 70000'],
    [{ TESSERA_ENV: 'prod' }, 'TESSERA_ENV must be one of development, production; got "prod"'],
    [{ TESSERA_SEED_SCALE: 'xl' }, 'TESSERA_SEED_SCALE must be one of s, m, l, none; got "xl"'],
    [{ TESSERA_DATABASE_URL: 'mysql://x' }, 'TESSERA_DATABASE_URL must be a postgres:// or postgresql:// URL'],
    [{ TESSERA_SUBGRAPH_ERP_URL: 'erp:4003' }, 'TESSERA_SUBGRAPH_ERP_URL must be an http(s) URL'],
  ])('refuses %j with a TypeError naming the key', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new TypeError(message));
  });

  it('reads the test PostgreSQL URL only when set', () => {
    expect(testPostgresUrl({})).toBeUndefined();
    expect(testPostgresUrl({ TESSERA_TEST_POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/test' })).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(() => testPostgresUrl({ TESSERA_TEST_POSTGRES_URL: 'nope' })).toThrow(TypeError);
  });
});
