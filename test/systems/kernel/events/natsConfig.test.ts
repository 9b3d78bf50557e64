/** `TESSERA_NATS_*` in the config (core/config/config.ts; docs/events.md#nats-transport). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, testNatsUrl } from '../../../../core/config/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, '/srv/tessera');

describe('NATS configuration', () => {
  it('is off (events in process) unless TESSERA_NATS_URL is set', () => {
    expect(load({}).nats).toBeUndefined();
  });

  it('takes one or more nats:// URLs, the stream prefix (default tessera) and a credentials file path', () => {
    expect(load({ TESSERA_NATS_URL: 'nats://127.0.0.1:4222' }).nats).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      streamPrefix: 'tessera',
      credsFile: undefined,
    });
    const config = load({
      TESSERA_NATS_URL: 'nats://n1:4222, tls://n2:4222',
      TESSERA_NATS_STREAM: 'acme-prod',
      TESSERA_NATS_CREDS_FILE: 'secrets/events.creds',
    });
    expect(config.nats).toEqual({
      servers: ['nats://n1:4222', 'tls://n2:4222'],
      streamPrefix: 'acme-prod',
      credsFile: path.resolve('/srv/tessera', 'secrets/events.creds'),
    });
    expect(Object.isFrozen(config.nats) && Object.isFrozen(config.nats?.servers)).toBe(true);
  });

  it('refuses a URL that is not nats://, one with credentials in it, a bad prefix, and settings without a URL', () => {
    expect(() => load({ TESSERA_NATS_URL: 'http://127.0.0.1:4222' })).toThrow('TESSERA_NATS_URL must be a nats:// URL');
    expect(() => load({ TESSERA_NATS_URL: 'nats://' })).toThrow('TESSERA_NATS_URL must be a nats:// URL');
    expect(() => load({ TESSERA_NATS_URL: 'nats://user:hunter2@127.0.0.1:4222' })).toThrow(
      'TESSERA_NATS_URL must not carry credentials; use TESSERA_NATS_CREDS_FILE',
    );
    expect(() => load({ TESSERA_NATS_URL: 'nats://a:4222', TESSERA_NATS_STREAM: 'a.b' })).toThrow('TESSERA_NATS_STREAM must be a letter');
    expect(() => load({ TESSERA_NATS_STREAM: 'x' })).toThrow('TESSERA_NATS_STREAM and TESSERA_NATS_CREDS_FILE need TESSERA_NATS_URL');
    expect(() => load({ TESSERA_NATS_CREDS_FILE: 'x.creds' })).toThrow('need TESSERA_NATS_URL');
  });

  it('reads the test server from TESSERA_TEST_NATS_URL', () => {
    expect(testNatsUrl({})).toBeUndefined();
    expect(testNatsUrl({ TESSERA_TEST_NATS_URL: ' nats://127.0.0.1:4222 ' })).toBe('nats://127.0.0.1:4222');
    expect(() => testNatsUrl({ TESSERA_TEST_NATS_URL: 'localhost:4222' })).toThrow('TESSERA_TEST_NATS_URL must be a nats:// URL');
  });
});
