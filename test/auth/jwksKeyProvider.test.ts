import { describe, expect, it } from 'vitest';
import { AuthError } from '../../auth/authError.ts';
import { createTokenVerifier } from '../../auth/verifyToken.ts';
import type { AsymmetricAlgorithm } from '../../core/config/keySource.ts';
import {
  AUDIENCE,
  claims,
  ecKeyPair,
  expectAuthError,
  ISSUER,
  jwksServer,
  manualClock,
  rsaKeyPair,
  signToken,
  toJwk,
} from './jwtFixtures.ts';

const JWKS_URL = 'https://id.example.test/.well-known/jwks.json';
const rsa1 = rsaKeyPair();
const rsa2 = rsaKeyPair();
const ec = ecKeyPair();

/** A JWKS-backed verifier on a manual clock, with a server whose key list the test can change. */
function setup(initialKeys: Record<string, unknown>[], algorithm: AsymmetricAlgorithm = 'RS256') {
  let keys = initialKeys;
  const server = jwksServer(() => ({ keys }));
  const clock = manualClock();
  const verifier = createTokenVerifier({
    source: { kind: 'jwks', url: JWKS_URL, algorithm },
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: 0,
    maxTokenBytes: 8192,
    fetch: server.fetch,
    now: clock.now,
  });
  // Tokens are checked at the clock's current time, so each token is issued "now".
  const token = (kid: string, key = rsa1.privateKey, alg: 'RS256' | 'ES256' = 'RS256') => {
    const nowS = Math.floor(clock.now() / 1000);
    return `Bearer ${signToken(claims({ iat: nowS, exp: nowS + 600 }), key, alg, { kid })}`;
  };
  return { server, clock, verifier, token, setKeys: (next: Record<string, unknown>[]) => (keys = next) };
}

describe('JWKS key source', () => {
  it('fetches the set once and then verifies from the cache', async () => {
    const { server, verifier, token } = setup([toJwk(rsa1.publicKey, 'k1')]);
    await expect(verifier.verify(token('k1'))).resolves.toMatchObject({ sub: 'alice' });
    await expect(verifier.verify(token('k1'))).resolves.toMatchObject({ sub: 'alice' });
    expect(server.fetches).toBe(1);
  });

  it('refreshes once for an unknown kid, and not again within 30 s', async () => {
    const { server, clock, verifier, token } = setup([toJwk(rsa1.publicKey, 'k1')]);
    await verifier.ready();
    expect(server.fetches).toBe(1);

    clock.advance(30_000);
    await expectAuthError(verifier.verify(token('unknown-1')), 'unknown-kid');
    expect(server.fetches).toBe(2);

    clock.advance(29_999);
    await expectAuthError(verifier.verify(token('unknown-2')), 'unknown-kid');
    expect(server.fetches).toBe(2);

    clock.advance(1);
    await expectAuthError(verifier.verify(token('unknown-3')), 'unknown-kid');
    expect(server.fetches).toBe(3);
  });

  it('shares one fetch among concurrent requests naming unknown kids', async () => {
    const { server, clock, verifier, token } = setup([toJwk(rsa1.publicKey, 'k1')]);
    await verifier.ready();
    clock.advance(60_000);
    const outcomes = await Promise.allSettled([verifier.verify(token('a')), verifier.verify(token('b')), verifier.verify(token('k1'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(server.fetches).toBe(2);
  });

  it('picks up a rotated key on refresh and drops a withdrawn one', async () => {
    const { server, clock, verifier, token, setKeys } = setup([toJwk(rsa1.publicKey, 'k1')]);
    await expect(verifier.verify(token('k1'))).resolves.toMatchObject({ sub: 'alice' });

    // The provider starts signing with k2 and withdraws k1.
    setKeys([toJwk(rsa2.publicKey, 'k2')]);
    clock.advance(31_000);
    await expect(verifier.verify(token('k2', rsa2.privateKey))).resolves.toMatchObject({ sub: 'alice' });
    expect(server.fetches).toBe(2);

    await expectAuthError(verifier.verify(token('k1')), 'unknown-kid');
    expect(server.fetches).toBe(2);
  });

  it('checks a remembered token again once its kid names another key (docs/authentication.md#verified-tokens)', async () => {
    const { clock, verifier, token, setKeys } = setup([toJwk(rsa1.publicKey, 'k1')]);
    const remembered = token('k1');
    await expect(verifier.verify(remembered)).resolves.toMatchObject({ sub: 'alice' });
    // The provider puts another key under the same kid; a request naming an unknown kid makes the gateway refresh.
    setKeys([toJwk(rsa2.publicKey, 'k1')]);
    clock.advance(31_000);
    await expectAuthError(verifier.verify(token('k9')), 'unknown-kid');
    await expectAuthError(verifier.verify(remembered), 'bad-signature');
  });

  it('does not let a token choose a key of another kid', async () => {
    const { verifier, token } = setup([toJwk(rsa1.publicKey, 'k1'), toJwk(rsa2.publicKey, 'k2')]);
    await expectAuthError(verifier.verify(token('k2', rsa1.privateKey)), 'bad-signature');
  });

  it('requires a kid', async () => {
    const { server, verifier } = setup([toJwk(rsa1.publicKey, 'k1')]);
    const noKid = `Bearer ${signToken(claims(), rsa1.privateKey, 'RS256')}`;
    const error = await expectAuthError(verifier.verify(noKid), 'unknown-kid');
    expect(error.message).toBe('the token names no key id (kid), which a JWKS key source requires');
    expect(server.fetches).toBe(0);
  });

  it('verifies ES256 with the EC P-256 keys of the set only', async () => {
    const { verifier, token } = setup([toJwk(rsa1.publicKey, 'rsa'), toJwk(ec.publicKey, 'ec')], 'ES256');
    await expect(verifier.verify(token('ec', ec.privateKey, 'ES256'))).resolves.toMatchObject({ sub: 'alice' });
    await expectAuthError(verifier.verify(token('rsa', rsa1.privateKey, 'RS256')), 'unsupported-algorithm');
    // The RSA key was not kept for an ES256 source, whatever the token claims.
    await expectAuthError(verifier.verify(token('rsa', ec.privateKey, 'ES256')), 'unknown-kid');
  });

  it('refuses an ES256 signature of the wrong length as a bad signature', async () => {
    const { verifier, token } = setup([toJwk(ec.publicKey, 'ec')], 'ES256');
    const [header, payload] = token('ec', ec.privateKey, 'ES256').split('.');
    await expectAuthError(verifier.verify(`${header}.${payload}.${Buffer.from('short').toString('base64url')}`), 'bad-signature');
  });

  it.each([
    ['encryption keys', { use: 'enc' }],
    ['keys for another algorithm', { alg: 'RS512' }],
  ])('ignores %s', async (_, extra) => {
    const { verifier, token } = setup([toJwk(rsa1.publicKey, 'k1', extra)]);
    await expectAuthError(verifier.verify(token('k1')), 'unknown-kid');
  });

  it('skips entries it cannot read and keeps the others', async () => {
    const { verifier, token } = setup([{ kty: 'RSA', kid: 'broken', n: 'AQAB' }, 'not a key', toJwk(rsa1.publicKey, 'k1')] as Record<
      string,
      unknown
    >[]);
    await expect(verifier.verify(token('k1'))).resolves.toMatchObject({ sub: 'alice' });
  });

  it('reports an unreachable JWKS as an internal error, rate-limits retries, and recovers', async () => {
    const { server, clock, verifier, token } = setup([toJwk(rsa1.publicKey, 'k1')]);
    server.respond = () => new Response('down', { status: 503 });
    const outage = new Error(`the JWKS endpoint ${JWKS_URL} answered HTTP 503`);

    await expect(verifier.verify(token('k1'))).rejects.toThrow(outage);
    // Within the window the same failure is reported, not blamed on the token as "unknown kid".
    clock.advance(10_000);
    const second = await verifier.verify(token('k1')).catch((error: unknown) => error);
    expect(second).not.toBeInstanceOf(AuthError);
    expect(second).toEqual(outage);
    expect(server.fetches).toBe(1);

    server.respond = () => Response.json({ keys: [toJwk(rsa1.publicKey, 'k1')] });
    clock.advance(20_000);
    await expect(verifier.verify(token('k1'))).resolves.toMatchObject({ sub: 'alice' });
    expect(server.fetches).toBe(2);
  });

  it.each([
    ['a network failure', () => Promise.reject(new TypeError('fetch failed')), `could not fetch the JWKS from ${JWKS_URL}`],
    ['a non-JSON body', async () => new Response('<html>'), `the JWKS endpoint ${JWKS_URL} did not answer JSON`],
    [
      'JSON that is not a key set',
      async () => Response.json({ keys: 'none' }),
      `the JWKS endpoint ${JWKS_URL} did not answer a JSON Web Key Set`,
    ],
  ])('reports %s at ready()', async (_, respond, message) => {
    const clock = manualClock();
    const verifier = createTokenVerifier({
      source: { kind: 'jwks', url: JWKS_URL, algorithm: 'RS256' },
      issuer: ISSUER,
      audience: AUDIENCE,
      clockSkewSeconds: 0,
      maxTokenBytes: 8192,
      fetch: respond,
      now: clock.now,
    });
    await expect(verifier.ready()).rejects.toThrow(new Error(message));
  });
});
