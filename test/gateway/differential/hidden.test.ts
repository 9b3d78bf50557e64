/**
 * The hidden supergraph (supergraphs/hidden.ts) through both executors: `@inaccessible` fields,
 * types and enum values; subgraphs answering inaccessible enum values where the field is non-null,
 * nullable, a list item and a value type of another subgraph; a `@requires` on an inaccessible
 * field; and what clients may not ask for, refused alike.
 */
import { describeExamples } from './examples.ts';
import { answers, fieldThrows, whereKey } from './faults.ts';
import { HIDDEN } from './supergraphs/hidden.ts';

describeExamples(HIDDEN, [
  {
    name: 'visible fields of two subgraphs, inaccessible ones fetched for a @requires but not shown',
    query: '{ accounts { id name status tier balance creditScore plan { name tier } } }',
  },
  {
    name: 'an inaccessible enum value on a nullable field, in a list, and in a value type of another subgraph',
    query: '{ accounts(includeClosed: true) { id tier flags plan { name tier } } }',
  },
  {
    name: 'an inaccessible enum value on a non-null field bubbles',
    query: '{ account(id: "a3") { id name status } accounts { id } }',
    apollo: {
      status: 200,
      body: {
        data: { account: null, accounts: [{ id: 'a1' }, { id: 'a2' }] },
        extensions: {
          valueCompletion: [
            {
              message: 'Invalid value found for field Account.status.',
              path: ['account', 'status'],
              extensions: { code: 'INVALID_GRAPHQL' },
            },
          ],
        },
      },
    },
  },
  {
    name: 'an inaccessible enum value on a non-null field inside a non-null list empties data',
    query: '{ accounts(includeClosed: true) { id status } }',
  },
  {
    name: 'inaccessible enum values among nullable list items',
    query: '{ statuses first: account(id: "a1") { status } }',
  },
  {
    name: 'an inaccessible field is refused',
    query: '{ accounts { id legacyCode } }',
  },
  {
    name: 'an inaccessible type is refused',
    query: '{ __type(name: "Internal") { name } accounts { id } }',
  },
  {
    name: 'an inaccessible enum value in a variable is refused',
    query: 'query($status: Status!) { byStatus(status: $status) { id } }',
    variables: { status: 'CLOSED' },
  },
  {
    name: 'an inaccessible enum value as a literal is refused; a visible one is sent on',
    query: '{ closed: byStatus(status: CLOSED) { id } }',
  },
  {
    name: 'a visible enum value as an argument',
    query: '{ suspended: byStatus(status: SUSPENDED) { id name balance } }',
  },
  {
    name: 'introspection of an enum with inaccessible values, beside fields',
    query: '{ __type(name: "Tier") { name enumValues { name } } __schema { queryType { name } } account(id: "a1") { tier } }',
  },
  {
    name: '__typename, aliases and fragments over the entity',
    query: `query($id: ID!, $deep: Boolean!) { __typename mine: account(id: $id) { __typename ...Money ...Plan @include(if: $deep) } other: account(id: "a2") { ...Money } }
fragment Money on Account { balance score: creditScore }
fragment Plan on Account { plan { __typename name tier } }`,
    variables: { id: 'a1', deep: true },
  },
  {
    name: 'the field the @requires needs throws',
    query: '{ accounts { id creditScore } }',
    faults: [fieldThrows('accounts', 'Account.legacyCode', 'legacy store offline', whereKey('id', 'a1'))],
  },
  {
    name: 'a non-null field of the second subgraph throws at an entity path',
    query: '{ accounts(includeClosed: false) { id balance } }',
    faults: [fieldThrows('billing', 'Account.balance', 'ledger locked', whereKey('id', 'a2'), { code: 'LOCKED' })],
  },
  {
    name: 'the second subgraph is down',
    query: '{ accounts { id name creditScore plan { name } } }',
    faults: [answers('billing', { kind: 'down' })],
  },
  {
    name: 'the root subgraph answers a 500',
    query: '{ accounts { id balance } }',
    faults: [answers('accounts', { kind: 'status', status: 500 })],
  },
]);
