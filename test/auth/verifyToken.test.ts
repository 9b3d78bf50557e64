import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../auth/authError.ts';
import { readOrCreateKeyFile } from '../../auth/keys/devKeyFile.ts';
import type { KeySource } from '../../core/config/keySource.ts';
import { verifyJwt } from '../../auth/verifyJwt.ts';
import { createTokenVerifier, type TokenVerifierOptions } from '../../auth/verifyToken.ts';
import {
  AUDIENCE,
  base64url,
  claims,
  ecKeyPair,
  expectAuthError,
  hmacToken,
  manualClock,
  ISSUER,
  NOW_MS,
  NOW_S,
  rs256Token,
  rsaKeyPair,
  signToken,
  tempDir,
  unsignedToken,
} from './jwtFixtures.ts';

const temp = tempDir();
const devKeyFile = path.join(temp.dir, 'dev-signing-key');
let devSecret = '';
beforeAll(async () => {
  devSecret = await readOrCreateKeyFile(devKeyFile);
});
afterAll(() => temp.remove());

function verifierFor(source: KeySource, overrides: Partial<TokenVerifierOptions> = {}) {
  return createTokenVerifier({
    source,
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: 30,
    maxTokenBytes: 8192,
    now: () => NOW_MS,
    ...overrides,
  });
}

const devVerifier = () => verifierFor({ kind: 'dev', keyFile: devKeyFile });
const devToken = (overrides: Record<string, unknown> = {}) => signToken(claims(overrides), devSecret, 'HS256');
const bearer = (token: string) => `Bearer ${token}`;

describe('createTokenVerifier: the bearer header', () => {
  it('answers null (anonymous) when there is no Authorization header', async () => {
    await expect(devVerifier().verify(undefined)).resolves.toBeNull();
  });

  it('returns the principal of a valid token', async () => {
    const token = devToken({ scope: 'crm:read psa:read', legal_entities: ['US01', 'UK01'], client_id: 'my-app', roles: ['auditor'] });
    await expect(devVerifier().verify(bearer(token))).resolves.toEqual({
      sub: 'alice',
      scopes: new Set(['crm:read', 'psa:read']),
      clientId: 'my-app',
      legalEntities: ['US01', 'UK01'],
      partnerAccounts: null,
      roles: ['auditor'],
    });
  });

  it('reads the scheme case-insensitively (RFC 6750 §2.1)', async () => {
    await expect(devVerifier().verify(`bearer  ${devToken()}`)).resolves.toMatchObject({ sub: 'alice' });
  });

  it.each([
    ['an empty header', ''],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a scheme without credentials', 'Bearer'],
    ['two credentials', 'Bearer a.b.c d.e.f'],
    ['a token with two parts', 'Bearer abc.def'],
    ['a token with four parts', 'Bearer a.b.c.d'],
    ['a non-base64url token', 'Bearer ab!c.def.ghi'],
    ['a header that is not JSON', `Bearer ${base64url('not json')}.${base64url({ sub: 'alice' })}.sig`],
    ['a header without alg', `Bearer ${base64url({ typ: 'JWT' })}.${base64url({ sub: 'alice' })}.sig`],
    ['a header with a numeric kid', `Bearer ${base64url({ alg: 'HS256', kid: 7 })}.${base64url({ sub: 'alice' })}.sig`],
    ['a header with a numeric typ', `Bearer ${base64url({ alg: 'HS256', typ: 1 })}.${base64url({ sub: 'alice' })}.sig`],
    ['a payload that is a JSON array', `Bearer ${base64url({ alg: 'HS256' })}.${base64url([1])}.sig`],
  ])('refuses %s as malformed', async (_, header) => {
    await expectAuthError(devVerifier().verify(header), 'malformed');
  });

  it('refuses a token over maxTokenBytes before decoding it', async () => {
    // Not even a JWT: had it been decoded first, the reason would be "malformed".
    const oversized = 'x'.repeat(101);
    await expectAuthError(devVerifier().verify(bearer(oversized)), 'malformed');
    const error = await expectAuthError(
      verifierFor({ kind: 'dev', keyFile: devKeyFile }, { maxTokenBytes: 100 }).verify(bearer(oversized)),
      'too-large',
    );
    expect(error.message).toBe('the token is longer than 100 bytes');
  });

  it('accepts a token of exactly maxTokenBytes', async () => {
    const token = devToken();
    const verifier = verifierFor({ kind: 'dev', keyFile: devKeyFile }, { maxTokenBytes: Buffer.byteLength(token) });
    await expect(verifier.verify(bearer(token))).resolves.toMatchObject({ sub: 'alice' });
  });
});

describe('createTokenVerifier: token validity', () => {
  it.each([
    ['expired', 'exp 31 s ago (skew 30 s)', { exp: NOW_S - 31 }],
    ['not-yet-valid', 'nbf in 31 s (skew 30 s)', { nbf: NOW_S + 31 }],
    ['wrong-issuer', 'another iss', { iss: 'https://evil.example.test/' }],
    ['wrong-issuer', 'no iss', { iss: undefined }],
    ['wrong-audience', 'another aud', { aud: 'someone-else' }],
    ['wrong-audience', 'no aud', { aud: undefined }],
    ['malformed', 'no exp', { exp: undefined }],
    ['malformed', 'no sub', { sub: undefined }],
    ['malformed', 'scope as an array', { scope: ['crm:read'] }],
  ] as const)('refuses a token as %s: %s', async (reason, _, overrides) => {
    const token = devToken(overrides);
    await expectAuthError(devVerifier().verify(bearer(token)), reason, token);
  });

  it('says what is wrong in fixed words', async () => {
    await expect(devVerifier().verify(bearer(devToken({ exp: NOW_S - 31 })))).rejects.toEqual(
      new AuthError('expired', 'the token has expired'),
    );
    await expect(devVerifier().verify(bearer(devToken({ exp: undefined })))).rejects.toEqual(
      new AuthError('malformed', 'the token has no expiry (exp)'),
    );
    await expect(devVerifier().verify(bearer(devToken({ aud: 'x' })))).rejects.toEqual(
      new AuthError('wrong-audience', 'the token is not meant for this gateway (aud)'),
    );
  });

  it('tolerates clocks up to clockSkewSeconds apart', async () => {
    await expect(devVerifier().verify(bearer(devToken({ exp: NOW_S - 29 })))).resolves.toMatchObject({ sub: 'alice' });
    await expect(devVerifier().verify(bearer(devToken({ nbf: NOW_S + 29 })))).resolves.toMatchObject({ sub: 'alice' });
  });

  it('accepts a token whose aud array contains the audience', async () => {
    await expect(devVerifier().verify(bearer(devToken({ aud: ['other', AUDIENCE] })))).resolves.toMatchObject({ sub: 'alice' });
  });

  it('refuses a token signed with another secret as bad-signature', async () => {
    const token = signToken(claims(), 'another-secret-of-at-least-thirty-two-characters', 'HS256');
    await expectAuthError(devVerifier().verify(bearer(token)), 'bad-signature', token);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = devToken().split('.');
    const forged = `${header}.${base64url(claims({ legal_entities: '*' }))}.${signature}`;
    await expectAuthError(devVerifier().verify(bearer(forged)), 'bad-signature', forged);
  });

  it('refuses a token whose exp is not a number as malformed', async () => {
    const token = hmacToken(claims({ exp: String(NOW_S + 3600) }), devSecret);
    await expectAuthError(devVerifier().verify(bearer(token)), 'malformed', token);
  });
});

describe('createTokenVerifier: the algorithm is the key source’s, never the token’s', () => {
  const rsa = rsaKeyPair();
  const pem = tempDir();
  const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pemFile = path.join(pem.dir, 'issuer.pem');
  fs.writeFileSync(pemFile, publicPem);
  afterAll(() => pem.remove());
  const rs256 = () => verifierFor({ kind: 'pem', file: pemFile, algorithm: 'RS256' });

  it('holds a remembered token to its exp and nbf at every request (docs/authentication.md#verified-tokens)', async () => {
    const clock = manualClock();
    const verifier = verifierFor({ kind: 'dev', keyFile: devKeyFile }, { now: clock.now });
    const expiring = bearer(devToken({ exp: NOW_S + 60 }));
    await expect(verifier.verify(expiring)).resolves.toMatchObject({ sub: 'alice' });
    clock.advance(89_000);
    await expect(verifier.verify(expiring)).resolves.toMatchObject({ sub: 'alice' });
    clock.advance(1_000);
    await expectAuthError(verifier.verify(expiring), 'expired');
    const early = bearer(devToken({ nbf: NOW_S + 200, exp: NOW_S + 3600 }));
    await expectAuthError(verifier.verify(early), 'not-yet-valid');
    clock.advance(80_000);
    await expect(verifier.verify(early)).resolves.toMatchObject({ sub: 'alice' });
  });

  it('verifies an RS256 token against the PEM public key', async () => {
    await expect(rs256().verify(bearer(signToken(claims(), rsa.privateKey, 'RS256')))).resolves.toMatchObject({ sub: 'alice' });
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const token = unsignedToken(claims());
    await expectAuthError(rs256().verify(bearer(token)), 'unsupported-algorithm', token);
    await expectAuthError(devVerifier().verify(bearer(token)), 'unsupported-algorithm', token);
  });

  it('refuses an unsigned token that claims a supported alg but has no signature', async () => {
    const [header, payload] = signToken(claims(), rsa.privateKey, 'RS256').split('.');
    await expectAuthError(rs256().verify(bearer(`${header}.${payload}.`)), 'bad-signature');
  });

  it('refuses HS256 signed with the RS256 public key as the HMAC secret (algorithm confusion)', async () => {
    const token = hmacToken(claims(), publicPem);
    await expectAuthError(rs256().verify(bearer(token)), 'unsupported-algorithm', token);
  });

  it('pins the algorithm inside jsonwebtoken too, should the header check ever be bypassed', () => {
    const expected = { algorithm: 'RS256', issuer: ISSUER, audience: AUDIENCE, clockToleranceSeconds: 0, nowSeconds: NOW_S } as const;
    const refused = new AuthError('unsupported-algorithm', 'the token is signed with an algorithm this key source does not allow');
    expect(() => verifyJwt(hmacToken(claims(), publicPem), rsa.publicKey, expected)).toThrow(refused);
    expect(() => verifyJwt(unsignedToken(claims()), rsa.publicKey, expected)).toThrow(refused);
  });

  it('refuses an RS256 token where the dev HS256 key is configured', async () => {
    const token = signToken(claims(), rsa.privateKey, 'RS256');
    await expectAuthError(devVerifier().verify(bearer(token)), 'unsupported-algorithm', token);
  });

  it('refuses a correctly signed token whose payload is not JSON', async () => {
    const token = rs256Token('not json', rsa.privateKey);
    await expectAuthError(rs256().verify(bearer(token)), 'malformed', token);
  });

  it('reports a missing PEM file as an internal error at ready(), not as an AuthError', async () => {
    const verifier = verifierFor({ kind: 'pem', file: path.join(pem.dir, 'missing.pem'), algorithm: 'RS256' });
    await expect(verifier.ready()).rejects.toThrow(/ENOENT/);
  });

  it('refuses a PEM file holding a private key', async () => {
    const file = path.join(pem.dir, 'private.pem');
    fs.writeFileSync(file, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await expect(verifierFor({ kind: 'pem', file, algorithm: 'RS256' }).ready()).rejects.toThrow(
      new Error(`${file} holds a private key; give the gateway only the issuer's public key`),
    );
  });

  it('refuses a PEM key that cannot verify the configured algorithm', async () => {
    await expect(verifierFor({ kind: 'pem', file: pemFile, algorithm: 'ES256' }).ready()).rejects.toThrow(
      new Error(`the key in ${pemFile} cannot verify ES256 (rsa); check TESSERA_AUTH_ALGORITHM`),
    );
    const p384 = path.join(pem.dir, 'p384.pem');
    fs.writeFileSync(p384, ecKeyPair('secp384r1').publicKey.export({ type: 'spki', format: 'pem' }));
    await expect(verifierFor({ kind: 'pem', file: p384, algorithm: 'ES256' }).ready()).rejects.toThrow(
      new Error(`the key in ${p384} cannot verify ES256 (ec secp384r1); check TESSERA_AUTH_ALGORITHM`),
    );
  });
});

describe('createTokenVerifier: the dev key source', () => {
  it('creates the key file on first use when it does not exist yet', async () => {
    const dir = tempDir();
    try {
      const keyFile = path.join(dir.dir, 'nested', 'dev-signing-key');
      await createTokenVerifier({
        source: { kind: 'dev', keyFile },
        issuer: ISSUER,
        audience: AUDIENCE,
        clockSkewSeconds: 0,
        maxTokenBytes: 8192,
      }).ready();
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    } finally {
      dir.remove();
    }
  });

  it('uses the real clock when none is injected', async () => {
    const verifier = createTokenVerifier({
      source: { kind: 'dev', keyFile: devKeyFile },
      issuer: ISSUER,
      audience: AUDIENCE,
      clockSkewSeconds: 0,
      maxTokenBytes: 8192,
    });
    // NOW_MS is in the past: a token valid then has expired by now.
    await expectAuthError(verifier.verify(bearer(devToken())), 'expired');
  });
});
