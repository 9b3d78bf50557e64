import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { analyseOperation, usageCoordinates } from '../../gateway/usage/coordinates.ts';

const schema = buildSchema(`
  interface Node { id: ID! }
  enum Stage { LEAD QUALIFIED WON LOST }
  enum Currency { EUR USD }
  input MoneyInput { amount: String! currency: Currency! }
  input Filter { stages: [Stage!] minValue: MoneyInput owner: String and: [Filter!] }
  type Money { amount: String! currency: Currency! }
  type Opportunity implements Node { id: ID! name: String! stage: Stage! value(in: Currency = EUR): Money account: Account }
  type Account implements Node { id: ID! name: String! opportunities(filter: Filter, first: Int): [Opportunity!]! }
  union SearchResult = Opportunity | Account
  type Query {
    node(id: ID!): Node
    opportunities(filter: Filter, first: Int): [Opportunity!]!
    search(text: String!): [SearchResult!]!
  }
  type Mutation { moveOpportunity(id: ID!, to: Stage!): Opportunity }
`);

const coordinates = (query: string, variables: Record<string, unknown> = {}, operationName: string | null = null) =>
  [...usageCoordinates(schema, parse(query), operationName, variables)].sort();

describe('usageCoordinates', () => {
  it('records each selected field by its parent type, with aliases read as their fields, and leaves out __typename and introspection', () => {
    expect(
      coordinates('{ first: opportunities { id name __typename } second: opportunities { stage } __schema { types { name } } }'),
    ).toEqual(['Opportunity.id', 'Opportunity.name', 'Opportunity.stage', 'Query.opportunities']);
  });

  it('follows fragments and inline fragments, an interface field by the interface', () => {
    const query = `
      query Q { node(id: "1") { id ...Opp } search(text: "x") { ... on Account { name ...Acc } ...Opp } }
      fragment Opp on Opportunity { stage account { ...Acc } }
      fragment Acc on Account { id }
    `;
    expect(coordinates(query)).toEqual([
      'Account.id',
      'Account.name',
      'Node.id',
      'Opportunity.account',
      'Opportunity.stage',
      'Query.node',
      'Query.node(id:)',
      'Query.search',
      'Query.search(text:)',
    ]);
  });

  it('records arguments, nested input fields and enum values given as literals', () => {
    const query = `{
      opportunities(filter: { stages: [WON, LOST], minValue: { amount: "10", currency: USD }, and: { stages: LEAD } }) {
        value(in: USD) { amount }
      }
    }`;
    expect(coordinates(query)).toEqual([
      'Currency.USD',
      'Filter.and',
      'Filter.minValue',
      'Filter.stages',
      'Money.amount',
      'MoneyInput.amount',
      'MoneyInput.currency',
      'Opportunity.value',
      'Opportunity.value(in:)',
      'Query.opportunities',
      'Query.opportunities(filter:)',
      'Stage.LEAD',
      'Stage.LOST',
      'Stage.WON',
    ]);
  });

  it('reads input fields and enum values from the variables, and a default only when the variable is not given', () => {
    const query = `
      query Q($filter: Filter, $first: Int, $currency: Currency = EUR, $id: ID!, $to: Stage!) {
        opportunities(filter: $filter, first: $first) { value(in: $currency) { currency } }
        account: opportunities(filter: { stages: [$to] }) { id }
      }
    `;
    const filter = { owner: 'ada', stages: ['QUALIFIED'], minValue: { amount: '1', currency: 'USD' }, unknown: 'x' };
    const fixed = [
      'Filter.stages',
      'Money.currency',
      'Opportunity.id',
      'Opportunity.value',
      'Opportunity.value(in:)',
      'Query.opportunities',
      'Query.opportunities(filter:)',
      'Query.opportunities(first:)',
    ];
    expect(coordinates(query, { filter, first: 3, id: '1', to: 'WON' })).toEqual(
      [
        ...fixed,
        'Currency.EUR',
        'Currency.USD',
        'Filter.minValue',
        'Filter.owner',
        'MoneyInput.amount',
        'MoneyInput.currency',
        'Stage.QUALIFIED',
        'Stage.WON',
      ].sort(),
    );
    expect(coordinates(query, { filter: null, currency: 'USD', to: 'LOST' })).toEqual([...fixed, 'Currency.USD', 'Stage.LOST'].sort());
  });

  it('reads only the operation operationName selects', () => {
    const query = `
      query Read { opportunities { name } }
      mutation Move($to: Stage!) { moveOpportunity(id: "1", to: $to) { stage } }
    `;
    expect(coordinates(query, { to: 'WON' }, 'Move')).toEqual([
      'Mutation.moveOpportunity',
      'Mutation.moveOpportunity(id:)',
      'Mutation.moveOpportunity(to:)',
      'Opportunity.stage',
      'Stage.WON',
    ]);
    expect(coordinates(query, {}, 'Read')).toEqual(['Opportunity.name', 'Query.opportunities']);
    expect(coordinates(query, {}, 'Missing')).toEqual([]);
  });

  it('leaves directive arguments out and records skipped fields (the document depends on them)', () => {
    expect(coordinates('query Q($s: Boolean!) { opportunities { name @skip(if: $s) id @include(if: true) } }', { s: true })).toEqual([
      'Opportunity.id',
      'Opportunity.name',
      'Query.opportunities',
    ]);
  });

  it('walks a fragment spread many times once, and keeps only the variables that can name coordinates', () => {
    const spreads = Array.from({ length: 2000 }, () => '...F').join(' ');
    const document = parse(
      `query Q($first: Int, $filter: Filter) { opportunities(first: $first, filter: $filter) { ${spreads} } } fragment F on Opportunity { id name }`,
    );
    const analysis = analyseOperation(schema, document, 'Q');
    expect([...analysis.coordinates].sort()).toEqual([
      'Opportunity.id',
      'Opportunity.name',
      'Query.opportunities',
      'Query.opportunities(filter:)',
      'Query.opportunities(first:)',
    ]);
    expect(analysis.variableSites.map((site) => `${site.name}: ${String(site.type)}`)).toEqual(['filter: Filter']);
  });

  it('takes hostile variable values without throwing: wrong shapes and prototype keys name nothing', () => {
    const query = 'query Q($filter: Filter) { opportunities(filter: $filter) { id } }';
    const filter = JSON.parse('{"__proto__": {"x": 1}, "stages": {"a": "WON"}, "minValue": [1], "and": [{"stages": "NOPE"}]}') as unknown;
    expect(coordinates(query, { filter })).toEqual([
      'Filter.and',
      'Filter.minValue',
      'Filter.stages',
      'Opportunity.id',
      'Query.opportunities',
      'Query.opportunities(filter:)',
    ]);
  });
});
