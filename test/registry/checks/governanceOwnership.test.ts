/**
 * The governance lint's ownership and decision rules (docs/registry.md#rules): OWNER_MISSING,
 * NON_OWNER_RESOLVES, OWNER_CONFLICT, FOREIGN_TYPE_OWNER on the subgraph SDLs of a system, and
 * DECISION_MISSING on the supergraph.
 */
import { describe, expect, it } from 'vitest';
import { error, lint, type Fixture } from './governanceFixtures.ts';

const CRM: Fixture = {
  name: 'crm',
  system: 'CRM',
  body: `
    type Query { account(id: ID!): Account @owner(system: CRM) @requiresScopes(scopes: [["crm:read"]]) }
    type Account @key(fields: "id") @owner(system: CRM) @requiresScopes(scopes: [["crm:read"]]) { id: ID! name: String! }`,
};
const psa = (body: string, system: Fixture['system'] = 'PSA'): Fixture => ({ name: 'psa', system, body });

describe('the ownership rules', () => {
  it('pass subgraphs that resolve only what their system owns', () => {
    expect(
      lint([
        CRM,
        psa('type Account @key(fields: "id") { id: ID! projects: [String!] @owner(system: PSA) @requiresScopes(scopes: [["psa:read"]]) }'),
      ]),
    ).toEqual([]);
  });

  it('OWNER_MISSING: a field of no owner, one finding each', () => {
    expect(
      lint([
        CRM,
        psa(
          'type Account @key(fields: "id") { id: ID! projects: [String!] @requiresScopes(scopes: [["psa:read"]]) staffCount: Int @public }',
        ),
      ]),
    ).toEqual([
      error(
        'OWNER_MISSING',
        'Account.projects',
        'psa',
        'subgraph psa (PSA) resolves Account.projects with no @owner (on the field or its type) and without @external. Give the field or its type @owner(system: ...), or mark it @external if another subgraph resolves it.',
      ),
      error(
        'OWNER_MISSING',
        'Account.staffCount',
        'psa',
        'subgraph psa (PSA) resolves Account.staffCount with no @owner (on the field or its type) and without @external. Give the field or its type @owner(system: ...), or mark it @external if another subgraph resolves it.',
      ),
    ]);
  });

  it('NON_OWNER_RESOLVES: a field another system owns, not @external', () => {
    expect(lint([CRM, psa('type Account @key(fields: "id") { id: ID! industry: String @owner(system: CRM) @public }')])).toEqual([
      error(
        'NON_OWNER_RESOLVES',
        'Account.industry',
        'psa',
        'subgraph psa (PSA) resolves Account.industry, owned by CRM, without @external. Mark it @external here (only its owner resolves it), or move it to the owning subgraph.',
      ),
    ]);
  });

  it('OWNER_CONFLICT: two subgraphs each claim a field for their own system', () => {
    const crm = { ...CRM, body: CRM.body.replace('name: String!', 'name: String! @shareable') };
    expect(lint([crm, psa('type Account @key(fields: "id") { id: ID! name: String! @shareable @owner(system: PSA) }')])).toEqual([
      error(
        'OWNER_CONFLICT',
        'Account.name',
        null,
        'Account.name has conflicting owners: CRM in subgraph crm, PSA in subgraph psa. A field has one system of record: make the @owner the same everywhere, and @external where it is not resolved.',
      ),
    ]);
  });

  it('FOREIGN_TYPE_OWNER: a type whose @owner is another system', () => {
    const body = `
      type Query { invoice(id: ID!): Invoice @owner(system: PSA) @requiresScopes(scopes: [["psa:read"]]) }
      type Invoice @key(fields: "id") @owner(system: ERP) @requiresScopes(scopes: [["erp:read"]]) { id: ID! }`;
    expect(lint([CRM, psa(body)])).toEqual([
      error(
        'FOREIGN_TYPE_OWNER',
        'Invoice',
        'psa',
        'subgraph psa (PSA) declares type Invoice @owner(system: ERP). A subgraph owns only types of its own system: declare the type as an entity stub (@key, no @owner) here instead.',
      ),
    ]);
  });

  it('skips a subgraph of no system, as composition does', () => {
    expect(
      lint([CRM, psa('type Account @key(fields: "id") { id: ID! projects: [String!] @requiresScopes(scopes: [["psa:read"]]) }', null)]),
    ).toEqual([]);
  });
});

describe('DECISION_MISSING', () => {
  it('passes when every type and root field decides', () => {
    expect(lint([CRM])).toEqual([]);
  });

  it('names each type and root field without an access decision, and its subgraph', () => {
    const body = `
      type Query { contact(id: ID!): Contact @owner(system: CRM) }
      type Contact @owner(system: CRM) { id: ID! }`;
    expect(lint([{ name: 'crm', system: 'CRM', body }])).toEqual([
      error(
        'DECISION_MISSING',
        'Contact',
        'crm',
        'type Contact has no access decision: give it @requiresScopes, @policy, @authenticated or @public in the subgraph that owns it.',
      ),
      error(
        'DECISION_MISSING',
        'Query.contact',
        'crm',
        'Query.contact has no access decision: give the root field @requiresScopes, @policy, @authenticated or @public.',
      ),
    ]);
  });
});
