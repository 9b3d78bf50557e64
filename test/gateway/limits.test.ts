/**
 * Operation limits (README "Operation limits"): each limit just under (answers) and just over
 * (400 OPERATION_LIMIT_EXCEEDED, no data), through the whole embedded gateway; the fragment bomb
 * and the cyclic nesting of the security review (issue 11); and the authorization filter answering
 * the fragment bomb when the limits are raised out of the way.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { countTokens } from '../../gateway/limits/countTokens.ts';
import { exceededLimit } from '../../gateway/limits/limitsPlugin.ts';
import { measureOperation } from '../../gateway/limits/measureOperation.ts';
import { startTestTessera, type GraphQLBody, type TestTessera } from '../harness/startTestTessera.ts';
import { readmeExamples } from '../harness/readmeQueries.ts';

const { limits: DEFAULTS, demandControl } = loadConfig({});
const HIGH = {
  depth: 1e9,
  aliases: 1e9,
  rootFields: 1e9,
  tokens: 1e9,
  directivesPerField: 1e9,
  selections: 1e9,
  height: 1e9,
  subgraphResponseBytes: 1e9,
};
const MAX_BODY_BYTES = 2048;

let tessera: TestTessera;
let strict: TestTessera;
let lenient: TestTessera;
let tall: TestTessera;

beforeAll(async () => {
  [tessera, strict, lenient, tall] = await Promise.all([
    // Cost measured, never enforced: the deepest nesting allowed is far over the cost budget
    // (docs/demand-control.md), and these tests are about the shape limits alone.
    startTestTessera({ scale: 'none', config: { demandControl: { ...demandControl, mode: 'measure' } } }),
    startTestTessera({ scale: 'none', config: { limits: { ...DEFAULTS, directivesPerField: 1 }, maxBodyBytes: MAX_BODY_BYTES } }),
    // The limits and the cost budget out of the way: what the authorization filter does on its own.
    startTestTessera({ scale: 'none', config: { limits: HIGH, demandControl: { ...demandControl, mode: 'measure' } } }),
    startTestTessera({ scale: 'none', config: { limits: { ...DEFAULTS, height: 1e9 } } }),
  ]);
});
afterAll(() => Promise.all([tessera?.stop(), strict?.stop(), lenient?.stop(), tall?.stop()]));

/** `projects.nodes.customer.projects.customer...` nested to `depth` fields (an empty store: no data fans out). */
function nested(depth: number): string {
  let inner = 'id';
  for (let level = depth - 1; level >= 3; level--) inner = `${level % 2 === 1 ? 'customer' : 'projects'} { ${inner} }`;
  return `{ projects(first: 1) { nodes { ${inner} } } }`;
}

/** Fragments F0..F`count`, each spreading the previous one twice; F0 selects three fields. */
function fragmentChain(count: number): string {
  const fragments = ['fragment F0 on Project { id customer { id } }'];
  for (let i = 1; i <= count; i++) fragments.push(`fragment F${i} on Project { ...F${i - 1} ...F${i - 1} }`);
  return fragments.join('\n');
}

const aliased = (count: number, field: string) => Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ');

async function expectAnswered(instance: TestTessera, query: string): Promise<void> {
  const { status, body } = await instance.request({ query });
  expect({ status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
}

async function expectRefused(instance: TestTessera, query: string, limit: string, max: number, actual: number, message: string) {
  const { status, body } = await instance.request({ query });
  expect(status).toBe(400);
  expect(body).toEqual({
    errors: [{ message, extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit, max, actual } }],
  } satisfies GraphQLBody);
}

describe('operation limits', () => {
  it('has defaults every documented query stays within', () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThan(0);
    for (const query of examples) {
      const measures = measureOperation(parse(query))!;
      expect(exceededLimit(DEFAULTS, { ...measures, tokens: countTokens(query) })).toBeNull();
    }
  });

  it('depth: 15 answers, 16 is refused', async () => {
    await expectAnswered(tessera, nested(15));
    await expectRefused(tessera, nested(16), 'depth', 15, 16, "The operation's depth is 16; the limit is 15 (TESSERA_LIMIT_DEPTH).");
  });

  it('refuses the cyclic nesting at depth 50 before any subgraph call', async () => {
    await expectRefused(tessera, nested(50), 'depth', 15, 50, "The operation's depth is 50; the limit is 15 (TESSERA_LIMIT_DEPTH).");
  });

  it('aliases: 30 answer, 31 are refused', async () => {
    await expectAnswered(tessera, `{ projects(first: 1) { nodes { ${aliased(30, 'id')} } } }`);
    await expectRefused(
      tessera,
      `{ projects(first: 1) { nodes { ${aliased(31, 'id')} } } }`,
      'aliases',
      30,
      31,
      "The operation's alias count is 31; the limit is 30 (TESSERA_LIMIT_ALIASES).",
    );
  });

  it('root fields: 20 answer, 21 are refused', async () => {
    await expectAnswered(tessera, `{ ${aliased(20, '__typename')} }`);
    await expectRefused(
      tessera,
      `{ ${aliased(21, '__typename')} }`,
      'rootFields',
      20,
      21,
      "The operation's root field count is 21; the limit is 20 (TESSERA_LIMIT_ROOT_FIELDS).",
    );
  });

  it('tokens: 5000 answer, 5001 are refused', async () => {
    // 26 tokens around a list of enum values, one token each.
    const withTokens = (tokens: number) =>
      `{ projects(first: 1) { nodes { customer { projects(status: [${'ACTIVE '.repeat(tokens - 26)}]) { id } } } } }`;
    expect([countTokens(withTokens(5000)), countTokens(withTokens(5001))]).toEqual([5000, 5001]);
    await expectAnswered(tessera, withTokens(5000));
    await expectRefused(
      tessera,
      withTokens(5001),
      'tokens',
      5000,
      5001,
      "The operation's token count is 5001; the limit is 5000 (TESSERA_LIMIT_TOKENS).",
    );
  });

  it('fragment-expanded selections: 5000 answer, 5001 are refused (the height limit raised out of the way)', async () => {
    // F0 selects 3 fields, so F_k expands to 3 * 2^k; plus `projects` and `nodes`.
    const chain = fragmentChain(10);
    // 2 + 3 * (1024 + 512 + 64 + 32 + 1) = 4901, then the rest as plain fields: 99 under, 100 over.
    const spreads = '...F10 ...F9 ...F6 ...F5 ...F0';
    const fields = (count: number) => Array.from({ length: count }, () => '__typename').join(' ');
    await expectAnswered(tall, `{ projects(first: 1) { nodes { ${spreads} ${fields(99)} } } }\n${chain}`);
    await expectRefused(
      tall,
      `{ projects(first: 1) { nodes { ${spreads} ${fields(100)} } } }\n${chain}`,
      'selections',
      5000,
      5001,
      "The operation's field count with fragments expanded is 5001; the limit is 5000 (TESSERA_LIMIT_SELECTIONS).",
    );
  });

  it('height: 200 answers, 201 is refused', async () => {
    // projects + nodes, then one `id` per inline fragment: each fragment is a selection set of its own.
    const withHeight = (height: number) => `{ projects(first: 1) { nodes { ${'... on Project { id } '.repeat(height - 2)}} } }`;
    await expectAnswered(tessera, withHeight(200));
    await expectRefused(
      tessera,
      withHeight(201),
      'height',
      200,
      201,
      "The operation's height is 201; the limit is 200 (TESSERA_LIMIT_HEIGHT).",
    );
  });

  it('counts each refusal in tessera_limit_refusals_total by limit', async () => {
    const refusals = async (limit: string) => {
      const text = await (await fetch(tessera.url.replace(/\/graphql$/, '/metrics'))).text();
      const line = text.split('\n').find((entry) => entry.startsWith(`tessera_limit_refusals_total{limit="${limit}"} `));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const [depth, aliases] = [await refusals('depth'), await refusals('aliases')];
    await tessera.request({ query: nested(16) });
    await tessera.request({ query: nested(17) });
    await tessera.request({ query: `{ projects(first: 1) { nodes { ${aliased(31, 'id')} } } }` });
    expect([(await refusals('depth')) - depth, (await refusals('aliases')) - aliases]).toEqual([2, 1]);
  });

  it('height counts a field selected under many aliases once', async () => {
    // 30 aliases of `id` (the alias limit) in one set: height 3, not 32.
    await expectAnswered(tessera, `{ projects(first: 1) { nodes { ${aliased(30, 'id')} } } }`);
  });

  it(`request body: ${MAX_BODY_BYTES} bytes answer, one more is refused with 413 PAYLOAD_TOO_LARGE`, async () => {
    const bodyOf = (bytes: number) => {
      const shell = JSON.stringify({ query: '{ __typename}' });
      return JSON.stringify({ query: `{ __typename${' '.repeat(bytes - shell.length)}}` });
    };
    expect([Buffer.byteLength(bodyOf(MAX_BODY_BYTES)), Buffer.byteLength(bodyOf(MAX_BODY_BYTES + 1))]).toEqual([
      MAX_BODY_BYTES,
      MAX_BODY_BYTES + 1,
    ]);
    const under = await strict.request(bodyOf(MAX_BODY_BYTES));
    expect({ status: under.status, body: under.body }).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
    const over = await strict.request(bodyOf(MAX_BODY_BYTES + 1));
    expect({ status: over.status, body: over.body }).toEqual({
      status: 413,
      body: {
        errors: [{ message: `The request body is larger than ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
      },
    });
  });

  it('directives per field: at the limit answers, one more is refused', async () => {
    await expectAnswered(strict, '{ projects(first: 1) { nodes { id @include(if: true) } } }');
    await expectRefused(
      strict,
      '{ projects(first: 1) { nodes { id @include(if: true) @skip(if: false) } } }',
      'directivesPerField',
      1,
      2,
      "The operation's most directives on one field is 2; the limit is 1 (TESSERA_LIMIT_DIRECTIVES_PER_FIELD).",
    );
  });
});

describe('the fragment bomb (24 fragments, each spreading the previous one twice)', () => {
  const bomb = `{ projects(first: 1) { nodes { ...F24 } } }\n${fragmentChain(24)}`;

  it('is a small document', () => {
    expect(bomb.length).toBeLessThan(1500);
  });

  it('is refused by the selection limit, anonymous or not', async () => {
    const message = `The operation's field count with fragments expanded is ${2 + 3 * 2 ** 24}; the limit is 5000 (TESSERA_LIMIT_SELECTIONS).`;
    const anonymousOrFullAccess: Record<string, string | null>[] = [{ authorization: null }, {}];
    for (const authorization of anonymousOrFullAccess) {
      const { status, body } = await tessera.request({ query: bomb }, authorization);
      expect(status).toBe(400);
      expect(body).toEqual({
        errors: [{ message, extensions: { code: 'OPERATION_LIMIT_EXCEEDED', limit: 'selections', max: 5000, actual: 2 + 3 * 2 ** 24 } }],
      });
    }
  });

  it('is answered by the authorization filter when the limits are raised out of the way', async () => {
    // Anonymous: the root field is denied before the fragments are walked.
    const anonymous = await lenient.request({ query: bomb }, { authorization: null });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.data).toEqual({ projects: null });
    expect(anonymous.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    // PSA only: the filter walks every fragment and removes `customer` (crm:read) inside them.
    const psaOnly = await lenient.token({ sub: 'psa-reader', scope: 'psa:read', legal_entities: '*' });
    const filtered = await lenient.request({ query: bomb }, { authorization: `Bearer ${psaOnly}` });
    expect(filtered.status).toBe(200);
    expect(filtered.body).toEqual({ data: { projects: { nodes: [] } } });
  });
});
