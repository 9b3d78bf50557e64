/**
 * Where SUBGRAPH_UNAVAILABLE goes (docs/resilience.md#precise-paths): only at values of the final
 * response that are really missing, what only the failed fetch was to supply. The four ways the
 * fetch-shaped placement went wrong (issue 11) each have a case here, with fetch documents of the
 * shapes the query planner sends; `gatewayMaps` stands for @apollo/gateway's mapping of
 * `['_entities', i]` onto the entity's response path.
 */
import { parse, type GraphQLFormattedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { fetchErrors, placeAtMissing, unavailableError } from '../../gateway/datasources/unavailableErrors.ts';

const MESSAGE = 'The erp subgraph is unavailable; this part of the response is missing.';
const EXTENSIONS = { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'erp', reason: 'connect_error' };

/** The failed fetch's errors as the gateway hands them on: entity paths mapped, `serviceName` added. */
function gatewayMaps(
  query: string,
  entityPaths: readonly (readonly (string | number)[])[],
  typenames: readonly string[] = [],
): GraphQLFormattedError[] {
  const representations =
    entityPaths.length > 0 ? entityPaths.map((_, i) => ({ __typename: typenames[i] ?? 'Project', id: `p${i}` })) : undefined;
  return fetchErrors([unavailableError('erp', 'connect_error')], parse(query), representations ? { representations } : {}).map((error) => {
    const path = error.path?.[0] === '_entities' ? entityPaths[error.path[1] as number] : error.path;
    return { ...error, ...(path ? { path } : {}), extensions: { ...error.extensions, serviceName: 'erp' } };
  });
}

const at = (...path: (string | number)[]) => ({ message: MESSAGE, path, extensions: { ...EXTENSIONS, serviceName: 'erp' } });

describe('case 1: a root fetch names only its top fields', () => {
  it('puts the error under a root field another fetch answered in part, at the fields missing', () => {
    // `viewer` is answered by another subgraph's root fetch; erp was to add `viewer.legalEntities`.
    const errors = gatewayMaps('{ viewer { legalEntities { code } } ledger { open } }', []);
    const data = { viewer: { name: 'Ada', legalEntities: null }, ledger: null };
    expect(placeAtMissing(errors, data)).toEqual([at('viewer', 'legalEntities'), at('ledger')]);
  });

  it('follows the fragments a root fetch spreads, instead of giving an error without a path', () => {
    const errors = gatewayMaps('query { ...Q } fragment Q on Query { legalEntities { code } }', []);
    expect(placeAtMissing(errors, { legalEntities: null, projects: { nodes: [] } })).toEqual([at('legalEntities')]);
  });

  it('names the root fields when a non-null one failed and the whole data is null', () => {
    const errors = gatewayMaps('mutation { enableCustomerBilling(input: {}) { replayed } }', []);
    expect(placeAtMissing(errors, null)).toEqual([at('enableCustomerBilling')]);
  });
});

describe('case 2: an entity fetch names only the first level', () => {
  it('goes down into objects another fetch supplied, to the nulls under them', () => {
    const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Project{contract{terms{poNumber}}}}}';
    const errors = gatewayMaps(query, [
      ['projects', 'nodes', 0],
      ['projects', 'nodes', 1],
    ]);
    const data = {
      projects: {
        nodes: [
          { code: 'A', contract: { id: 'c1', terms: null } },
          { code: 'B', contract: null },
        ],
      },
    };
    expect(placeAtMissing(errors, data)).toEqual([at('projects', 'nodes', 0, 'contract', 'terms'), at('projects', 'nodes', 1, 'contract')]);
  });

  it('walks lists item by item', () => {
    const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Account{invoices{id dueDate}}}}';
    const errors = gatewayMaps(query, [['account']], ['Account']);
    const data = { account: { invoices: [{ id: 'i1', dueDate: null }, null, { id: 'i3', dueDate: '2026-01-01' }] } };
    expect(placeAtMissing(errors, data)).toEqual([at('account', 'invoices', 0, 'dueDate'), at('account', 'invoices', 1)]);
  });
});

describe('case 3: the whole entity when no field matches its __typename', () => {
  it('follows fragment spreads, and puts errors at the fields, never at an entity that is there', () => {
    const query =
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Project{...Billing}}} fragment Billing on Project{billedToDate{amount} erpProjectNumber}';
    const errors = gatewayMaps(query, [['projects', 'nodes', 0]]);
    const data = { projects: { nodes: [{ id: 'p0', code: 'A', billedToDate: null, erpProjectNumber: null }] } };
    expect(placeAtMissing(errors, data)).toEqual([
      at('projects', 'nodes', 0, 'billedToDate'),
      at('projects', 'nodes', 0, 'erpProjectNumber'),
    ]);
  });

  it('reads only the fragment of the entity’s own type', () => {
    const query =
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Project{billedToDate{amount}} ...on Account{creditHold}}}';
    const errors = gatewayMaps(query, [['p'], ['a']], ['Project', 'Account']);
    const data = { p: { billedToDate: null, creditHold: null }, a: { billedToDate: null, creditHold: null } };
    expect(placeAtMissing(errors, data)).toEqual([at('p', 'billedToDate'), at('a', 'creditHold')]);
  });

  it('puts the error at the nearest null above an entity a null propagated to', () => {
    const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Project{unbilledWip{amount}}}}';
    const errors = gatewayMaps(query, [
      ['projects', 'nodes', 0],
      ['projects', 'nodes', 1],
    ]);
    expect(placeAtMissing(errors, { projects: null })).toEqual([at('projects')]);
  });
});

describe('case 4: re-requested key fields counted as missing', () => {
  it('gives no error at a key (or any value) another fetch supplied', () => {
    const query =
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Project{__typename id billedToDate{amount currency}}}}';
    const errors = gatewayMaps(query, [
      ['projects', 'nodes', 0],
      ['projects', 'nodes', 1],
    ]);
    const data = {
      projects: {
        nodes: [
          { id: 'p0', billedToDate: null },
          { id: 'p1', billedToDate: { amount: '1.00', currency: 'EUR' } },
        ],
      },
    };
    expect(placeAtMissing(errors, data)).toEqual([at('projects', 'nodes', 0, 'billedToDate')]);
  });

  it('drops the error of a fetch that left nothing missing, and keeps other errors untouched', () => {
    const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Project{id}}}';
    const other = { message: 'Missing scope erp:read.', path: ['x'], extensions: { code: 'FORBIDDEN' } };
    const errors = [...gatewayMaps(query, [['projects', 'nodes', 0]]), other];
    expect(placeAtMissing(errors, { projects: { nodes: [{ id: 'p0' }] }, x: null })).toEqual([other]);
  });
});

it('gives one error per path when several entities of a fetch point at the same null', () => {
  const query = 'query($representations:[_Any!]!){_entities(representations:$representations){...on Project{billedToDate{amount}}}}';
  const errors = gatewayMaps(query, [
    ['a', 0],
    ['a', 1],
  ]);
  expect(placeAtMissing(errors, { a: null })).toEqual([at('a')]);
});

it('never serialises what the fetch was to supply', () => {
  const [error] = fetchErrors([unavailableError('erp', 'timeout')], parse('{ legalEntities { code } }'), {});
  expect(JSON.parse(JSON.stringify(error))).toEqual({ message: MESSAGE, extensions: { ...EXTENSIONS, reason: 'timeout' } });
});
