import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaOf, changeFindings, diffSchemas, diffSubgraphSdls } from '../../../registry/checks/diff.ts';
import { composeSupergraph } from '../../../schema/compose.ts';
import { REAL_SOURCES } from '../../schema/realSchema.ts';
import { change } from './diffFixture.ts';

const link = (imports: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: [${imports}])\n`;
const PSA = `${link('"@key", "@inaccessible"')}
type Query {
  project(id: ID!): Project
  probe: String @inaccessible
}
type Project @key(fields: "id") {
  id: ID!
  code: String
  name: String!
  secret: String @inaccessible
}`;
const ERP = `${link('"@key"')}
type Project @key(fields: "id") {
  id: ID!
  invoices: [String!]!
}`;

function supergraph(psa: string): string {
  return composeSupergraph([
    { name: 'psa', url: 'http://psa.test/graphql', sdl: psa },
    { name: 'erp', url: 'http://erp.test/graphql', sdl: ERP },
  ]);
}

describe('apiSchemaOf', () => {
  it('is what clients see: no federation internals, no @inaccessible elements', () => {
    expect(printSchema(apiSchemaOf(supergraph(PSA)))).toBe(
      [
        'type Project {',
        '  id: ID!',
        '  invoices: [String!]!',
        '  code: String',
        '  name: String!',
        '}',
        '',
        'type Query {',
        '  project(id: ID!): Project',
        '}',
      ].join('\n'),
    );
  });

  it('is memoised by SDL', () => {
    const sdl = supergraph(PSA);
    expect(apiSchemaOf(sdl)).toBe(apiSchemaOf(sdl));
  });
});

describe('diffSchemas', () => {
  it('has nothing to compare before the first supergraph', () => {
    expect(diffSchemas(null, supergraph(PSA))).toEqual([]);
  });

  it('compares API schemas: an element made @inaccessible is removed, one made accessible is added', () => {
    const after = PSA.replace('  code: String\n', '  code: String @inaccessible\n').replace(
      '  secret: String @inaccessible\n',
      '  secret: String\n',
    );
    expect(diffSchemas(supergraph(PSA), supergraph(after))).toEqual([
      change('BREAKING', 'FIELD_REMOVED', 'Project.code', '`Project.code` was removed: operations that select it no longer validate.', [
        'Project.code',
      ]),
      change('SAFE', 'FIELD_ADDED', 'Project.secret', '`Project.secret` was added.'),
    ]);
  });

  it('finds nothing between the canonical supergraph and itself', () => {
    const sdl = composeSupergraph(REAL_SOURCES);
    expect(diffSchemas(sdl, sdl)).toEqual([]);
  });
});

describe('diffSubgraphSdls', () => {
  it('compares two versions of a subgraph without what federation adds to its schema', () => {
    const before = `${link('"@key"')}\ntype Query {\n  code: String\n  name: String\n}`;
    // Becoming an entity subgraph adds _entities, _Entity and the like: none of them is a change.
    const after = `${link('"@key"')}\ntype Query {\n  name: String!\n  project: Project\n}\ntype Project @key(fields: "id") {\n  id: ID!\n}`;
    expect(diffSubgraphSdls(before, after)).toEqual([
      change('SAFE', 'TYPE_ADDED', 'Project', '`Project` was added.'),
      change('BREAKING', 'FIELD_REMOVED', 'Query.code', '`Query.code` was removed: operations that select it no longer validate.', [
        'Query.code',
      ]),
      change(
        'SAFE',
        'FIELD_TYPE_CHANGED',
        'Query.name',
        '`Query.name` changed type from `String` to `String!`: it promises more than before (never null), which breaks no client.',
      ),
      change('SAFE', 'FIELD_ADDED', 'Query.project', '`Query.project` was added.'),
    ]);
  });

  it('lists the directives the SDL defines itself', () => {
    const before = `${link('"@key"')}\ndirective @owner(system: String!) on FIELD_DEFINITION | OBJECT\ntype Query {\n  name: String\n}`;
    const after = before.replace(' | OBJECT', '');
    expect(diffSubgraphSdls(before, after)).toEqual([
      change(
        'BREAKING',
        'DIRECTIVE_LOCATION_REMOVED',
        '@owner',
        '`@owner` is no longer allowed on OBJECT: operations that use it there no longer validate.',
        ['@owner'],
      ),
    ]);
  });
});

describe('changeFindings', () => {
  it('lists breaking and dangerous changes as warnings and safe ones as info, by kind', () => {
    const changes = [
      change('BREAKING', 'FIELD_REMOVED', 'Project.code', '`Project.code` was removed: operations that select it no longer validate.', [
        'Project.code',
      ]),
      change(
        'DANGEROUS',
        'ENUM_VALUE_ADDED',
        'ProjectStatus.PAUSED',
        '`ProjectStatus.PAUSED` was added: clients that read `Project.status` may get a value they do not handle.',
        ['Project.status'],
      ),
      change('SAFE', 'FIELD_ADDED', 'Project.startsOn', '`Project.startsOn` was added.'),
    ];
    expect(changeFindings(changes)).toEqual([
      {
        rule: 'FIELD_REMOVED',
        severity: 'warning',
        coordinate: 'Project.code',
        subgraph: null,
        message: 'Breaking: `Project.code` was removed: operations that select it no longer validate.',
      },
      {
        rule: 'ENUM_VALUE_ADDED',
        severity: 'warning',
        coordinate: 'ProjectStatus.PAUSED',
        subgraph: null,
        message: 'Dangerous: `ProjectStatus.PAUSED` was added: clients that read `Project.status` may get a value they do not handle.',
      },
      {
        rule: 'FIELD_ADDED',
        severity: 'info',
        coordinate: 'Project.startsOn',
        subgraph: null,
        message: 'Safe: `Project.startsOn` was added.',
      },
    ]);
  });
});
