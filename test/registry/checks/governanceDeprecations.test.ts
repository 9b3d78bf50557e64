/**
 * The governance lint's deprecation rules (docs/registry.md#rules): DEPRECATION_REASON_MISSING,
 * DEPRECATION_SUNSET_MISSING and DEPRECATION_SUNSET_MISMATCH, on fields, arguments, enum values and
 * input fields.
 */
import { describe, expect, it } from 'vitest';
import { error, lint, type Fixture } from './governanceFixtures.ts';

const crm = (deprecated: { field?: string; arg?: string; value?: string; input?: string; capability?: string }): Fixture => ({
  name: 'crm',
  system: 'CRM',
  body: `
    type Query {
      accounts(first: Int ${deprecated.arg ?? ''}, filter: AccountFilter): [Account!] @owner(system: CRM) @requiresScopes(scopes: [["crm:read"]])
    }
    type Mutation {
      closeOpportunity(input: AccountFilter): ClosePayload @owner(system: CRM) @requiresScopes(scopes: [["crm:write"]])
        ${deprecated.capability ?? '@capability(name: "crm.closeOpportunity", version: 1)'}
    }
    type ClosePayload @owner(system: CRM) @public { ok: Boolean }
    input AccountFilter { name: String ${deprecated.input ?? ''} }
    enum AccountType { CUSTOMER PARTNER ${deprecated.value ?? ''} }
    type Account @key(fields: "id") @owner(system: CRM) @requiresScopes(scopes: [["crm:read"]]) {
      id: ID! type: AccountType segment: String ${deprecated.field ?? ''}
    }`,
});
const GOOD = '@deprecated(reason: "Use type instead. Sunset 2027-06-30.")';

describe('deprecations', () => {
  it('pass with a reason that says until when, on a field, an argument, an enum value, an input field and a capability', () => {
    const capability = `@capability(name: "crm.closeOpportunity", version: 1, deprecatedAt: "2026-11-01", sunsetAt: "2027-06-30") ${GOOD}`;
    expect(lint([crm({ field: GOOD, arg: GOOD, value: GOOD, input: GOOD, capability })])).toEqual([]);
  });

  it('DEPRECATION_REASON_MISSING: no reason, or the default one', () => {
    expect(lint([crm({ field: '@deprecated', value: '@deprecated(reason: "No longer supported")' })])).toEqual([
      error(
        'DEPRECATION_REASON_MISSING',
        'Account.segment',
        'crm',
        'Account.segment is deprecated without a reason: say what to use instead and until when, e.g. @deprecated(reason: "Use ... instead. Sunset YYYY-MM-DD.").',
      ),
      error(
        'DEPRECATION_REASON_MISSING',
        'AccountType.PARTNER',
        'crm',
        'AccountType.PARTNER is deprecated without a reason: say what to use instead and until when, e.g. @deprecated(reason: "Use ... instead. Sunset YYYY-MM-DD.").',
      ),
    ]);
  });

  it('DEPRECATION_SUNSET_MISSING: a reason without a date clients can see, on an input field and an argument (types in name order)', () => {
    const undated = '@deprecated(reason: "Use filter instead.")';
    const message = (coordinate: string) =>
      `${coordinate}'s deprecation reason has no sunset date: add "Sunset YYYY-MM-DD." to the reason, so clients see the date in introspection.`;
    expect(lint([crm({ arg: undated, input: '@deprecated(reason: "Gone soon. Sunset 2027-02-30.")' })])).toEqual([
      error('DEPRECATION_SUNSET_MISSING', 'AccountFilter.name', 'crm', message('AccountFilter.name')),
      error('DEPRECATION_SUNSET_MISSING', 'Query.accounts(first:)', 'crm', message('Query.accounts(first:)')),
    ]);
  });

  it("DEPRECATION_SUNSET_MISMATCH: a capability's sunsetAt that is not its reason's date", () => {
    const capability = `@capability(name: "crm.closeOpportunity", version: 1, deprecatedAt: "2026-11-01", sunsetAt: "2027-12-31") ${GOOD}`;
    expect(lint([crm({ capability })])).toEqual([
      error(
        'DEPRECATION_SUNSET_MISMATCH',
        'Mutation.closeOpportunity',
        'crm',
        "Mutation.closeOpportunity's reason says Sunset 2027-06-30 but @capability(sunsetAt:) says 2027-12-31: make them the same date (the gateway refuses the capability from sunsetAt).",
      ),
    ]);
  });
});
