/**
 * The destinations the gateway calls (issue 11, production defaults): `https://` in production
 * unless `TESSERA_ALLOW_HTTP_SUBGRAPHS=on`; a bind address or an empty host never.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../core/config/config.ts';
import { PRODUCTION_ENV as PRODUCTION } from './harness/productionEnv.ts';

const httpRefused = (key: string, url: string) =>
  new TypeError(
    `${key} must be an https:// URL when TESSERA_ENV=production (got ${JSON.stringify(url)}); ` +
      'set TESSERA_ALLOW_HTTP_SUBGRAPHS=on only where the network itself is protected (mTLS at a sidecar)',
  );

describe('subgraph and registry URLs in production', () => {
  it('accepts https', () => {
    const config = loadConfig({
      ...PRODUCTION,
      TESSERA_SUBGRAPH_CRM_URL: 'https://crm.internal:8443/graphql',
      TESSERA_REGISTRY_URL: 'https://registry.internal/',
    });
    expect([config.subgraphUrls, config.registry.url]).toEqual([{ crm: 'https://crm.internal:8443/graphql' }, 'https://registry.internal']);
  });

  it.each([
    ['TESSERA_SUBGRAPH_CRM_URL', 'http://crm.internal:4001/graphql'],
    ['TESSERA_SUBGRAPH_PSA_URL', 'http://127.0.0.1:4002/graphql'],
    ['TESSERA_REGISTRY_URL', 'http://registry.internal:4005'],
  ])('refuses %s=%s, naming the variable and the opt-out', (key, url) => {
    expect(() => loadConfig({ ...PRODUCTION, [key]: url })).toThrow(httpRefused(key, url));
  });

  it('accepts http with TESSERA_ALLOW_HTTP_SUBGRAPHS=on, and only with on or off', () => {
    const config = loadConfig({
      ...PRODUCTION,
      TESSERA_ALLOW_HTTP_SUBGRAPHS: 'on',
      TESSERA_SUBGRAPH_CRM_URL: 'http://crm.internal:4001/graphql',
      TESSERA_REGISTRY_URL: 'http://registry.internal:4005',
    });
    expect([config.subgraphUrls, config.registry.url]).toEqual([
      { crm: 'http://crm.internal:4001/graphql' },
      'http://registry.internal:4005',
    ]);
    expect(() =>
      loadConfig({ ...PRODUCTION, TESSERA_ALLOW_HTTP_SUBGRAPHS: 'off', TESSERA_SUBGRAPH_CRM_URL: 'http://crm/graphql' }),
    ).toThrow(httpRefused('TESSERA_SUBGRAPH_CRM_URL', 'http://crm/graphql'));
    expect(() => loadConfig({ ...PRODUCTION, TESSERA_ALLOW_HTTP_SUBGRAPHS: 'yes' })).toThrow(
      new TypeError('TESSERA_ALLOW_HTTP_SUBGRAPHS must be one of on, off; got "yes"'),
    );
  });

  it('leaves http alone in development', () => {
    expect(loadConfig({ TESSERA_SUBGRAPH_CRM_URL: 'http://localhost:4001/graphql' }).subgraphUrls).toEqual({
      crm: 'http://localhost:4001/graphql',
    });
  });
});

describe('a bind address or an empty host, in every environment', () => {
  it.each([
    ['http://0.0.0.0:4001/graphql', '0.0.0.0'],
    ['https://0.0.0.0/graphql', '0.0.0.0'],
    ['http://0:4001/graphql', '0.0.0.0'],
    ['http://[::]:4001/graphql', '[::]'],
    ['http://[0:0:0:0:0:0:0:0]:4001/graphql', '[::]'],
  ])('refuses %s (%s)', (url, host) => {
    const message = `names ${host}, an address to listen on, not one to call: use the host name or address of the service (${JSON.stringify(url)})`;
    for (const env of [{}, { ...PRODUCTION, TESSERA_ALLOW_HTTP_SUBGRAPHS: 'on' }]) {
      expect(() => loadConfig({ ...env, TESSERA_SUBGRAPH_ERP_URL: url })).toThrow(new TypeError(`TESSERA_SUBGRAPH_ERP_URL ${message}`));
      expect(() => loadConfig({ ...env, TESSERA_REGISTRY_URL: url })).toThrow(new TypeError(`TESSERA_REGISTRY_URL ${message}`));
    }
  });

  it.each(['http:///graphql', 'http://:4001/graphql', 'https://user@:4001/graphql'])('refuses the empty host of %s', (url) => {
    expect(() => loadConfig({ TESSERA_SUBGRAPH_ERP_URL: url })).toThrow(
      new TypeError(`TESSERA_SUBGRAPH_ERP_URL has no host: ${JSON.stringify(url)} (expected https://host[:port]/path)`),
    );
  });

  it('still refuses what is no http(s) URL', () => {
    expect(() => loadConfig({ TESSERA_SUBGRAPH_ERP_URL: 'ftp://erp/graphql' })).toThrow(
      new TypeError('TESSERA_SUBGRAPH_ERP_URL must be an http(s) URL'),
    );
    expect(() => loadConfig({ TESSERA_SUBGRAPH_ERP_URL: 'http://erp host/graphql' })).toThrow(
      new TypeError('TESSERA_SUBGRAPH_ERP_URL must be an http(s) URL'),
    );
  });
});
