import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, describe, expect, it } from 'vitest';
import { DevTokenUsageError, issueDevToken, parseDevTokenArgs } from '../../auth/devToken.ts';
import { createTokenVerifier } from '../../auth/verifyToken.ts';
import { NOW_MS, NOW_S, tempDir } from './jwtFixtures.ts';

const temp = tempDir();
afterAll(() => temp.remove());
const devAuth = {
  source: { kind: 'dev', keyFile: path.join(temp.dir, 'dev-signing-key') },
  issuer: 'tessera-dev',
  audience: 'tessera',
} as const;

describe('parseDevTokenArgs', () => {
  it('reads every option', () => {
    expect(
      parseDevTokenArgs([
        '--sub',
        'alice',
        '--scope',
        'crm:read psa:read',
        '--legal-entities',
        'US01, UK01',
        '--partner-accounts',
        'acc_1,acc_2',
        '--roles',
        'auditor',
        '--client-id',
        'my-app',
        '--ttl',
        '600',
      ]),
    ).toEqual({
      claims: {
        sub: 'alice',
        scope: 'crm:read psa:read',
        legal_entities: ['US01', 'UK01'],
        partner_accounts: ['acc_1', 'acc_2'],
        roles: ['auditor'],
        client_id: 'my-app',
      },
      ttlSeconds: 600,
    });
  });

  it('defaults to an hour and no grants', () => {
    expect(parseDevTokenArgs(['--sub', 'alice'])).toEqual({ claims: { sub: 'alice' }, ttlSeconds: 3600 });
  });

  it('reads --legal-entities "*" as all legal entities', () => {
    expect(parseDevTokenArgs(['--sub', 'alice', '--legal-entities', '*']).claims).toEqual({ sub: 'alice', legal_entities: '*' });
  });

  it.each([
    [[], '--sub is required'],
    [['--sub', ' '], '--sub is required'],
    [['--sub', 'a', '--ttl', '0'], '--ttl must be a whole number of seconds from 1 to 86400'],
    [['--sub', 'a', '--ttl', '1.5'], '--ttl must be a whole number of seconds from 1 to 86400'],
    [['--sub', 'a', '--ttl', '86401'], '--ttl must be a whole number of seconds from 1 to 86400'],
    [
      ['--sub', 'a', '--legal-entities', 'US01,*'],
      'the legal_entities claim must be "*" or an array of codes, not an array containing "*"',
    ],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseDevTokenArgs(argv)).toThrow(new DevTokenUsageError(message));
  });

  it('refuses unknown options and positionals', () => {
    expect(() => parseDevTokenArgs(['--sub', 'a', '--admin'])).toThrow(DevTokenUsageError);
    expect(() => parseDevTokenArgs(['alice'])).toThrow(DevTokenUsageError);
  });
});

describe('issueDevToken', () => {
  it('signs a token the dev-configured verifier accepts', async () => {
    const request = parseDevTokenArgs([
      '--sub',
      'alice',
      '--scope',
      'crm:read psa:read',
      '--legal-entities',
      'US01,UK01',
      '--roles',
      'auditor',
    ]);
    const token = await issueDevToken(request, devAuth, () => NOW_MS);
    expect(jwt.decode(token)).toEqual({
      sub: 'alice',
      scope: 'crm:read psa:read',
      legal_entities: ['US01', 'UK01'],
      roles: ['auditor'],
      iat: NOW_S,
      exp: NOW_S + 3600,
      iss: 'tessera-dev',
      aud: 'tessera',
    });
    const verifier = createTokenVerifier({ ...devAuth, clockSkewSeconds: 0, maxTokenBytes: 8192, now: () => NOW_MS });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toEqual({
      sub: 'alice',
      scopes: new Set(['crm:read', 'psa:read']),
      clientId: null,
      legalEntities: ['US01', 'UK01'],
      partnerAccounts: null,
      roles: ['auditor'],
    });
  });

  it.each([
    ['jwks', { kind: 'jwks', url: 'https://id.example.test/jwks', algorithm: 'RS256' }, 'TESSERA_AUTH_JWKS_URL'],
    ['pem', { kind: 'pem', file: '/etc/tessera/issuer.pem', algorithm: 'RS256' }, 'TESSERA_AUTH_PUBLIC_KEY_FILE'],
  ] as const)('refuses when the key source is %s, and says why', async (_, source, variable) => {
    await expect(issueDevToken(parseDevTokenArgs(['--sub', 'alice']), { ...devAuth, source })).rejects.toThrow(
      new Error(
        `${variable} is set, so the gateway accepts only tokens from that issuer and would refuse a token signed with the ` +
          `development key. Get a token from your identity provider, or unset ${variable} (development only) to use the dev key.`,
      ),
    );
  });
});
