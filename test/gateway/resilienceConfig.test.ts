/**
 * The subgraph-call settings (docs/resilience.md#configuration): defaults per environment, the
 * per-subgraph timeouts, the breaker's format, and a TypeError naming the variable for a bad value.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { readSubgraphResilienceConfig, subgraphTimeoutMs } from '../../core/config/subgraphResilience.ts';
import { unknownVariables } from '../../core/config/unknownVariables.ts';

describe('subgraph resilience settings', () => {
  it('defaults: 64 connections, 10 s, 5 failures then 30 s open, 2 retries, messages passed in development and masked in production', () => {
    const defaults = {
      connections: 64,
      timeoutMs: 10_000,
      timeouts: {},
      breaker: { failures: 5, openMs: 30_000 },
      retries: 2,
      retryBackoffMs: 50,
    };
    expect(readSubgraphResilienceConfig({}, 'development')).toEqual({ ...defaults, errors: 'pass' });
    expect(readSubgraphResilienceConfig({}, 'production')).toEqual({ ...defaults, errors: 'mask' });
    expect(readSubgraphResilienceConfig({ TESSERA_SUBGRAPH_ERRORS: 'pass' }, 'production').errors).toBe('pass');
  });

  it('reads every variable, the per-subgraph timeouts by lower-case name', () => {
    const config = readSubgraphResilienceConfig(
      {
        TESSERA_SUBGRAPH_CONNECTIONS: '8',
        TESSERA_SUBGRAPH_TIMEOUT_MS: '2500',
        TESSERA_SUBGRAPH_ERP_TIMEOUT_MS: '9000',
        TESSERA_SUBGRAPH_BILLING_LEDGER_TIMEOUT_MS: '400',
        TESSERA_SUBGRAPH_BREAKER: '3 failures, 250ms open',
        TESSERA_SUBGRAPH_RETRIES: '0',
        TESSERA_SUBGRAPH_RETRY_BACKOFF_MS: '0',
        TESSERA_SUBGRAPH_ERRORS: 'mask',
        // Other families of the same prefix are not timeouts.
        TESSERA_SUBGRAPH_CRM_URL: 'http://crm:4001/graphql',
        TESSERA_SUBGRAPH_PORT_PSA: '5002',
      },
      'development',
    );
    expect(config).toEqual({
      connections: 8,
      timeoutMs: 2500,
      timeouts: { erp: 9000, billing_ledger: 400 },
      breaker: { failures: 3, openMs: 250 },
      retries: 0,
      retryBackoffMs: 0,
      errors: 'mask',
    });
    expect([subgraphTimeoutMs(config, 'erp'), subgraphTimeoutMs(config, 'crm')]).toEqual([9000, 2500]);
  });

  it.each([
    ['1 failure, 2m open', { failures: 1, openMs: 120_000 }],
    ['10 failures,30s open', { failures: 10, openMs: 30_000 }],
    ['off', null],
  ])('reads the breaker %j', (raw, breaker) => {
    expect(readSubgraphResilienceConfig({ TESSERA_SUBGRAPH_BREAKER: raw }, 'development').breaker).toEqual(breaker);
  });

  it.each([
    [{ TESSERA_SUBGRAPH_BREAKER: '5' }, /^TESSERA_SUBGRAPH_BREAKER must be "<n> failures, <duration> open"/],
    [{ TESSERA_SUBGRAPH_BREAKER: '0 failures, 30s open' }, /^TESSERA_SUBGRAPH_BREAKER must be/],
    [{ TESSERA_SUBGRAPH_BREAKER: '5 failures, 0s open' }, /^TESSERA_SUBGRAPH_BREAKER must be/],
    [{ TESSERA_SUBGRAPH_CONNECTIONS: '0' }, /^TESSERA_SUBGRAPH_CONNECTIONS must be a positive integer; got "0"$/],
    [{ TESSERA_SUBGRAPH_TIMEOUT_MS: '10s' }, /^TESSERA_SUBGRAPH_TIMEOUT_MS must be a positive integer; got "10s"$/],
    [{ TESSERA_SUBGRAPH_ERP_TIMEOUT_MS: '-1' }, /^TESSERA_SUBGRAPH_ERP_TIMEOUT_MS must be a positive integer; got "-1"$/],
    [{ TESSERA_SUBGRAPH_RETRIES: '1.5' }, /^TESSERA_SUBGRAPH_RETRIES must be a non-negative integer; got "1.5"$/],
    [{ TESSERA_SUBGRAPH_ERRORS: 'hide' }, /^TESSERA_SUBGRAPH_ERRORS must be one of mask, pass; got "hide"$/],
  ])('refuses %j with a TypeError naming the variable', (env, message) => {
    expect(() => readSubgraphResilienceConfig(env, 'development')).toThrow(TypeError);
    expect(() => readSubgraphResilienceConfig(env, 'development')).toThrow(message);
  });

  it('is part of the config, and its variables are known to the unknown-variable check', () => {
    const env = {
      TESSERA_SUBGRAPH_CONNECTIONS: '16',
      TESSERA_SUBGRAPH_TIMEOUT_MS: '3000',
      TESSERA_SUBGRAPH_ERP_TIMEOUT_MS: '1000',
      TESSERA_SUBGRAPH_BREAKER: 'off',
      TESSERA_SUBGRAPH_RETRIES: '1',
      TESSERA_SUBGRAPH_RETRY_BACKOFF_MS: '10',
      TESSERA_SUBGRAPH_ERRORS: 'mask',
    };
    expect(loadConfig(env).subgraphResilience).toEqual(readSubgraphResilienceConfig(env, 'development'));
    expect(
      unknownVariables({ ...env, TESSERA_SUBGRAPH_BILLING_TIMEOUT_MS: '5', TESSERA_SUBGRAPH_TIMEOUT: '5' }).map((v) => v.name),
    ).toEqual(['TESSERA_SUBGRAPH_TIMEOUT']);
  });
});
