/**
 * The system-of-record rule on subgraph SDLs: a subgraph resolves only what its system owns. The
 * inline SDLs are only parsed by checkOwnership, so they leave out the @link header.
 */
import { describe, expect, it } from 'vitest';
import { checkOwnership, type OwnedSubgraph } from '../../schema/checkOwnership.ts';
import { CompositionError, composeSupergraph } from '../../schema/compose.ts';
import { SYSTEM_LIST } from '../../systems/systems.ts';
import { REAL_OWNED, REAL_SOURCES } from './realSchema.ts';

const CRM: OwnedSubgraph = {
  name: 'crm',
  system: 'CRM',
  sdl: `
    type Query { account(id: ID!): Account @owner(system: CRM) }
    type Account @key(fields: "id") @owner(system: CRM) { id: ID! name: String! }
  `,
};
const psa = (sdl: string): OwnedSubgraph => ({ name: 'psa', system: 'PSA', sdl });

describe('checkOwnership', () => {
  it('passes the canonical schema', () => {
    expect(checkOwnership(REAL_OWNED)).toEqual([]);
  });

  it('passes external fields, the key fields of a stub and @shareable value types', () => {
    expect(
      checkOwnership([
        CRM,
        psa(`
          type Account @key(fields: "id") {
            id: ID!
            name: String! @external
            projects: [Project!]! @owner(system: PSA)
          }
          type Project @owner(system: PSA) { id: ID! budget: Money }
          type Money @shareable { amount: String! currency: String! }
        `),
      ]),
    ).toEqual([]);
  });

  it('reports a non-owner subgraph that resolves an owned field without @external', () => {
    expect(
      checkOwnership([
        CRM,
        psa(`
          type Account @key(fields: "id") {
            id: ID!
            name: String! @owner(system: CRM)
            projects: [String!]! @owner(system: PSA)
          }
        `),
      ]),
    ).toEqual(['subgraph psa (PSA) resolves Account.name, owned by CRM, without @external']);
  });

  it('reports fields with no owner at all, the fields of one type in one sentence', () => {
    expect(checkOwnership([CRM, psa('type Account @key(fields: "id") { id: ID! projects: [String!]! staffCount: Int! }')])).toEqual([
      'subgraph psa (PSA) resolves Account.projects, Account.staffCount with no @owner (on the field or its type) and without @external',
    ]);
  });

  it('reports a field that two subgraphs both claim to own', () => {
    expect(checkOwnership([CRM, psa('type Account @key(fields: "id") { id: ID! name: String! @owner(system: PSA) }')])).toEqual([
      'Account.name has conflicting owners: CRM in subgraph crm, PSA in subgraph psa',
    ]);
  });

  it('reports a type whose @owner is another system, once for the type', () => {
    expect(checkOwnership([CRM, psa('type Invoice @key(fields: "id") @owner(system: ERP) { id: ID! total: String! }')])).toEqual([
      'subgraph psa (PSA) declares type Invoice @owner(system: ERP)',
    ]);
  });

  it('checks root fields, mutations included', () => {
    expect(
      checkOwnership([
        CRM,
        psa(`
          type Query { projects: [String!]! @owner(system: PSA) }
          type Mutation {
            submitTimecard(id: ID!): Boolean! @owner(system: PSA)
            activateContract(id: ID!): Boolean! @owner(system: CRM)
            releaseInvoice(id: ID!): Boolean!
          }
        `),
      ]),
    ).toEqual([
      'subgraph psa (PSA) resolves Mutation.activateContract, owned by CRM, without @external',
      'subgraph psa (PSA) resolves Mutation.releaseInvoice with no @owner (on the field or its type) and without @external',
    ]);
  });

  it('reads extend type like type', () => {
    expect(checkOwnership([CRM, psa('extend type Account @key(fields: "id") { id: ID! name: String! @owner(system: PSA) }')])).toEqual([
      'Account.name has conflicting owners: CRM in subgraph crm, PSA in subgraph psa',
    ]);
  });
});

describe('composeSupergraph and ownership', () => {
  it('maps each of Tessera subgraphs to its system of record', () => {
    expect(Object.fromEntries(SYSTEM_LIST.map((entry) => [entry.name, entry.systemOfRecord]))).toEqual({
      crm: 'CRM',
      psa: 'PSA',
      erp: 'ERP',
      integration: 'INTEGRATION',
    });
  });

  it('refuses Tessera subgraphs that break the ownership rule, with every violation', () => {
    const sources = REAL_SOURCES.map((source) =>
      source.name === 'psa'
        ? {
            ...source,
            sdl: source.sdl.replace(
              '  name: String! @tag(name: "partner")\n  status: ProjectStatus!',
              '  name: String! @tag(name: "partner") @owner(system: ERP)\n  status: ProjectStatus!',
            ),
          }
        : source,
    );
    expect(sources.find((source) => source.name === 'psa')!.sdl).toContain('name: String! @tag(name: "partner") @owner(system: ERP)');
    let error: unknown;
    try {
      composeSupergraph(sources);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CompositionError);
    expect((error as CompositionError).errors).toEqual(['subgraph psa (PSA) resolves Project.name, owned by ERP, without @external']);
  });

  it('does not check ownership when a subgraph is not one of Tessera (its system is unknown)', () => {
    const sdl = REAL_SOURCES.find((source) => source.name === 'crm')!.sdl.replace(
      'type Contact @key(fields: "id") @owner(system: CRM)',
      'type Contact @key(fields: "id") @owner(system: PSA)',
    );
    expect(sdl).toContain('@owner(system: PSA)');
    expect(() => composeSupergraph([{ name: 'crm', url: 'http://crm.test/graphql', sdl, system: 'CRM' }])).toThrow(CompositionError);
    expect(() => composeSupergraph([{ name: 'crm_hubspot', url: 'http://crm.test/graphql', sdl }])).not.toThrow();
  });
});
