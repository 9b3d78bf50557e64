/**
 * STRICTER_ACCESS_NOT_NULLABLE (docs/registry.md#rules): a field whose access requirement is
 * stricter than what its parent guarantees must be nullable, so that a caller without it keeps the
 * rest of the answer. Requirements are OR-of-AND groups of scopes and policies; a field requires its
 * own and its returned type's; a parent guarantees what every way of reaching it required.
 */
import { describe, expect, it } from 'vitest';
import { error, lint, type Fixture } from './governanceFixtures.ts';

const psa = (body: string): Fixture => ({ name: 'psa', system: 'PSA', body });
const PROJECT = '@owner(system: PSA) @requiresScopes(scopes: [["psa:read"]])';
const message = (coordinate: string, required: string, source: string, parent: string, type: string, nullable: string) =>
  `${coordinate} requires ${required} (${source}), but ${parent}; as ${type} it would null its parent for a caller without that access. ` +
  `Make it nullable (${nullable}) so the rest of the answer stays.`;

describe('STRICTER_ACCESS_NOT_NULLABLE', () => {
  it('passes nullable stricter fields, non-null fields the parent already covers, [T!] items and mutation roots', () => {
    const body = `
      type Query {
        project(id: ID!): Project ${PROJECT}
        projects: ProjectConnection ${PROJECT}
        health: String! @owner(system: PSA) @public
      }
      type Mutation { closeProject(id: ID!): ProjectPayload! @owner(system: PSA) @requiresScopes(scopes: [["psa:write"]]) }
      type ProjectPayload @owner(system: PSA) @public { project: Project ok: Boolean! }
      type ProjectConnection @owner(system: PSA) @public { nodes: [Project!]! total: Int! }
      type Project @key(fields: "id") ${PROJECT} {
        id: ID!
        name: String!
        "psa:read and psa:cost, stricter: nullable."
        cost: String @requiresScopes(scopes: [["psa:cost"]])
        "[T!] items: a denial nulls the whole list, never one item."
        costs: [String!] @requiresScopes(scopes: [["psa:cost"]])
        "Implied: psa:read (the parent's) is one of the alternatives."
        code: String! @requiresScopes(scopes: [["psa:read"], ["psa:admin"]])
        "Implied: @authenticated holds for any principal with a scope."
        stage: String! @authenticated
      }`;
    expect(lint([psa(body)])).toEqual([]);
  });

  it('reports a non-null root Query field with a requirement, and non-null fields stricter than their parent', () => {
    const body = `
      type Query {
        projects: [Project!]! ${PROJECT}
        project(id: ID!): Project ${PROJECT}
      }
      type Project @key(fields: "id") ${PROJECT} {
        id: ID!
        cost: String! @requiresScopes(scopes: [["psa:cost"]])
        "A scope the parent's alternatives do not all include."
        margin: String! @requiresScopes(scopes: [["psa:read", "psa:cost"]])
        "A policy counts like a scope (all four named policies: a schema that names one must use each, POLICY_MISMATCH)."
        secret: String! @policy(policies: [["legalEntityScoped", "partnerAccountScoped", "segregationOfDuties", "internalOnly"]])
        owner: Person!
      }
      type Person @owner(system: PSA) @requiresScopes(scopes: [["hr:read"]]) { name: String! }`;
    expect(lint([psa(body)])).toEqual([
      error(
        'STRICTER_ACCESS_NOT_NULLABLE',
        'Project.cost',
        'psa',
        message('Project.cost', 'psa:cost', 'its own', 'reaching Project guarantees only psa:read', 'String!', 'String'),
      ),
      error(
        'STRICTER_ACCESS_NOT_NULLABLE',
        'Project.margin',
        'psa',
        message('Project.margin', 'psa:cost and psa:read', 'its own', 'reaching Project guarantees only psa:read', 'String!', 'String'),
      ),
      error(
        'STRICTER_ACCESS_NOT_NULLABLE',
        'Project.secret',
        'psa',
        message(
          'Project.secret',
          'policy internalOnly and policy legalEntityScoped and policy partnerAccountScoped and policy segregationOfDuties',
          'its own',
          'reaching Project guarantees only psa:read',
          'String!',
          'String',
        ),
      ),
      error(
        'STRICTER_ACCESS_NOT_NULLABLE',
        'Project.owner',
        'psa',
        message('Project.owner', 'hr:read', "Person's", 'reaching Project guarantees only psa:read', 'Person!', 'Person'),
      ),
      error(
        'STRICTER_ACCESS_NOT_NULLABLE',
        'Query.projects',
        'psa',
        message(
          'Query.projects',
          'psa:read',
          'its own',
          'it is a root Query field (nothing is guaranteed above it)',
          '[Project!]!',
          '[Project!]',
        ),
      ),
    ]);
  });

  it('takes what a value type guarantees from every way of reaching it: a payload of a write scope does not cover a read', () => {
    const body = `
      type Query { project(id: ID!): Project ${PROJECT} }
      type Mutation { closeProject(id: ID!): ProjectPayload! @owner(system: PSA) @requiresScopes(scopes: [["psa:write"]]) }
      type ProjectPayload @owner(system: PSA) @public { project: Project! }
      type Project @key(fields: "id") ${PROJECT} { id: ID! }`;
    expect(lint([psa(body)])).toEqual([
      error(
        'STRICTER_ACCESS_NOT_NULLABLE',
        'ProjectPayload.project',
        'psa',
        message(
          'ProjectPayload.project',
          'psa:read',
          "Project's",
          'reaching ProjectPayload guarantees only psa:write',
          'Project!',
          'Project',
        ),
      ),
    ]);
  });
});
