import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../auth/authError.ts';
import { claimsFromPrincipal, principalFromClaims, type Principal } from '../../auth/principal.ts';

describe('principalFromClaims', () => {
  it('reads every claim', () => {
    expect(
      principalFromClaims({
        sub: 'partner-7',
        scope: 'crm:read  crm:write',
        client_id: 'portal',
        legal_entities: ['US01'],
        partner_accounts: ['acc_1', 'acc_2'],
        roles: ['partner'],
        iss: 'ignored',
        exp: 1,
      }),
    ).toEqual({
      sub: 'partner-7',
      scopes: new Set(['crm:read', 'crm:write']),
      clientId: 'portal',
      legalEntities: ['US01'],
      partnerAccounts: ['acc_1', 'acc_2'],
      roles: ['partner'],
    });
  });

  it('reads missing optional claims as "nothing granted"', () => {
    expect(principalFromClaims({ sub: 'alice' })).toEqual({
      sub: 'alice',
      scopes: new Set(),
      clientId: null,
      legalEntities: [],
      partnerAccounts: null,
      roles: [],
    });
  });

  it('reads legal_entities "*" as all, and an empty partner_accounts as a partner who sees nothing', () => {
    expect(principalFromClaims({ sub: 'a', legal_entities: '*', partner_accounts: [] })).toMatchObject({
      legalEntities: '*',
      partnerAccounts: [],
    });
  });

  it('returns a frozen principal', () => {
    const principal = principalFromClaims({ sub: 'alice', roles: ['auditor'], legal_entities: ['US01'] });
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.roles)).toBe(true);
    expect(Object.isFrozen(principal.legalEntities)).toBe(true);
  });

  it.each([
    ['not an object', 'alice', 'the token claims are not a JSON object'],
    ['an array', [{ sub: 'alice' }], 'the token claims are not a JSON object'],
    ['null', null, 'the token claims are not a JSON object'],
    ['no sub', {}, 'the sub claim must be a non-empty string'],
    ['an empty sub', { sub: '' }, 'the sub claim must be a non-empty string'],
    ['a numeric sub', { sub: 42 }, 'the sub claim must be a non-empty string'],
    ['scope as an array', { sub: 'a', scope: ['crm:read'] }, 'the scope claim must be a space-delimited string'],
    ['a null client_id', { sub: 'a', client_id: null }, 'the client_id claim must be a non-empty string'],
    [
      'legal_entities as a comma list',
      { sub: 'a', legal_entities: 'US01,UK01' },
      'the legal_entities claim must be an array of non-empty strings',
    ],
    [
      '"*" inside legal_entities',
      { sub: 'a', legal_entities: ['US01', '*'] },
      'the legal_entities claim must be "*" or an array of codes, not an array containing "*"',
    ],
    ['an empty legal entity code', { sub: 'a', legal_entities: [''] }, 'the legal_entities claim must be an array of non-empty strings'],
    ['a null partner_accounts', { sub: 'a', partner_accounts: null }, 'the partner_accounts claim must be an array of non-empty strings'],
    ['a numeric role', { sub: 'a', roles: [1] }, 'the roles claim must be an array of non-empty strings'],
  ])('refuses %s as malformed', (_, claims, message) => {
    expect(() => principalFromClaims(claims)).toThrow(expect.objectContaining({ name: 'AuthError', reason: 'malformed', message }));
  });
});

/**
 * An independent reading of the claim rules (the TSDoc of `PrincipalClaims`), written as a table of
 * checks rather than the implementation's early returns: the property compares the two.
 */
function expectedPrincipal(claims: unknown): (Omit<Principal, 'scopes'> & { scopes: Set<string> }) | 'malformed' {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return 'malformed';
  const c = claims as Record<string, unknown>;
  const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0);
  const valid =
    typeof c.sub === 'string' &&
    c.sub.length > 0 &&
    (c.scope === undefined || typeof c.scope === 'string') &&
    (c.client_id === undefined || (typeof c.client_id === 'string' && c.client_id.length > 0)) &&
    (c.legal_entities === undefined || c.legal_entities === '*' || (isList(c.legal_entities) && !c.legal_entities.includes('*'))) &&
    (c.partner_accounts === undefined || isList(c.partner_accounts)) &&
    (c.roles === undefined || isList(c.roles));
  if (!valid) return 'malformed';
  return {
    sub: c.sub as string,
    scopes: new Set(((c.scope as string | undefined) ?? '').split(' ').filter(Boolean)),
    clientId: (c.client_id as string | undefined) ?? null,
    legalEntities: (c.legal_entities as '*' | string[] | undefined) ?? [],
    partnerAccounts: (c.partner_accounts as string[] | undefined) ?? null,
    roles: (c.roles as string[] | undefined) ?? [],
  };
}

/** Mostly well-formed values (4 in 5), so that both outcomes are exercised in every claim. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: invalid });
const junk = fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), fc.object({ maxDepth: 1 }), fc.array(fc.integer(), { maxLength: 2 }));
const list = (...values: string[]) => fc.array(fc.constantFrom(...values), { maxLength: 3 });
const claimSet = fc.record(
  {
    sub: mostly(fc.oneof(fc.constant('alice'), fc.string({ minLength: 1 })), fc.oneof(fc.constant(''), junk)),
    scope: mostly(fc.oneof(fc.constantFrom('crm:read psa:read', ' crm:read  ', ''), fc.string()), junk),
    client_id: mostly(fc.oneof(fc.constant('my-app'), fc.string({ minLength: 1 })), fc.oneof(fc.constant(''), junk)),
    legal_entities: mostly(fc.oneof(fc.constant('*'), list('US01', 'UK01', 'DE01')), fc.oneof(list('US01', '*', ''), fc.string(), junk)),
    partner_accounts: mostly(list('acc_1', 'acc_2'), fc.oneof(list('acc_1', ''), junk)),
    roles: mostly(list('auditor', 'admin'), fc.oneof(list(''), fc.string(), junk)),
    exp: fc.integer(),
  },
  { requiredKeys: [] },
);

describe('principalFromClaims (property)', () => {
  it('returns the normalized claims or throws AuthError("malformed"), and nothing else', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 19, arbitrary: claimSet }, { weight: 1, arbitrary: fc.anything() }), (claims) => {
        const expected = expectedPrincipal(claims);
        let outcome: unknown;
        try {
          outcome = principalFromClaims(claims);
        } catch (error) {
          outcome = error;
        }
        if (expected === 'malformed') {
          expect(outcome).toBeInstanceOf(AuthError);
          expect((outcome as AuthError).reason).toBe('malformed');
        } else {
          expect(outcome).toEqual(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips through claimsFromPrincipal', () => {
    const principal = fc.record({
      sub: fc.string({ minLength: 1 }),
      scopes: fc.uniqueArray(fc.stringMatching(/^[a-z:]{1,12}$/), { maxLength: 4 }).map((s) => new Set(s)),
      clientId: fc.option(fc.string({ minLength: 1 }), { nil: null }),
      legalEntities: fc.oneof(fc.constant('*' as const), fc.array(fc.constantFrom('US01', 'UK01', 'DE01'), { maxLength: 3 })),
      partnerAccounts: fc.option(fc.array(fc.constantFrom('acc_1', 'acc_2'), { maxLength: 2 }), { nil: null }),
      roles: fc.array(fc.constantFrom('auditor', 'admin'), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(principal, (p) => {
        expect(principalFromClaims(JSON.parse(JSON.stringify(claimsFromPrincipal(p))))).toEqual(p);
      }),
    );
  });
});
