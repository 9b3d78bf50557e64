import { describe, expect, it } from 'vitest';
import { NAMED_POLICIES, policyRegistryMismatches } from '../../policies/registry.ts';
import { authorizationPlugin } from '../../gateway/authorization/authorizationPlugin.ts';
import { createPlannedOperations } from '../../gateway/plannedOperation.ts';
import { recordScope, seesAccount, seesLegalEntity } from '../../policies/recordScope.ts';
import { decide } from '../../policies/requirements.ts';
import { principalFromClaims } from '../../auth/principal.ts';

const sdl = (policy: string) => `type Query { a: Int @policy(policies: [["${policy}"]]) }`;

describe('the policy registry and the schema', () => {
  it('agree for the shipped policies', () => {
    expect(policyRegistryMismatches(new Set(['legalEntityScoped', 'partnerAccountScoped', 'segregationOfDuties', 'internalOnly']))).toEqual(
      [],
    );
  });

  it('name a policy the schema uses but policies/ lacks, and one policies/ has but nothing uses', () => {
    expect(policyRegistryMismatches(new Set(['legalEntityScoped', 'segregationOfDuties', 'internalOnly', 'ownTimecardsOnly']))).toEqual([
      'the schema uses @policy "ownTimecardsOnly", which policies/ does not define',
      'policies/ defines "partnerAccountScoped", which no @policy in the schema uses',
    ]);
  });

  it('keep a gateway with a misspelled policy from starting, saying which', () => {
    const plugin = authorizationPlugin({ mode: 'filter', policies: NAMED_POLICIES });
    expect(() => plugin.create({ operations: createPlannedOperations() }, sdl('legalEntityScopd'))).toThrow(
      new TypeError(
        'the schema and policies/ disagree:\n' +
          '- the schema uses @policy "legalEntityScopd", which policies/ does not define\n' +
          '- policies/ defines "internalOnly", which no @policy in the schema uses\n' +
          '- policies/ defines "legalEntityScoped", which no @policy in the schema uses\n' +
          '- policies/ defines "partnerAccountScoped", which no @policy in the schema uses\n' +
          '- policies/ defines "segregationOfDuties", which no @policy in the schema uses',
      ),
    );
  });
});

describe('decisions', () => {
  const alice = principalFromClaims({ sub: 'alice', scope: 'psa:read crm:read', legal_entities: ['UK01'] });
  it('treats scope lists as OR of AND-groups', () => {
    expect(decide([{ kind: 'scopes', anyOf: [['psa:read', 'erp:read'], ['crm:read']] }], alice, NAMED_POLICIES)).toEqual({ allowed: true });
    expect(decide([{ kind: 'scopes', anyOf: [['psa:read', 'erp:read']] }], alice, NAMED_POLICIES)).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      reason: 'requires scope psa:read and erp:read',
    });
  });
  it('says UNAUTHENTICATED to an anonymous caller, FORBIDDEN to a known one', () => {
    expect(decide([{ kind: 'authenticated' }], null, NAMED_POLICIES)).toEqual({
      allowed: false,
      code: 'UNAUTHENTICATED',
      reason: 'authentication required',
    });
    const nobody = principalFromClaims({ sub: 'bob' });
    expect(decide([{ kind: 'policies', anyOf: [['legalEntityScoped']] }], nobody, NAMED_POLICIES)).toEqual({
      allowed: false,
      code: 'FORBIDDEN',
      reason: 'denied by policy legalEntityScoped',
    });
  });
  it('turns a principal into the record scope subgraphs filter by', () => {
    const scope = recordScope(alice);
    expect(scope).toEqual({ legalEntity: ['le_UK01'], account: null });
    expect([seesLegalEntity(scope, 'le_UK01'), seesLegalEntity(scope, 'le_US01')]).toEqual([true, false]);
    const partner = recordScope(principalFromClaims({ sub: 'p', legal_entities: '*', partner_accounts: ['acc_1'] }));
    expect([seesAccount(partner, 'acc_1'), seesAccount(partner, 'acc_2'), seesAccount(partner, null)]).toEqual([true, false, false]);
    expect(recordScope(null)).toEqual({ legalEntity: [], account: [] });
  });
});
