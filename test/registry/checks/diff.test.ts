import { describe, expect, it } from 'vitest';
import { BASE, change, changesOf, edited } from './diffFixture.ts';

describe('diffGraphQLSchemas: types', () => {
  it('finds nothing between a schema and itself', () => {
    expect(changesOf(BASE, BASE)).toEqual([]);
  });

  it('TYPE_REMOVED is breaking for every field of the type and every field returning it', () => {
    const after = edited('  budget: Money\n', '', edited('type Money {\n  amount: String!\n  currency: String!\n}\n', ''));
    expect(changesOf(BASE, after)).toEqual([
      change('BREAKING', 'TYPE_REMOVED', 'Money', '`Money` was removed: operations that use it or its fields no longer validate.', [
        'Money.amount',
        'Money.currency',
        'Project.budget',
      ]),
      change('BREAKING', 'FIELD_REMOVED', 'Project.budget', '`Project.budget` was removed: operations that select it no longer validate.', [
        'Project.budget',
      ]),
    ]);
  });

  it('TYPE_ADDED is safe', () => {
    expect(changesOf(BASE, `${BASE}\ntype Team { id: ID! }`)).toEqual([change('SAFE', 'TYPE_ADDED', 'Team', '`Team` was added.')]);
  });

  it('TYPE_KIND_CHANGED is breaking for its members and every position of the type', () => {
    const after = edited('enum ProjectStatus {\n  ACTIVE\n  ON_HOLD\n  CLOSED\n}', 'scalar ProjectStatus');
    expect(changesOf(BASE, after)).toEqual([
      change(
        'BREAKING',
        'TYPE_KIND_CHANGED',
        'ProjectStatus',
        '`ProjectStatus` changed from an enum type to a scalar type: operations that use it may no longer validate.',
        ['Project.status', 'ProjectStatus.ACTIVE', 'ProjectStatus.CLOSED', 'ProjectStatus.ON_HOLD', 'Query.projects(status:)'],
      ),
    ]);
  });
});

describe('diffGraphQLSchemas: output fields', () => {
  it('FIELD_REMOVED is breaking for that field', () => {
    expect(changesOf(BASE, edited('  code: String\n', ''))).toEqual([
      change('BREAKING', 'FIELD_REMOVED', 'Project.code', '`Project.code` was removed: operations that select it no longer validate.', [
        'Project.code',
      ]),
    ]);
  });

  it('FIELD_ADDED is safe', () => {
    expect(changesOf(BASE, edited('  code: String\n', '  code: String\n  startsOn: String\n'))).toEqual([
      change('SAFE', 'FIELD_ADDED', 'Project.startsOn', '`Project.startsOn` was added.'),
    ]);
  });

  it('FIELD_TYPE_CHANGED from nullable to non-null is safe', () => {
    expect(changesOf(BASE, edited('  code: String\n', '  code: String!\n'))).toEqual([
      change(
        'SAFE',
        'FIELD_TYPE_CHANGED',
        'Project.code',
        '`Project.code` changed type from `String` to `String!`: it promises more than before (never null), which breaks no client.',
      ),
    ]);
  });

  it('FIELD_TYPE_CHANGED from non-null to nullable is breaking', () => {
    expect(changesOf(BASE, edited('  code: String\n  name: String!', '  code: String\n  name: String'))).toEqual([
      change(
        'BREAKING',
        'FIELD_TYPE_CHANGED',
        'Project.name',
        '`Project.name` changed type from `String!` to `String`: it may now be null where clients count on a value.',
        ['Project.name'],
      ),
    ]);
  });

  it('FIELD_TYPE_CHANGED inside a list follows the same rules', () => {
    expect(changesOf(BASE, edited('[Project!]!', '[Project]!'))).toEqual([
      change(
        'BREAKING',
        'FIELD_TYPE_CHANGED',
        'Query.projects',
        '`Query.projects` changed type from `[Project!]!` to `[Project]!`: it may now be null where clients count on a value.',
        ['Query.projects'],
      ),
    ]);
    expect(changesOf(edited('[Project!]!', '[Project]'), edited('[Project!]!', '[Project!]!'))).toEqual([
      change(
        'SAFE',
        'FIELD_TYPE_CHANGED',
        'Query.projects',
        '`Query.projects` changed type from `[Project]` to `[Project!]!`: it promises more than before (never null), which breaks no client.',
      ),
    ]);
  });

  it('FIELD_TYPE_CHANGED of list-ness or named type is breaking', () => {
    const message = (from: string, to: string) =>
      `\`Project.code\` changed type from \`${from}\` to \`${to}\`: clients get values of another type or shape, and their selections on it may no longer validate.`;
    expect(changesOf(BASE, edited('  code: String\n', '  code: [String]\n'))).toEqual([
      change('BREAKING', 'FIELD_TYPE_CHANGED', 'Project.code', message('String', '[String]'), ['Project.code']),
    ]);
    expect(changesOf(BASE, edited('  code: String\n', '  code: Int!\n'))).toEqual([
      change('BREAKING', 'FIELD_TYPE_CHANGED', 'Project.code', message('String', 'Int!'), ['Project.code']),
    ]);
  });
});

describe('diffGraphQLSchemas: arguments', () => {
  it('ARG_REMOVED is breaking for whoever gives it', () => {
    expect(changesOf(BASE, edited('projects(status: ProjectStatus, first', 'projects(first'))).toEqual([
      change(
        'BREAKING',
        'ARG_REMOVED',
        'Query.projects(status:)',
        'The argument `Query.projects(status:)` was removed: operations that give it no longer validate.',
        ['Query.projects(status:)'],
      ),
    ]);
  });

  it('ARG_ADDED_REQUIRED is breaking for every selection of the field', () => {
    expect(changesOf(BASE, edited('first: Int = 50)', 'first: Int = 50, region: String!)'))).toEqual([
      change(
        'BREAKING',
        'ARG_ADDED_REQUIRED',
        'Query.projects(region:)',
        'A required argument `Query.projects(region:)` (`String!`, no default) was added: operations that select `Query.projects` without it no longer validate. Give it a default or make it nullable.',
        ['Query.projects'],
      ),
    ]);
  });

  it('ARG_ADDED_OPTIONAL is safe, nullable or with a default', () => {
    const message = 'An optional argument `Query.projects(region:)` was added: operations that omit it are answered as before.';
    expect(changesOf(BASE, edited('first: Int = 50)', 'first: Int = 50, region: String)'))).toEqual([
      change('SAFE', 'ARG_ADDED_OPTIONAL', 'Query.projects(region:)', message),
    ]);
    expect(changesOf(BASE, edited('first: Int = 50)', 'first: Int = 50, region: String! = "EU")'))).toEqual([
      change('SAFE', 'ARG_ADDED_OPTIONAL', 'Query.projects(region:)', message),
    ]);
  });

  it('ARG_TYPE_CHANGED: loosened is safe, tightened or retyped is breaking', () => {
    expect(changesOf(BASE, edited('project(id: ID!)', 'project(id: ID)'))).toEqual([
      change(
        'SAFE',
        'ARG_TYPE_CHANGED',
        'Query.project(id:)',
        '`Query.project(id:)` changed type from `ID!` to `ID`: it accepts more than before, which breaks no client.',
      ),
    ]);
    expect(changesOf(BASE, edited('project(id: ID!)', 'project(id: String!)'))).toEqual([
      change(
        'BREAKING',
        'ARG_TYPE_CHANGED',
        'Query.project(id:)',
        '`Query.project(id:)` changed type from `ID!` to `String!`: values and variables of type `ID!` are no longer accepted.',
        ['Query.project(id:)'],
      ),
    ]);
    expect(changesOf(BASE, edited('projects(status: ProjectStatus,', 'projects(status: ProjectStatus!,'))).toEqual([
      change(
        'BREAKING',
        'ARG_TYPE_CHANGED',
        'Query.projects(status:)',
        '`Query.projects(status:)` changed type from `ProjectStatus` to `ProjectStatus!` with no default: operations that select `Query.projects` without it, or with null, no longer validate.',
        ['Query.projects'],
      ),
    ]);
  });

  it('ARG_DEFAULT_CHANGED is dangerous for whoever omits it; losing the default of a non-null argument is breaking', () => {
    expect(changesOf(BASE, edited('first: Int = 50', 'first: Int = 20'))).toEqual([
      change(
        'DANGEROUS',
        'ARG_DEFAULT_CHANGED',
        'Query.projects(first:)',
        'The default of `Query.projects(first:)` changed from `50` to `20`: operations that omit it may get another answer.',
        ['Query.projects'],
      ),
    ]);
    expect(changesOf(edited('first: Int = 50', 'first: Int! = 50'), edited('first: Int = 50', 'first: Int!'))).toEqual([
      change(
        'BREAKING',
        'ARG_DEFAULT_CHANGED',
        'Query.projects(first:)',
        'The default of `Query.projects(first:)` (`50`) was removed and its type `Int!` is non-null: operations that select `Query.projects` without it no longer validate.',
        ['Query.projects'],
      ),
    ]);
    // Retyped and required at once: one change, the type's.
    expect(changesOf(BASE, edited('first: Int = 50', 'first: Int!')).map((c) => [c.kind, c.severity])).toEqual([
      ['ARG_TYPE_CHANGED', 'BREAKING'],
    ]);
  });
});

describe('diffGraphQLSchemas: input fields', () => {
  it('INPUT_FIELD_REMOVED is breaking for whoever gives it', () => {
    expect(
      changesOf(BASE, edited('input MoneyInput {\n  amount: String!\n  currency: String!\n}', 'input MoneyInput {\n  amount: String!\n}')),
    ).toEqual([
      change(
        'BREAKING',
        'INPUT_FIELD_REMOVED',
        'MoneyInput.currency',
        'The input field `MoneyInput.currency` was removed: operations that give it no longer validate.',
        ['MoneyInput.currency'],
      ),
    ]);
  });

  it('INPUT_FIELD_ADDED_REQUIRED is breaking wherever the input is given, directly or nested', () => {
    const after = edited('input MoneyInput {\n  amount: String!', 'input MoneyInput {\n  rate: String!\n  amount: String!');
    expect(changesOf(BASE, after)).toEqual([
      change(
        'BREAKING',
        'INPUT_FIELD_ADDED_REQUIRED',
        'MoneyInput.rate',
        'A required input field `MoneyInput.rate` (`String!`, no default) was added: operations that give a `MoneyInput` value without it no longer validate. Give it a default or make it nullable.',
        ['Mutation.createProject(input:)', 'ProjectInput.budget'],
      ),
    ]);
  });

  it('INPUT_FIELD_ADDED_OPTIONAL is safe', () => {
    expect(changesOf(BASE, edited('  note: String\n', '  note: String\n  tags: [String!]\n'))).toEqual([
      change(
        'SAFE',
        'INPUT_FIELD_ADDED_OPTIONAL',
        'ProjectInput.tags',
        'An optional input field `ProjectInput.tags` was added: operations that omit it are answered as before.',
      ),
    ]);
  });

  it('INPUT_FIELD_TYPE_CHANGED: loosened is safe, newly required is breaking wherever the input is given', () => {
    expect(changesOf(BASE, edited('input ProjectInput {\n  name: String!', 'input ProjectInput {\n  name: String'))).toEqual([
      change(
        'SAFE',
        'INPUT_FIELD_TYPE_CHANGED',
        'ProjectInput.name',
        '`ProjectInput.name` changed type from `String!` to `String`: it accepts more than before, which breaks no client.',
      ),
    ]);
    expect(changesOf(BASE, edited('  budget: MoneyInput\n', '  budget: MoneyInput!\n'))).toEqual([
      change(
        'BREAKING',
        'INPUT_FIELD_TYPE_CHANGED',
        'ProjectInput.budget',
        '`ProjectInput.budget` changed type from `MoneyInput` to `MoneyInput!` with no default: operations that give a `ProjectInput` value without it, or with null, no longer validate.',
        ['Mutation.createProject(input:)'],
      ),
    ]);
  });

  it('INPUT_FIELD_DEFAULT_CHANGED is dangerous wherever the input is given', () => {
    expect(changesOf(BASE, edited('  note: String\n', '  note: String = "none"\n'))).toEqual([
      change(
        'DANGEROUS',
        'INPUT_FIELD_DEFAULT_CHANGED',
        'ProjectInput.note',
        'The default of `ProjectInput.note` changed from none to `"none"`: operations that omit it may get another answer.',
        ['Mutation.createProject(input:)'],
      ),
    ]);
  });
});

describe('diffGraphQLSchemas: enums, unions, interfaces', () => {
  it('ENUM_VALUE_REMOVED is breaking for whoever gives it and whoever reads a field of the enum', () => {
    expect(changesOf(BASE, edited('  ON_HOLD\n', ''))).toEqual([
      change(
        'BREAKING',
        'ENUM_VALUE_REMOVED',
        'ProjectStatus.ON_HOLD',
        '`ProjectStatus.ON_HOLD` was removed: operations that give it no longer validate, and clients that read `Project.status` no longer get it.',
        ['Project.status', 'ProjectStatus.ON_HOLD'],
      ),
    ]);
  });

  it('ENUM_VALUE_ADDED is dangerous: readers may get a value they do not handle', () => {
    expect(changesOf(BASE, edited('  CLOSED\n', '  CLOSED\n  PAUSED\n'))).toEqual([
      change(
        'DANGEROUS',
        'ENUM_VALUE_ADDED',
        'ProjectStatus.PAUSED',
        '`ProjectStatus.PAUSED` was added: clients that read `Project.status` may get a value they do not handle.',
        ['Project.status'],
      ),
    ]);
  });

  it('UNION_MEMBER_REMOVED is breaking and UNION_MEMBER_ADDED dangerous, for the fields returning the union', () => {
    expect(changesOf(BASE, edited('= Project | Person', '= Project'))).toEqual([
      change(
        'BREAKING',
        'UNION_MEMBER_REMOVED',
        'SearchResult',
        '`SearchResult` no longer includes `Person`: fragments on `Person` within it no longer validate, and clients that read `Query.search` no longer get one.',
        ['Query.search'],
      ),
    ]);
    expect(changesOf(edited('= Project | Person', '= Project'), BASE)).toEqual([
      change(
        'DANGEROUS',
        'UNION_MEMBER_ADDED',
        'SearchResult',
        '`SearchResult` now includes `Person`: clients that read `Query.search` may get a type they do not handle.',
        ['Query.search'],
      ),
    ]);
  });

  it('INTERFACE_REMOVED_FROM_OBJECT is breaking for the interface fields; INTERFACE_ADDED_TO_OBJECT is safe', () => {
    const without = edited('type Person implements Node {', 'type Person {');
    expect(changesOf(BASE, without)).toEqual([
      change(
        'BREAKING',
        'INTERFACE_REMOVED_FROM_OBJECT',
        'Person',
        '`Person` no longer implements `Node`: fragments on `Node` within `Person` no longer validate, and fields returning `Node` no longer return a `Person`.',
        ['Node.id'],
      ),
    ]);
    expect(changesOf(without, BASE)).toEqual([change('SAFE', 'INTERFACE_ADDED_TO_OBJECT', 'Person', '`Person` now implements `Node`.')]);
  });
});

describe('diffGraphQLSchemas: deprecations and directives', () => {
  it('deprecating, undeprecating and rewording are safe', () => {
    const deprecated = edited(
      '  code: String\n',
      '  code: String @deprecated(reason: "Use name. Sunset 2027-01-31.")\n',
      edited('  ON_HOLD\n', '  ON_HOLD @deprecated(reason: "Gone")\n'),
    );
    const withArgAndInput = edited(
      'projects(status: ProjectStatus,',
      'projects(status: ProjectStatus @deprecated(reason: "Filter later"),',
      edited('  note: String\n', '  note: String @deprecated\n', deprecated),
    );
    expect(changesOf(BASE, withArgAndInput)).toEqual([
      change('SAFE', 'FIELD_DEPRECATED', 'Project.code', '`Project.code` was deprecated: "Use name. Sunset 2027-01-31.".'),
      change('SAFE', 'INPUT_FIELD_DEPRECATED', 'ProjectInput.note', '`ProjectInput.note` was deprecated: "No longer supported".'),
      change('SAFE', 'ENUM_VALUE_DEPRECATED', 'ProjectStatus.ON_HOLD', '`ProjectStatus.ON_HOLD` was deprecated: "Gone".'),
      change('SAFE', 'ARG_DEPRECATED', 'Query.projects(status:)', '`Query.projects(status:)` was deprecated: "Filter later".'),
    ]);
    expect(changesOf(deprecated, BASE)).toEqual([
      change('SAFE', 'FIELD_UNDEPRECATED', 'Project.code', '`Project.code` is no longer deprecated.'),
      change('SAFE', 'ENUM_VALUE_UNDEPRECATED', 'ProjectStatus.ON_HOLD', '`ProjectStatus.ON_HOLD` is no longer deprecated.'),
    ]);
    expect(changesOf(deprecated, edited('Use name. Sunset 2027-01-31.', 'Use name. Sunset 2027-03-31.', deprecated))).toEqual([
      change(
        'SAFE',
        'DEPRECATION_REASON_CHANGED',
        'Project.code',
        'The deprecation reason of `Project.code` changed from "Use name. Sunset 2027-01-31." to "Use name. Sunset 2027-03-31.".',
      ),
    ]);
  });

  it('a directive clients may write: removed, narrowed or losing an argument is breaking, with the directive as its usage coordinate; added is safe', () => {
    const directive = 'directive @cached(ttl: Int, scope: String) on FIELD | FRAGMENT_SPREAD\n';
    expect(changesOf(BASE, edited(directive, ''))).toEqual([
      change('BREAKING', 'DIRECTIVE_REMOVED', '@cached', '`@cached` was removed: operations that use it no longer validate.', ['@cached']),
    ]);
    expect(changesOf(BASE, edited(directive, 'directive @cached(ttl: Int) on FIELD\n'))).toEqual([
      change(
        'BREAKING',
        'DIRECTIVE_LOCATION_REMOVED',
        '@cached',
        '`@cached` is no longer allowed on FRAGMENT_SPREAD: operations that use it there no longer validate.',
        ['@cached'],
      ),
      change(
        'BREAKING',
        'DIRECTIVE_ARG_REMOVED',
        '@cached(scope:)',
        'The argument `@cached(scope:)` was removed: operations that give it no longer validate.',
        ['@cached'],
      ),
    ]);
    expect(changesOf(edited(directive, ''), BASE)).toEqual([change('SAFE', 'DIRECTIVE_ADDED', '@cached', '`@cached` was added.')]);
  });

  it('sorts by coordinate, then kind', () => {
    const after = edited('  code: String\n', '', edited('  ON_HOLD\n', '', edited('project(id: ID!)', 'project(id: ID)')));
    expect(changesOf(BASE, after).map((c) => `${c.coordinate} ${c.kind}`)).toEqual([
      'Project.code FIELD_REMOVED',
      'ProjectStatus.ON_HOLD ENUM_VALUE_REMOVED',
      'Query.project(id:) ARG_TYPE_CHANGED',
    ]);
  });
});
