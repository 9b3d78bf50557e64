/**
 * Builders for the policy tests: key pairs, JWKS documents, hand-made tokens and a controllable clock.
 * Tokens are assembled by hand (not with jsonwebtoken) where the point is to forge something the
 * library would refuse to produce, such as `alg: none` or an HMAC keyed with a public key.
 */
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { expect } from 'vitest';
import { AuthError, type AuthErrorReason } from '../../auth/authError.ts';

/** 2025-01-15T12:00:00Z, the fixed "now" of every policy test. */
export const NOW_MS = Date.UTC(2025, 0, 15, 12);
export const NOW_S = NOW_MS / 1000;

export const ISSUER = 'https://id.example.test/';
export const AUDIENCE = 'tessera';

/** A clock the test moves by hand. */
export function manualClock(startMs = NOW_MS) {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
  };
}

export function rsaKeyPair() {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

export function ecKeyPair(namedCurve: 'prime256v1' | 'secp384r1' = 'prime256v1') {
  return generateKeyPairSync('ec', { namedCurve });
}

/** A public key as a JWK with the given `kid` (and any extra members, such as `use`). */
export function toJwk(publicKey: KeyObject, kid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...publicKey.export({ format: 'jwk' }), kid, ...extra };
}

/**
 * A fetch serving `jwks()` (re-read on every call, so tests can rotate keys) and counting calls.
 * `respond` lets a test replace the response, e.g. with an outage.
 */
export function jwksServer(jwks: () => { keys: unknown[] }) {
  const state = { fetches: 0, respond: (): Response => Response.json(jwks()) };
  const fetch: typeof globalThis.fetch = async () => {
    state.fetches += 1;
    return state.respond();
  };
  return Object.assign(state, { fetch });
}

/** Standard valid claims at NOW: issued now, expiring in an hour. An override of `undefined` removes the claim. */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const merged = { sub: 'alice', iss: ISSUER, aud: AUDIENCE, iat: NOW_S, exp: NOW_S + 3600, scope: 'crm:read', ...overrides };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/** Signs with jsonwebtoken; the payload is taken as it is (its `iat` is kept, none is added when it has one). */
export function signToken(
  payload: Record<string, unknown>,
  key: KeyObject | string,
  algorithm: jwt.Algorithm,
  header: Record<string, unknown> = {},
): string {
  return jwt.sign(payload, key, { algorithm, header: { alg: algorithm, ...header } });
}

export function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** An unsigned token (`alg: none`, empty signature). */
export function unsignedToken(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return `${base64url({ alg: 'none', typ: 'JWT', ...header })}.${base64url(payload)}.`;
}

/** An HS256 token whose HMAC key is `secret` as given, bytes and all (the algorithm-confusion forgery). */
export function hmacToken(payload: Record<string, unknown>, secret: string | Buffer, header: Record<string, unknown> = {}): string {
  const input = `${base64url({ alg: 'HS256', typ: 'JWT', ...header })}.${base64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** An RS256 token signed by hand, for tokens jsonwebtoken would refuse to sign (e.g. a non-JSON payload). */
export function rs256Token(rawPayload: string, privateKey: KeyObject, header: Record<string, unknown> = {}): string {
  const input = `${base64url({ alg: 'RS256', typ: 'JWT', ...header })}.${Buffer.from(rawPayload).toString('base64url')}`;
  return `${input}.${createSign('sha256').update(input).sign(privateKey).toString('base64url')}`;
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-policies-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Awaits `promise`, expects it to reject with an `AuthError` of `reason`, and checks the one rule every
 * auth error obeys: its message does not contain the token (nor its signature, the part an attacker
 * would most like to see echoed).
 */
export async function expectAuthError(promise: Promise<unknown>, reason: AuthErrorReason, token?: string): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect(authError.reason).toBe(reason);
  if (token) {
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(authError.message).not.toContain(part);
  }
  return authError;
}
