/**
 * Properties of the cost calculator (docs/demand-control.md#how-cost-is-computed) over random
 * selections of a toy supergraph: fragments never change the estimate (they are multiplied, not
 * expanded, and must agree with the inlined operation); the actual cost of data that fills every
 * list to its declared size equals the estimate; and data with shorter lists or nulls never costs more.
 */
import { Supergraph } from '@apollo/federation-internals';
import fc from 'fast-check';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { actualCost } from '../../gateway/cost/actualCost.ts';
import { readCostDirectives } from '../../gateway/cost/costDirectives.ts';
import { estimateCost } from '../../gateway/cost/estimateCost.ts';
import type { CostRules } from '../../gateway/cost/operationWalk.ts';
import { composeSupergraph } from '../../schema/compose.ts';

const SDL = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])
type Query { items(first: Int = 5): [Item!] @listSize(slicingArguments: ["first"]) }
type Item @key(fields: "id") {
  id: ID!
  name: String
  score: Int @cost(weight: 2)
  related: [Item!] @listSize(assumedSize: 3)
  best: Item @cost(weight: 4)
}
`;
const RELATED_SIZE = 3;
const supergraph = composeSupergraph([{ name: 'toy', url: 'http://toy.test/graphql', sdl: SDL }]);
const rules: CostRules = {
  schema: Supergraph.build(supergraph).apiSchema().toGraphQLJSSchema(),
  directives: readCostDirectives(supergraph),
  defaultListSize: 10,
};

/** A selection on Item: leaves, or `related` / `best` with a selection of their own, each under a distinct alias. */
type Selection = { readonly leaf: 'id' | 'name' | 'score' } | { readonly field: 'related' | 'best'; readonly inner: readonly Selection[] };

const selections: fc.Arbitrary<readonly Selection[]> = fc.letrec<{ set: readonly Selection[]; selection: Selection }>((tie) => ({
  set: fc.array(tie('selection'), { minLength: 1, maxLength: 4 }),
  selection: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ leaf: fc.constantFrom('id' as const, 'name' as const, 'score' as const) }),
    fc.record({ field: fc.constantFrom('related' as const, 'best' as const), inner: tie('set') }),
  ),
})).set;

/** The selection as text; with `fragments`, every nested selection set becomes a named fragment spread. */
function print(set: readonly Selection[], fragments?: string[]): string {
  const parts = set.map((selection, i) => {
    if ('leaf' in selection) return `s${i}: ${selection.leaf}`;
    let inner = print(selection.inner, fragments);
    if (fragments) {
      const name = `F${fragments.length}`;
      fragments.push(`fragment ${name} on Item { ${inner} }`);
      inner = `...${name}`;
    }
    return `s${i}: ${selection.field} { ${inner} }`;
  });
  return parts.join(' ');
}

/** Data for the selection: lists of `length(...)` items, `best` null when `present()` says so. */
function dataFor(set: readonly Selection[], length: () => number, present: () => boolean): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  set.forEach((selection, i) => {
    if ('leaf' in selection) object[`s${i}`] = selection.leaf === 'score' ? 1 : 'x';
    else if (selection.field === 'best') object[`s${i}`] = present() ? dataFor(selection.inner, length, present) : null;
    else object[`s${i}`] = Array.from({ length: length() }, () => dataFor(selection.inner, length, present));
  });
  return object;
}

const operation = (first: number, set: readonly Selection[], fragments?: string[]) =>
  `{ items(first: ${first}) { ${print(set, fragments)} } }${fragments ? `\n${fragments.join('\n')}` : ''}`;

describe('cost properties', () => {
  it('gives an operation with fragments the cost of the same operation inlined', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), selections, (first, set) => {
        const fragments: string[] = [];
        const withFragments = operation(first, set, fragments);
        expect(estimateCost(rules, parse(withFragments), undefined, {})).toBe(
          estimateCost(rules, parse(operation(first, set)), undefined, {}),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('measures data that fills every list to its declared size at exactly the estimate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), selections, (first, set) => {
        const query = parse(operation(first, set));
        const data = {
          items: Array.from({ length: first }, () =>
            dataFor(
              set,
              () => RELATED_SIZE,
              () => true,
            ),
          ),
        };
        expect(actualCost(rules, query, undefined, {}, data)).toBe(estimateCost(rules, query, undefined, {}));
      }),
      { numRuns: 200 },
    );
  });

  it('never measures shorter lists or nulls above the estimate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        selections,
        fc.array(fc.integer({ min: 0, max: RELATED_SIZE }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        (first, set, lengths, presence) => {
          let l = 0;
          let p = 0;
          const length = () => lengths[l++ % lengths.length]!;
          const present = () => presence[p++ % presence.length]!;
          const query = parse(operation(first, set));
          const data = { items: Array.from({ length: Math.min(first, length()) }, () => dataFor(set, length, present)) };
          expect(actualCost(rules, query, undefined, {}, data)).toBeLessThanOrEqual(estimateCost(rules, query, undefined, {})!);
        },
      ),
      { numRuns: 200 },
    );
  });
});
