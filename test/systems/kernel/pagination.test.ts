/**
 * A paginated root field asks its port for the filtered count only when the query selects
 * `totalCount` (docs/connectors.md#paging-at-the-vendor): directly, in a fragment or an inline one.
 */
import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { connectionOf, type PageArgs, type PageRequest } from '../../../systems/kernel/pagination.ts';

const schema = buildSchema(`
  type Item { id: ID! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
  type ItemConnection { nodes: [Item!]! pageInfo: PageInfo! totalCount: Int! }
  type Query { items(first: Int, after: String): ItemConnection! }
`);

async function requested(query: string): Promise<{ page: PageRequest; data: unknown }> {
  let page: PageRequest | undefined;
  const rootValue = {
    items: (args: PageArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
      connectionOf(
        args,
        async (request) => {
          page = request;
          return { rows: [{ id: 'a' }, { id: 'b' }], total: request.countTotal === false ? null : 2 };
        },
        info,
      ),
  };
  const result = await graphql({ schema, source: query, rootValue });
  expect(result.errors).toBeUndefined();
  return { page: page!, data: result.data };
}

describe('connectionOf', () => {
  it('asks for the count when totalCount is selected, directly or through fragments', async () => {
    expect(await requested('{ items(first: 1) { totalCount nodes { id } } }')).toEqual({
      page: { first: 1, afterId: null, countTotal: true },
      data: { items: { totalCount: 2, nodes: [{ id: 'a' }] } },
    });
    expect((await requested('{ items(first: 1) { ...F } } fragment F on ItemConnection { totalCount }')).page.countTotal).toBe(true);
    expect((await requested('{ items(first: 1) { ... on ItemConnection { totalCount } } }')).page.countTotal).toBe(true);
  });

  it('does not when it is not', async () => {
    expect(await requested('{ items(first: 1) { nodes { id } pageInfo { hasNextPage } } }')).toEqual({
      page: { first: 1, afterId: null, countTotal: false },
      data: { items: { nodes: [{ id: 'a' }], pageInfo: { hasNextPage: true } } },
    });
  });
});
