/**
 * The plan executor's result shaping (gateway/execution/shapeResponse.ts) against
 * `@apollo/gateway`'s own (`computeResponse`), on the same operation and the same gathered data:
 * random data shaped like the operation's selections, with nulls, missing keys, wrong and unknown
 * `__typename`s, hidden enum values and wrongly typed scalars, and random `@skip`/`@include`
 * variables. Both must give the same data (key order included), the same errors (message, path,
 * code), or throw the same message (docs/executor.md#equivalence).
 */
import { computeResponse } from '@apollo/gateway/dist/resultShaping.js';
import {
  isCompositeType,
  isListType,
  isNonNullType,
  operationFromDocument,
  possibleRuntimeTypes,
  Supergraph,
  type Operation,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import fc from 'fast-check';
import { parse, print, type GraphQLError, type SelectionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileShape } from '../../../gateway/execution/compiledShape.ts';
import { shapeResponse } from '../../../gateway/execution/shapeResponse.ts';
import { composeSupergraph } from '../../../schema/compose.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@inaccessible", "@shareable"])';
const SDL = `${LINK}
type Query { shelf: Shelf! items(first: Int): [Item!] featured: Item search: [Result]! count: Int ids: [ID!]! }
type Shelf @key(fields: "id") { id: ID! label: String! grade: Grade items: [[Item]] heavy: Boolean }
interface Item { id: ID! name: String! grade: Grade! }
type Book implements Item @key(fields: "id") { id: ID! name: String! grade: Grade! pages: Int! author: Person }
type Tool implements Item @key(fields: "id") { id: ID! name: String! grade: Grade! weight: Float secret: String @inaccessible }
type Person { name: String born: Int friends: [Person!] }
union Result = Book | Person | Shelf
enum Grade { A B C HIDDEN @inaccessible }`;

const supergraph = Supergraph.build(composeSupergraph([{ name: 'shop', url: 'http://shop.test/graphql', sdl: SDL }]));
const api = supergraph.apiSchema();

const OPERATIONS = [
  `query Q($a: Boolean!, $b: Boolean = true) {
    shelf { id label grade heavy @skip(if: $a) items { ... on Book { pages name } ... on Tool { weight } __typename } }
    items(first: 2) { id name @include(if: $b) grade ... on Book { author { name born friends { name } } } }
  }`,
  `query Q($a: Boolean!) {
    featured { __typename kind: __typename ...F id @include(if: $a) }
    search { ... on Book { id pages } ... on Person { name } ... on Shelf { label ...S } __typename }
    count ids
  }
  fragment F on Item { name grade ... on Tool { weight } }
  fragment S on Shelf { grade items { id } }`,
  `query Q($a: Boolean!, $b: Boolean!) {
    first: items { id ... @include(if: $a) { name } }
    second: items(first: 1) { id grade __typename }
    shelf { ... on Shelf @skip(if: $b) { label heavy } label }
    search { ... on Item { id name } }
  }`,
  `query Q { __typename shelf { __typename id } featured { ... on Book { author { friends { friends { name born } } } } } }`,
];

const operations: Operation[] = OPERATIONS.map((source) => operationFromDocument(api, parse(source), { validate: true }));

/** A small seeded generator, so fast-check shrinks the seed and the data stays reproducible. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  return { chance: (p: number) => next() < p, pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]! };
}

type Random = ReturnType<typeof random>;

const LEAVES: Record<string, readonly unknown[]> = {
  ID: ['1', '2', 7, 'x'],
  String: ['a', 'Ünï', '', 'z'],
  Int: [1, 0, -3, 2.5, '4'],
  Float: [1.5, 2, -0.25, 'nan'],
  Boolean: [true, false, 'yes'],
  Grade: ['A', 'B', 'C', 'HIDDEN', 'Z', 3],
};

function valueOf(rng: Random, type: Type, selectionSet: SelectionSet | undefined, depth: number): unknown {
  if (rng.chance(0.06)) return null;
  if (isNonNullType(type)) return valueOf(rng, type.ofType, selectionSet, depth);
  if (isListType(type)) {
    if (rng.chance(0.03)) return 'not a list';
    return Array.from({ length: rng.pick([0, 1, 2, 3]) }, () => valueOf(rng, type.ofType, selectionSet, depth + 1));
  }
  if (isCompositeType(type)) {
    if (depth > 6) return null;
    const possible = possibleRuntimeTypes(type).map((object) => object.name);
    const typename = rng.chance(0.05) ? rng.pick(['Nope', 'Grade', 'Query']) : rng.chance(0.1) ? undefined : rng.pick(possible);
    const object: Record<string, unknown> = typename === undefined ? {} : { __typename: typename };
    if (selectionSet) fill(rng, object, selectionSet, depth + 1);
    return object;
  }
  return rng.pick(LEAVES[(type as { name: string }).name] ?? ['custom']);
}

function fill(rng: Random, object: Record<string, unknown>, selectionSet: SelectionSet, depth: number): void {
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FragmentSelection') {
      fill(rng, object, selection.selectionSet, depth);
      continue;
    }
    const field = selection.element;
    if (field.name === '__typename' || rng.chance(0.04)) continue;
    object[field.responseName()] = valueOf(rng, field.definition.type!, selection.selectionSet, depth);
  }
}

type Outcome = { thrown: string } | { data: string; errors: { message: string; path: unknown; code: unknown }[] };

function outcome(run: () => { data?: unknown; errors: GraphQLError[] }): Outcome {
  try {
    const { data, errors } = run();
    return {
      data: JSON.stringify(data),
      errors: errors.map((error) => ({ message: error.message, path: error.path, code: error.extensions.code })),
    };
  } catch (error) {
    return { thrown: (error as Error).message };
  }
}

const introspect = (field: SelectionNode) => ({ introspected: print(field) });

describe('result shaping: the plan executor against @apollo/gateway', () => {
  it('shapes random data like computeResponse: same data and key order, same errors, same throws', () => {
    fc.assert(
      fc.property(fc.nat(operations.length - 1), fc.integer({ min: 1 }), fc.boolean(), fc.boolean(), (which, seed, a, b) => {
        const operation = operations[which]!;
        const rng = random(seed);
        const input: Record<string, unknown> = {};
        fill(rng, input, operation.selectionSet, 0);
        const variables = { a, b };
        const apollo = outcome(() =>
          computeResponse({
            operation,
            variables,
            input: structuredClone(input),
            introspectionHandling: (field) => introspect(field.toSelectionNode()),
          }),
        );
        const plan = outcome(() => shapeResponse(compileShape(operation), structuredClone(input), variables, introspect));
        expect(plan).toEqual(apollo);
      }),
      { numRuns: 400 },
    );
  });

  it('answers a non-null violation with null at the nearest nullable parent and one INVALID_GRAPHQL error', () => {
    const operation = operations[0]!;
    const input = { shelf: { id: '1', label: null, grade: 'A', heavy: true, items: null }, items: [] };
    const shaped = shapeResponse(compileShape(operation), input, { a: false, b: true }, introspect);
    expect(JSON.stringify(shaped.data)).toBe('null');
    expect(shaped.errors.map((error) => [error.message, error.path, error.extensions.code])).toEqual([
      ['Cannot return null for non-nullable field Shelf.label.', ['shelf', 'label'], 'INVALID_GRAPHQL'],
    ]);
  });
});
