import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SchemaChange } from '../../../registry/types.ts';
import { changesOf } from './diffFixture.ts';

/** Small random schemas over one vocabulary, so that two of them differ in a few places. */
const typeRef = fc.record({
  named: fc.constantFrom('Item', 'Status', 'String'),
  list: fc.boolean(),
  nonNull: fc.boolean(),
  innerNonNull: fc.boolean(),
});
const render = (t: { named: string; list: boolean; nonNull: boolean; innerNonNull: boolean }) =>
  `${t.list ? `[${t.named}${t.innerNonNull ? '!' : ''}]` : t.named}${t.nonNull ? '!' : ''}`;
const nonEmptySubset = <T>(values: readonly T[]) => fc.subarray([...values], { minLength: 1 });

const schemaSdl = fc
  .record({
    queryFields: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('a', 'b', 'c', 'd'),
        type: typeRef,
        arg: fc.constantFrom(null, 'f: Filter', 'f: Filter!', 'n: Int = 1', 'n: Int = 2'),
      }),
      {
        minLength: 1,
        maxLength: 4,
        selector: (field) => field.name,
      },
    ),
    itemFields: nonEmptySubset(['x: String', 'y: Int!', 'z: Status']),
    statusValues: nonEmptySubset(['ACTIVE', 'ON_HOLD', 'CLOSED @deprecated(reason: "Sunset 2027-01-01")']),
    filterFields: nonEmptySubset(['p: String', 'q: Int!', 'r: Status = ACTIVE']),
  })
  .map(
    (s) => `
type Query {
${s.queryFields.map((f) => `  ${f.name}${f.arg ? `(${f.arg})` : ''}: ${render(f.type)}`).join('\n')}
}
type Item {
${s.itemFields.map((f) => `  ${f}`).join('\n')}
}
enum Status {
${s.statusValues.map((v) => `  ${v}`).join('\n')}
}
input Filter {
${s.filterFields.map((f) => `  ${f}`).join('\n')}
}`,
  );

/** The kinds a removal turns into when the diff runs the other way. */
const INVERSE: Record<string, readonly string[]> = {
  TYPE_REMOVED: ['TYPE_ADDED'],
  FIELD_REMOVED: ['FIELD_ADDED'],
  ARG_REMOVED: ['ARG_ADDED_REQUIRED', 'ARG_ADDED_OPTIONAL'],
  INPUT_FIELD_REMOVED: ['INPUT_FIELD_ADDED_REQUIRED', 'INPUT_FIELD_ADDED_OPTIONAL'],
  ENUM_VALUE_REMOVED: ['ENUM_VALUE_ADDED'],
};
const key = (change: SchemaChange) => `${change.coordinate} ${change.kind}`;

describe('diffGraphQLSchemas properties', () => {
  it('finds nothing between a schema and itself', () => {
    fc.assert(
      fc.property(schemaSdl, (sdl) => {
        expect(changesOf(sdl, sdl)).toEqual([]);
      }),
    );
  });

  it('a removal one way is an addition the other way, and a safe change affects no client', () => {
    fc.assert(
      fc.property(schemaSdl, schemaSdl, (a, b) => {
        const forward = changesOf(a, b);
        const backward = new Set(changesOf(b, a).map(key));
        for (const change of forward) {
          const inverse = INVERSE[change.kind];
          if (inverse)
            expect(
              inverse.some((kind) => backward.has(`${change.coordinate} ${kind}`)),
              key(change),
            ).toBe(true);
          if (change.severity === 'SAFE') expect(change.usageCoordinates).toEqual([]);
        }
        expect(forward.map(key)).toEqual([...forward.map(key)].sort());
      }),
    );
  });
});
