/**
 * The per-operation caches of the operation limits and the cost estimate (issue 11's overhead
 * budget): a repeated operation is measured and estimated once, every request is still judged
 * (a cached operation over a limit is refused every time), an estimate that depends on the
 * variables (`first: $n`) is kept per variables, and each cache forgets beyond its size. Through
 * createGateway with a toy subgraph answered in process; no socket.
 */
import { HeaderMap } from '@apollo/server';
import type { Fetcher } from '@apollo/utils.fetcher';
import { afterEach, describe, expect, it } from 'vitest';
import { NEVER_ABORTED } from '../../auth/requestScope.ts';
import { loadConfig } from '../../core/config/config.ts';
import { createLogger } from '../../core/logger.ts';
import { costPlugin } from '../../gateway/cost/costPlugin.ts';
import { createGateway, type Gateway } from '../../gateway/createGateway.ts';
import { limitsPlugin } from '../../gateway/limits/limitsPlugin.ts';
import { staticSupergraphSource } from '../../gateway/supergraph/source.ts';
import { composeSupergraph } from '../../schema/compose.ts';

const SUPERGRAPH = composeSupergraph([
  {
    name: 'shelf',
    url: 'http://shelf.test/graphql',
    sdl: `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])
type Query { books(first: Int = 4): [Book!] @listSize(slicingArguments: ["first"]) }
type Book { title: String shelf: Shelf }
type Shelf { label: String }`,
  },
]);

/** Answers `books` with as many books as `first` asks for (the variable `n`, else 4). */
const shelf: Fetcher = async (_url, init) => {
  const { variables } = JSON.parse(String(init?.body)) as { variables?: Record<string, unknown> };
  const count = typeof variables?.n === 'number' ? variables.n : 4;
  const books = Array.from({ length: count }, (_, index) => ({ title: `Book ${index}`, shelf: { label: 'A' } }));
  return new Response(JSON.stringify({ data: { books } }), { headers: { 'content-type': 'application/json' } });
};

const { limits: DEFAULT_LIMITS, demandControl } = loadConfig({});

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

interface Walks {
  measured: number;
  estimated: number;
}

async function start(options: { cacheSize?: number; depth?: number } = {}): Promise<Walks> {
  const walks = { measured: 0, estimated: 0 };
  gateway = await createGateway({
    supergraph: staticSupergraphSource(SUPERGRAPH),
    fetcher: shelf,
    logger: createLogger('silent'),
    authenticate: async () => null,
    signPrincipal: () => 'signed',
    plugins: [
      limitsPlugin(
        { ...DEFAULT_LIMITS, depth: options.depth ?? DEFAULT_LIMITS.depth },
        { cacheSize: options.cacheSize, onMeasured: () => void (walks.measured += 1) },
      ),
      costPlugin({
        config: { ...demandControl, mode: 'measure', report: true },
        cacheSize: options.cacheSize,
        onEstimated: () => void (walks.estimated += 1),
      }),
    ],
  });
  return walks;
}

async function post(query: string, variables?: Record<string, unknown>, operationName?: string) {
  const headers = new HeaderMap([
    ['content-type', 'application/json'],
    ['accept', 'application/graphql-response+json'],
  ]);
  const response = await gateway!.graphql(
    { method: 'POST', headers, search: '', body: JSON.stringify({ query, variables, operationName }) },
    { requestId: 'req-1', logger: createLogger('silent'), signal: NEVER_ABORTED },
  );
  return { status: response.status, body: JSON.parse(response.body) as unknown };
}

const SLICED = 'query Sliced($n: Int) { books(first: $n) { title } }';
const costOf = (estimated: number, actual: number) => ({ estimated, actual, max: demandControl.max });

describe('operation caches', () => {
  it('measure and estimate a repeated operation once, and answer it the same every time', async () => {
    const walks = await start();
    for (let i = 0; i < 3; i++) {
      expect(await post('{ books { title } }')).toEqual({
        status: 200,
        body: {
          data: { books: [{ title: 'Book 0' }, { title: 'Book 1' }, { title: 'Book 2' }, { title: 'Book 3' }] },
          extensions: { cost: costOf(4, 4) },
        },
      });
    }
    expect(walks).toEqual({ measured: 1, estimated: 1 });
  });

  it('keep one entry per operation of a document with several', async () => {
    const walks = await start();
    const document = 'query Titles { books { title } } query Shelves { books { shelf { label } } }';
    for (let i = 0; i < 2; i++) {
      expect((await post(document, undefined, 'Titles')).body).toMatchObject({ extensions: { cost: costOf(4, 4) } });
      expect((await post(document, undefined, 'Shelves')).body).toMatchObject({ extensions: { cost: costOf(8, 8) } });
    }
    expect(walks).toEqual({ measured: 2, estimated: 2 });
  });

  it('estimate per variables: first: $n costs what n says, a repeated n is a lookup', async () => {
    const walks = await start();
    for (const [n, estimated] of [
      [2, 2],
      [3, 3],
      [2, 2],
      [3, 3],
    ] as const) {
      expect((await post(SLICED, { n })).body).toMatchObject({ extensions: { cost: costOf(estimated, n) } });
    }
    // Without n, the argument's default (4).
    expect((await post(SLICED)).body).toMatchObject({ extensions: { cost: costOf(4, 4) } });
    // The shape does not depend on the variables: one measure for the text.
    expect(walks).toEqual({ measured: 1, estimated: 3 });
  });

  it('refuse an operation over a limit on every request, from the cache after the first', async () => {
    const walks = await start({ depth: 1 });
    const refusal = {
      status: 400,
      body: {
        errors: [
          {
            message: "The operation's depth is 2; the limit is 1 (TESSERA_LIMIT_DEPTH).",
            extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'depth', max: 1, actual: 2 },
          },
        ],
      },
    };
    expect(await post('{ books { title } }')).toEqual(refusal);
    expect(await post('{ books { title } }')).toEqual(refusal);
    // Refused before the estimate: the cost plugin walks nothing.
    expect(walks).toEqual({ measured: 1, estimated: 0 });
  });

  it('forget the least recently used operation beyond their size', async () => {
    const walks = await start({ cacheSize: 1 });
    for (const n of [2, 3, 2]) await post(SLICED, { n });
    // One entry: n = 3 pushed n = 2 out, so n = 2 is estimated again; the text stays measured.
    expect(walks).toEqual({ measured: 1, estimated: 3 });
    await post('{ books { title } }');
    await post(SLICED, { n: 2 });
    expect(walks).toEqual({ measured: 3, estimated: 5 });
  });
});
