/**
 * Reserved subjects (docs/ownership.md#reserved-subjects): a client token whose `sub` starts with
 * `system:` is refused (401) however well it is signed; Tessera's own internal principals keep
 * those subjects.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '../../auth/authError.ts';
import { signInternalPrincipal, verifyInternalPrincipal } from '../../auth/internalPrincipal.ts';
import { readOrCreateKeyFile } from '../../auth/keys/devKeyFile.ts';
import { principalFromClaims } from '../../auth/principal.ts';
import { createTokenVerifier } from '../../auth/verifyToken.ts';
import { DEVELOPMENT_TOKEN_HINT } from '../../gateway/http/tokenHint.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import { AUDIENCE, claims, ISSUER, NOW_MS, signToken, tempDir } from './jwtFixtures.ts';

const temp = tempDir();
const keyFile = path.join(temp.dir, 'dev-signing-key');
let secret = '';
beforeAll(async () => {
  secret = await readOrCreateKeyFile(keyFile);
});
afterAll(() => temp.remove());

const verifier = () =>
  createTokenVerifier({
    source: { kind: 'dev', keyFile },
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: 30,
    maxTokenBytes: 8192,
    now: () => NOW_MS,
  });
const bearerFor = (sub: string) => `Bearer ${signToken(claims({ sub, scope: 'tessera:system registry:write' }), secret, 'HS256')}`;

describe('a client token claiming a reserved subject', () => {
  it.each(['system:gateway', 'system:psa', 'system:integration', 'system:tessera-start', 'SYSTEM:gateway', 'System:crm', 'system:'])(
    'is refused as reserved-subject: %s, in fixed words that do not echo it',
    async (sub) => {
      const refusal = await verifier()
        .verify(bearerFor(sub))
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(refusal).toEqual(new AuthError('reserved-subject', 'the sub claim names a subject reserved for Tessera itself'));
    },
  );

  it.each(['systems-team', 'alice:system:gateway', 'system-gateway', 'ops@system.example'])(
    'is accepted when the subject only resembles one: %s',
    async (sub) => {
      await expect(verifier().verify(bearerFor(sub))).resolves.toMatchObject({ sub });
    },
  );
});

describe('internal principals keep the reserved subjects', () => {
  it('a system principal signed with the internal secret verifies, subject and scope intact', () => {
    const internalSecret = 'internal-secret-0123456789abcdef-0123456789';
    const system = principalFromClaims({ sub: 'system:integration', scope: 'tessera:system', legal_entities: '*' });
    const token = signInternalPrincipal(system, internalSecret, { requestId: 'req-1', now: () => NOW_MS });
    expect(verifyInternalPrincipal(token, internalSecret, { now: () => NOW_MS })).toEqual(system);
  });
});

describe('through the gateway', () => {
  let tessera: TestTessera;
  beforeAll(async () => {
    tessera = await startTestTessera({ scale: 'none' });
  });
  afterAll(() => tessera?.stop());

  it('a dev token for system:gateway is HTTP 401 UNAUTHENTICATED with the bearer challenge, no data', async () => {
    const token = await tessera.token({ sub: 'system:gateway', scope: 'crm:read tessera:system', legal_entities: '*' });
    const response = await tessera.request({ query: '{ roles { id } }' }, { authorization: `Bearer ${token}` });
    // In development an UNAUTHENTICATED answer also says how to get a token (extensions.hint): never the subject.
    expect(DEVELOPMENT_TOKEN_HINT).not.toContain('system:gateway');
    expect({ status: response.status, challenge: response.headers.get('www-authenticate'), body: response.body }).toEqual({
      status: 401,
      challenge: 'Bearer error="invalid_token", error_description="reserved-subject"',
      body: {
        errors: [
          {
            message: 'The bearer token was refused (reserved-subject).',
            extensions: { code: 'UNAUTHENTICATED', hint: DEVELOPMENT_TOKEN_HINT },
          },
        ],
      },
    });
  });

  it('an ordinary subject on the same gateway still answers', async () => {
    const token = await tessera.token({ sub: 'systems-team', scope: 'psa:read', legal_entities: '*' });
    expect(await tessera.query('{ roles { id } }', {}, token)).toEqual({ data: { roles: [] } });
  });
});
