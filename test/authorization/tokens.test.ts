/**
 * Client tokens through the running gateway: a request without a token is anonymous (each field
 * decides, so a root field that needs a scope answers UNAUTHENTICATED at its path), and a token that
 * is present but cannot be trusted refuses the whole request with 401 and a bearer challenge. No
 * refused request reaches a subgraph, and no token ever shows up in a response or a log record.
 * (The verifier's own rules are unit-tested in test/policies; these cases go through HTTP.)
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEVELOPMENT_TOKEN_HINT } from '../../gateway/http/tokenHint.ts';
import { startAuthTessera, type AuthTestTessera } from '../harness/authTessera.ts';
import { rawRequest, type RawResponse } from '../harness/rawHttp.ts';

const QUERY = '{ projects { totalCount } }';
const CLAIMS = { sub: 'mallory', scope: 'psa:read', legal_entities: '*' };

let tessera: AuthTestTessera;
let statements = 0;
/** Every token and header value sent by this file, to scan responses and logs for. */
const sent = new Set<string>();
/** Every response text received by this file. */
const received: string[] = [];

beforeAll(async () => {
  tessera = await startAuthTessera({ scale: 's', onQuery: () => void (statements += 1) });
});
afterAll(() => tessera?.stop());
beforeEach(() => {
  statements = 0;
});

/** POSTs `query` with exactly this Authorization header (`null`: none). */
async function post(authorization: string | null, query = QUERY): Promise<RawResponse> {
  if (authorization !== null) sent.add(authorization);
  const response = await rawRequest(tessera.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(authorization === null ? {} : { authorization }),
    },
    body: JSON.stringify({ query }),
  });
  received.push(response.text);
  return response;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A token signed with this gateway's dev key and issuer/audience, with `overrides` on the claims and options. */
function sign(claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}, secret = tessera.signingSecret): string {
  return jwt.sign({ ...CLAIMS, ...claims }, secret, {
    algorithm: 'HS256',
    issuer: tessera.config.auth.issuer,
    audience: tessera.config.auth.audience,
    ...('expiresIn' in options || 'exp' in claims ? {} : { expiresIn: 600 }),
    ...options,
  });
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The exact 401 answer for a refused token. */
function refused(reason: string) {
  return {
    status: 401,
    challenge: `Bearer error="invalid_token", error_description="${reason}"`,
    body: {
      errors: [
        { message: `The bearer token was refused (${reason}).`, extensions: { code: 'UNAUTHENTICATED', hint: DEVELOPMENT_TOKEN_HINT } },
      ],
    },
  };
}

function envelope(response: RawResponse) {
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: response.json };
}

describe('a request without a token is anonymous', () => {
  // Root query fields with a requirement are nullable (docs/registry.md#nullability): the null stays at the field.
  it('answers a root field that needs a scope with null and UNAUTHENTICATED at its path', async () => {
    const response = await post(null);
    expect(envelope(response)).toEqual({
      status: 200,
      challenge: null,
      body: {
        errors: [
          {
            message: 'Authentication is required to read Query.projects (requires scope psa:read).',
            path: ['projects'],
            extensions: {
              code: 'UNAUTHENTICATED',
              coordinate: 'Query.projects',
              reason: 'requires scope psa:read',
              hint: DEVELOPMENT_TOKEN_HINT,
            },
          },
        ],
        data: { projects: null },
      },
    });
    // The field was removed before planning: no subgraph read anything.
    expect(statements).toBe(0);
  });

  it('answers a nullable root field with null and UNAUTHENTICATED at its path', async () => {
    const response = await post(null, '{ project(id: "prj_00008") { code name } }');
    expect(envelope(response)).toEqual({
      status: 200,
      challenge: null,
      body: {
        errors: [
          {
            message: 'Authentication is required to read Query.project (requires scope psa:read).',
            path: ['project'],
            extensions: {
              code: 'UNAUTHENTICATED',
              coordinate: 'Query.project',
              reason: 'requires scope psa:read',
              hint: DEVELOPMENT_TOKEN_HINT,
            },
          },
        ],
        data: { project: null },
      },
    });
    expect(statements).toBe(0);
  });

  it('answers what needs no principal', async () => {
    const response = await post(null, '{ __typename }');
    expect(envelope(response)).toEqual({ status: 200, challenge: null, body: { data: { __typename: 'Query' } } });
  });
});

describe('a token that is present but not trusted refuses the whole request (401)', () => {
  it('accepts a token signed the same way with valid claims (control)', async () => {
    const response = await post(`Bearer ${sign()}`);
    expect(envelope(response)).toEqual({ status: 200, challenge: null, body: { data: { projects: { totalCount: 12 } } } });
  });

  it.each([
    ['another scheme', 'Basic bWFsbG9yeTpzZWNyZXQ='],
    ['Bearer without a token', 'Bearer'],
    ['Bearer with an empty token', 'Bearer '],
    ['a token that is not a JWS', 'Bearer not-a-token'],
    ['two parts', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0'],
    ['a header that is not JSON', `Bearer ${Buffer.from('nope').toString('base64url')}.${base64url({ sub: 'x' })}.c2ln`],
    ['two tokens', 'Bearer a.b.c d.e.f'],
  ])('refuses a malformed Authorization header: %s', async (_name, header) => {
    const response = await post(header);
    expect(envelope(response)).toEqual(refused('malformed'));
    expect(statements).toBe(0);
  });

  it('refuses a token whose claims are malformed (legal_entities hiding "*" among codes)', async () => {
    const response = await post(`Bearer ${sign({ legal_entities: ['US01', '*'] })}`);
    expect(envelope(response)).toEqual(refused('malformed'));
  });

  it('refuses an expired token', async () => {
    const now = nowSeconds();
    // Expired an hour ago: well outside the 30 s clock skew.
    const response = await post(`Bearer ${sign({ iat: now - 7200, exp: now - 3600 })}`);
    expect(envelope(response)).toEqual(refused('expired'));
    expect(statements).toBe(0);
  });

  it('refuses a token that is not valid yet (nbf)', async () => {
    const response = await post(`Bearer ${sign({ nbf: nowSeconds() + 3600 }, { expiresIn: 7200 })}`);
    expect(envelope(response)).toEqual(refused('not-yet-valid'));
  });

  it('refuses a token of another issuer', async () => {
    const response = await post(`Bearer ${sign({}, { issuer: 'https://id.evil.example/' })}`);
    expect(envelope(response)).toEqual(refused('wrong-issuer'));
  });

  it('refuses a token for another audience', async () => {
    const response = await post(`Bearer ${sign({}, { audience: 'some-other-api' })}`);
    expect(envelope(response)).toEqual(refused('wrong-audience'));
  });

  it('refuses a token without an expiry', async () => {
    const token = jwt.sign({ ...CLAIMS }, tessera.signingSecret, {
      algorithm: 'HS256',
      issuer: tessera.config.auth.issuer,
      audience: tessera.config.auth.audience,
      noTimestamp: true,
    });
    const response = await post(`Bearer ${token}`);
    expect(envelope(response)).toEqual(refused('malformed'));
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const now = nowSeconds();
    const claims = { ...CLAIMS, iss: tessera.config.auth.issuer, aud: tessera.config.auth.audience, iat: now, exp: now + 600 };
    for (const token of [
      `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`,
      `${base64url({ alg: 'none' })}.${base64url(claims)}.c2ln`,
    ]) {
      const response = await post(`Bearer ${token}`);
      expect(envelope(response)).toEqual(refused('unsupported-algorithm'));
    }
    expect(statements).toBe(0);
  });

  it('refuses a token signed with another algorithm than the key source allows', async () => {
    const response = await post(`Bearer ${sign({}, { algorithm: 'HS512' })}`);
    expect(envelope(response)).toEqual(refused('unsupported-algorithm'));
  });

  it('refuses an HS256 token signed with another secret', async () => {
    const response = await post(`Bearer ${sign({}, {}, randomBytes(32).toString('base64url'))}`);
    expect(envelope(response)).toEqual(refused('bad-signature'));
    expect(statements).toBe(0);
  });

  it('refuses a token whose signature was stripped or altered', async () => {
    const [header, payload] = sign().split('.');
    const forged = sign({ sub: 'someone-else' }).split('.')[2];
    for (const token of [`${header}.${payload}.`, `${header}.${payload}.${forged}`]) {
      const response = await post(`Bearer ${token}`);
      expect(envelope(response)).toEqual(refused('bad-signature'));
    }
  });

  it('refuses a token longer than the limit unread, even when correctly signed', async () => {
    const token = sign({ padding: 'x'.repeat(tessera.config.auth.maxTokenBytes) });
    expect(Buffer.byteLength(token)).toBeGreaterThan(8192);
    expect(tessera.config.auth.maxTokenBytes).toBe(8192);
    const response = await post(`Bearer ${token}`);
    expect(envelope(response)).toEqual(refused('too-large'));
    expect(statements).toBe(0);
  });

  it('refuses a bad token even when the operation needs no principal at all', async () => {
    const response = await post(`Bearer ${sign({}, {}, randomBytes(32).toString('base64url'))}`, '{ __typename }');
    expect(envelope(response)).toEqual(refused('bad-signature'));
  });
});

describe('tokens stay secret', () => {
  it('no response and no log record contains a token that was sent', () => {
    expect(sent.size).toBeGreaterThan(15);
    const logs = tessera.logs.raw.join('\n');
    expect(tessera.logs.records.length).toBeGreaterThan(0);
    const leaks: string[] = [];
    for (const header of sent) {
      const token = header.replace(/^\S+ ?/, '');
      // The token, and its signature on its own, are secrets; short fragments of malformed headers are not worth a check.
      const secrets = [token, token.split('.')[2] ?? ''].filter((value) => value.length >= 16);
      for (const secret of secrets) {
        if (logs.includes(secret)) leaks.push(`log: ${secret.slice(0, 24)}…`);
        if (received.some((text) => text.includes(secret))) leaks.push(`response: ${secret.slice(0, 24)}…`);
      }
    }
    expect(leaks).toEqual([]);
    // Refusals are logged by reason and status, not by credential.
    expect(JSON.stringify(tessera.logs.records)).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
