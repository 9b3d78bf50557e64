/** The measuring walk of the operation limits, with exact numbers (gateway/limits/). */
import { buildSchema, getIntrospectionQuery, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { filterOperation } from '../../gateway/authorization/filterOperation.ts';
import { countTokens } from '../../gateway/limits/countTokens.ts';
import { exceededLimit } from '../../gateway/limits/limitsPlugin.ts';
import { measureOperation } from '../../gateway/limits/measureOperation.ts';

/** Fragments F1..F`count` on Query, each spreading the previous one twice; F0 selects `a { b }` and an alias. */
function bomb(count: number): string {
  const fragments = ['fragment F0 on Query { a { b } x: c }'];
  for (let i = 1; i <= count; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return `{ ...F${count} }\n${fragments.join('\n')}`;
}

describe('measureOperation', () => {
  it('measures depth, aliases, root fields, directives and selections', () => {
    const document = parse(`
      query Q { a { b { c } d: b { c @skip(if: false) @include(if: true) } } e: a { ...Deep } }
      query Other { a { b } }
      fragment Deep on A { b { ... on B { c } } }`);
    expect(measureOperation(document, 'Q')).toEqual({
      depth: 3,
      aliases: 2,
      rootFields: 2,
      directivesPerField: 2,
      selections: 8,
      height: 6,
    });
    expect(measureOperation(document, 'Other')).toEqual({
      depth: 2,
      aliases: 0,
      rootFields: 1,
      directivesPerField: 0,
      selections: 2,
      height: 2,
    });
    expect(measureOperation(document, 'Missing')).toBeNull();
    expect(measureOperation(document)).toBeNull(); // two operations, no name
  });

  it('multiplies a fragment at every spread without expanding it', () => {
    // F_k: 2^k copies of { a { b } x: c }: 3 fields and 1 alias each; at the root, 2 fields each.
    expect(measureOperation(parse(bomb(3)))).toEqual({
      depth: 2,
      aliases: 8,
      rootFields: 16,
      directivesPerField: 0,
      selections: 24,
      height: 24,
    });
    expect(measureOperation(parse(bomb(24)))).toEqual({
      depth: 2,
      aliases: 2 ** 24,
      rootFields: 2 ** 25,
      directivesPerField: 0,
      selections: 3 * 2 ** 24,
      height: 3 * 2 ** 24,
    });
    expect(measureOperation(parse(bomb(1100)))?.selections).toBe(Infinity);
  });

  it('counts a spread fragment in the level it is spread into, and a cycle as nothing', () => {
    const document = parse('{ a { ...F } } fragment F on A { b { ...G } } fragment G on B { c { ...F } }');
    expect(measureOperation(document)).toEqual({ depth: 3, aliases: 0, rootFields: 1, directivesPerField: 0, selections: 3, height: 3 });
  });

  it('counts a field once per selection set however many aliases select it (height)', () => {
    // Root: a (three aliases) once, plus a's own fields each time: 1 + 3 * (id, name) = 7.
    const aliased = parse('{ x: a { id name } y: a { id name } z: a { id id: id } }');
    expect(measureOperation(aliased)?.height).toBe(1 + 2 + 2 + 1);
    // Inline fragments on different types are different parents: b counts on each.
    const typed = parse('{ a { ... on B { b } ... on C { b } b } }');
    expect(measureOperation(typed)?.height).toBe(1 + 1 + 1 + 1);
  });

  it('leaves introspection out of the height, and nothing else out of the other measures', () => {
    // An IDE's schema query: answered from the gateway's own schema, so only its other fields count.
    const introspection = measureOperation(parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true })));
    expect(introspection?.height).toBe(0);
    expect(introspection?.depth).toBe(15); // at TESSERA_LIMIT_DEPTH's default, which it passes
    const mixed = measureOperation(parse('{ __typename a { id } __type(name: "A") { name fields { name } } }'));
    expect(mixed).toEqual({ depth: 3, aliases: 0, rootFields: 3, directivesPerField: 0, selections: 7, height: 3 });
  });

  it('counts tokens as the parser does', () => {
    expect(countTokens('{ a(x: [1, 2]) { b } } # comment')).toBe(14);
    expect(countTokens('{ a \u0001 b }')).toBe(2);
  });

  it('names the first limit exceeded', () => {
    const limits = { depth: 2, aliases: 0, rootFields: 5, tokens: 100, directivesPerField: 1, selections: 10, height: 4 };
    const measures = { depth: 2, aliases: 1, rootFields: 6, tokens: 10, directivesPerField: 0, selections: 11, height: 5 };
    expect(exceededLimit(limits, measures)).toEqual({ limit: 'rootFields', max: 5, actual: 6 });
    expect(exceededLimit({ ...limits, rootFields: 6, aliases: 1, selections: 11 }, measures)).toEqual({
      limit: 'height',
      max: 4,
      actual: 5,
    });
    expect(exceededLimit({ ...limits, rootFields: 6, aliases: 1, selections: 11, height: 5 }, measures)).toBeNull();
  });
});

describe('the authorization filter on a fragment bomb', () => {
  const schema = buildSchema('type Query { a: A x: Int c: Int } type A { b: Int secret: Int }');

  it('walks each fragment once per response path, and keeps the document small', () => {
    const document = parse(bomb(24).replace('a { b }', 'a { b secret }'));
    let decisions = 0;
    const filtered = filterOperation(schema, document, undefined, (parent, field) => {
      decisions++;
      return field === 'secret' ? { allowed: false, code: 'FORBIDDEN', reason: 'test' } : { allowed: true };
    });
    expect(decisions).toBe(4); // a, b, secret, c: once each, not 2^24 times
    expect(filtered?.denied.map((denial) => [denial.coordinate, denial.path.join('.')])).toEqual([['A.secret', 'a.secret']]);
    expect(print(filtered!.document).length).toBeLessThan(4000);
  });
});
