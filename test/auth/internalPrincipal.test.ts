import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../auth/authError.ts';
import {
  createInternalPrincipalVerifier,
  INTERNAL_PRINCIPAL_HEADER,
  signInternalPrincipal,
  verifyInternalPrincipal,
} from '../../auth/internalPrincipal.ts';
import { loadInternalSecret } from '../../auth/loadInternalSecret.ts';
import { principalFromClaims } from '../../auth/principal.ts';
import { Secret } from '../../core/config/secret.ts';
import { base64url, hmacToken, NOW_MS, NOW_S, tempDir, unsignedToken } from './jwtFixtures.ts';

const SECRET = 'internal-secret-0123456789abcdef-0123456789';
const principal = principalFromClaims({
  sub: 'partner-7',
  scope: 'crm:read',
  client_id: 'portal',
  legal_entities: ['US01'],
  partner_accounts: ['acc_1'],
  roles: ['partner'],
});
const at = (ms: number) => ({ now: () => ms });
const sign = (options: { ttlSeconds?: number } = {}) =>
  signInternalPrincipal(principal, SECRET, { requestId: 'req-1', ...at(NOW_MS), ...options });
const verifyOutcome = (token: string, secret = SECRET, nowMs = NOW_MS) => {
  try {
    return verifyInternalPrincipal(token, secret, at(nowMs));
  } catch (error) {
    return error;
  }
};

describe('internal principal', () => {
  it('is sent in the x-tessera-principal header', () => {
    expect(INTERNAL_PRINCIPAL_HEADER).toBe('x-tessera-principal');
  });

  it('round-trips the principal', () => {
    expect(verifyInternalPrincipal(sign(), SECRET, at(NOW_MS))).toEqual(principal);
    const allEntities = principalFromClaims({ sub: 'svc', legal_entities: '*' });
    const token = signInternalPrincipal(allEntities, SECRET, { requestId: 'r', ...at(NOW_MS) });
    expect(verifyInternalPrincipal(token, SECRET, at(NOW_MS))).toEqual(allEntities);
  });

  it('is an HS256 JWS from tessera-gateway to tessera-subgraph, valid for 60 s, naming the request', () => {
    const decoded = jwt.decode(sign(), { complete: true });
    expect(decoded?.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decoded?.payload).toEqual({
      sub: 'partner-7',
      scope: 'crm:read',
      client_id: 'portal',
      legal_entities: ['US01'],
      partner_accounts: ['acc_1'],
      roles: ['partner'],
      request_id: 'req-1',
      iss: 'tessera-gateway',
      aud: 'tessera-subgraph',
      iat: NOW_S,
      exp: NOW_S + 60,
    });
  });

  it('expires after its ttl (with 5 s of tolerance for clock drift)', () => {
    const token = sign({ ttlSeconds: 10 });
    expect(verifyOutcome(token, SECRET, NOW_MS + 14_999)).toEqual(principal);
    expect(verifyOutcome(token, SECRET, NOW_MS + 15_000)).toMatchObject({ name: 'AuthError', reason: 'expired' });
  });

  it('refuses a tampered token', () => {
    const [header, , signature] = sign().split('.');
    const widened = `${header}.${base64url({ sub: 'partner-7', legal_entities: '*', iss: 'tessera-gateway', aud: 'tessera-subgraph', exp: NOW_S + 60 })}.${signature}`;
    const error = verifyOutcome(widened);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ reason: 'bad-signature', message: 'the token signature is invalid' });
  });

  it('refuses a token signed with another secret', () => {
    expect(verifyOutcome(sign(), 'another-secret-0123456789abcdef-01234')).toMatchObject({ reason: 'bad-signature' });
  });

  it.each([
    ['wrong-issuer', { iss: 'tessera-dev', aud: 'tessera-subgraph' }],
    ['wrong-audience', { iss: 'tessera-gateway', aud: 'tessera' }],
    ['malformed', { iss: 'tessera-gateway', aud: 'tessera-subgraph', exp: undefined }],
  ])('refuses a token signed with the right secret but %s', (reason, overrides) => {
    const claims = Object.fromEntries(Object.entries({ sub: 'x', exp: NOW_S + 60, ...overrides }).filter(([, v]) => v !== undefined));
    expect(verifyOutcome(hmacToken(claims, SECRET))).toMatchObject({ name: 'AuthError', reason });
  });

  it('refuses an unsigned token and an oversized one', () => {
    expect(verifyOutcome(unsignedToken({ sub: 'x', iss: 'tessera-gateway', aud: 'tessera-subgraph', exp: NOW_S + 60 }))).toMatchObject({
      reason: 'unsupported-algorithm',
    });
    expect(verifyOutcome('x'.repeat(16 * 1024 + 1))).toMatchObject({ reason: 'too-large' });
  });

  it('refuses to sign or verify with a secret shorter than 32 characters', () => {
    expect(() => signInternalPrincipal(principal, 'short', { requestId: 'r' })).toThrow(
      new Error('the internal principal secret must be at least 32 characters'),
    );
    expect(() => verifyInternalPrincipal(sign(), 'short')).toThrow(
      new Error('the internal principal secret must be at least 32 characters'),
    );
  });
});

describe('loadInternalSecret', () => {
  it('reveals a configured secret', async () => {
    await expect(loadInternalSecret({ kind: 'value', secret: new Secret(SECRET) })).resolves.toBe(SECRET);
  });

  it('generates the dev secret into its key file once, for every process sharing the data folder', async () => {
    const temp = tempDir();
    try {
      const keyFile = path.join(temp.dir, 'dev-internal-key');
      const secret = await loadInternalSecret({ kind: 'dev', keyFile });
      expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(secret);
      await expect(loadInternalSecret({ kind: 'dev', keyFile })).resolves.toBe(secret);
      expect(verifyInternalPrincipal(signInternalPrincipal(principal, secret, { requestId: 'r' }), secret)).toEqual(principal);
    } finally {
      temp.remove();
    }
  });
});

describe('the caching verifier', () => {
  it('answers a verified token from memory until its exp, then refuses it like the plain verifier', () => {
    let nowMs = NOW_MS;
    const verify = createInternalPrincipalVerifier(SECRET, { now: () => nowMs });
    const token = sign({ ttlSeconds: 60 });
    const first = verify(token);
    expect(first).toEqual(principal);
    expect(verify(token)).toBe(first); // the same object: not decoded again
    nowMs = NOW_MS + 60_000 + 10_000; // past exp and past the verifier's clock tolerance
    expect(() => verify(token)).toThrow(AuthError);
  });

  it('never remembers a refused token', () => {
    const verify = createInternalPrincipalVerifier(SECRET, at(NOW_MS));
    const forged = signInternalPrincipal(principal, 'another-secret-0123456789abcdef-0123456789', { requestId: 'r', ...at(NOW_MS) });
    expect(() => verify(forged)).toThrow(AuthError);
    expect(() => verify(forged)).toThrow(AuthError);
  });
});
