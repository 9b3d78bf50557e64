/**
 * The composition check on real composition errors (Apollo's and the ownership rule's): each
 * finding names the subgraph (the proposed one first) and the schema coordinate its message names.
 */
import { describe, expect, it } from 'vitest';
import { checkComposition, coordinateIn, subgraphIn } from '../../../registry/checks/composition.ts';
import type { SubgraphSource } from '../../../schema/compose.ts';

const FED =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires"])\n';
const source = (name: string, body: string, system?: SubgraphSource['system']): SubgraphSource => ({
  name,
  url: `http://${name}.test/graphql`,
  sdl: FED + body,
  ...(system ? { system } : {}),
});
const findingsOf = (sources: readonly SubgraphSource[], proposed: readonly string[]) =>
  checkComposition(sources, proposed).findings.map(({ subgraph, coordinate, message }) => ({ subgraph, coordinate, message }));

describe('composition findings', () => {
  it('an unknown type: the subgraph of the [name] prefix and the type', () => {
    expect(findingsOf([source('a', 'type Query { a: Foo }')], ['a'])).toEqual([
      { subgraph: 'a', coordinate: 'Foo', message: '[a] Unknown type Foo' },
    ]);
  });

  it('a field typed differently in two subgraphs: the proposed subgraph and the field', () => {
    const sources = [
      source('a', 'type Query { a: Int }\ntype Thing @key(fields: "id") { id: ID! name: String @shareable }'),
      source('b', 'type Query { b: Int }\ntype Thing @key(fields: "id") { id: ID! name: Int @shareable }'),
    ];
    const message =
      'Type of field "Thing.name" is incompatible across subgraphs: it has type "String" in subgraph "a" but type "Int" in subgraph "b"';
    expect(findingsOf(sources, ['b'])).toEqual([{ subgraph: 'b', coordinate: 'Thing.name', message }]);
    expect(findingsOf(sources, ['a'])).toEqual([{ subgraph: 'a', coordinate: 'Thing.name', message }]);
  });

  it('a bad @key: the subgraph and the type', () => {
    const [finding] = findingsOf([source('a', 'type Query { a: Int }\ntype T @key(fields: "nope") { id: ID! }')], ['a']);
    expect(finding).toMatchObject({ subgraph: 'a', coordinate: 'T' });
    expect(finding!.message).toMatch(/^\[a\] On type "T", for @key\(fields: "nope"\)/);
  });

  it('an @external nobody resolves: the subgraph named in the sentence and the field', () => {
    const sdl = 'type Query { a: Int }\ntype T @key(fields: "id") { id: ID! x: Int @requires(fields: "y") y: Int @external }';
    expect(findingsOf([source('a', sdl)], ['a'])).toEqual([
      {
        subgraph: 'a',
        coordinate: 'T.y',
        message: 'Field "T.y" is marked @external on all the subgraphs in which it is listed (subgraph "a").',
      },
    ]);
  });

  it('the ownership rule: the subgraph that resolves a field another system owns, and the field', () => {
    const governance =
      '\nextend schema @link(url: "https://tessera.dev/governance/v1.1", import: ["@owner"])\ndirective @owner(system: SystemOfRecord!) on OBJECT | FIELD_DEFINITION\nenum SystemOfRecord { CRM PSA ERP INTEGRATION }';
    const sources = [
      source('crm', `type Query { account: Int @owner(system: CRM) }${governance}`, 'CRM'),
      source('psa', `type Query { project: Int @owner(system: PSA) invoice: Int @owner(system: ERP) }${governance}`, 'PSA'),
    ];
    const findings = findingsOf(sources, ['psa']);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]).toMatchObject({ subgraph: 'psa', coordinate: 'Query.invoice' });
  });

  it('names only subgraphs and types of the composed set', () => {
    expect(subgraphIn('the subgraph and the type are unknown', ['a', 'b'])).toBeNull();
    expect(subgraphIn('in subgraph b, and subgraph "a"', ['a', 'b'])).toBe('b');
    expect(subgraphIn('subgraphs "a" and "b" disagree', ['a', 'b'], ['b'])).toBe('b');
    expect(coordinateIn('see https://specs.apollo.dev/federation/v2.7 for Thing.name', new Set(['Thing']))).toBe('Thing.name');
    expect(coordinateIn('Other.name is not ours', new Set(['Thing']))).toBeNull();
    expect(coordinateIn('argument "Query.user(id:)" is required', new Set())).toBe('Query.user(id:)');
  });
});

describe('SDL Apollo throws on rather than reports', () => {
  const base = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Query { a: String }\n';
  it.each([
    ['an @link import that is not a list', base.replace('import: ["@key"]', 'import: 123')],
    ['a directive defined twice', `${base}directive @x on FIELD_DEFINITION\ndirective @x on FIELD_DEFINITION\n`],
  ])('%s is a COMPOSITION_ERROR finding, not a crash', (_case, sdl) => {
    const outcome = checkComposition([{ name: 'a', url: 'http://a.example/graphql', sdl }], ['a']);
    expect(outcome.supergraph).toBeNull();
    expect(outcome.findings).toEqual([expect.objectContaining({ rule: 'COMPOSITION_ERROR', severity: 'error', subgraph: 'a' })]);
  });
});
