/**
 * Random subgraph faults for the differential property test: most runs have none; the others
 * break one subgraph in one of the ways faults.ts knows (a field that throws or answers null for
 * some parents, errors beside the data, a response key nulled, a 500, a body that is not JSON, a
 * subgraph down), so that errors, their paths and null bubbling are compared on random queries.
 */
import fc from 'fast-check';
import { isObjectType } from 'graphql';
import { answers, fieldNull, fieldThrows, type Fault, type Parent, type Where } from './faults.ts';
import type { SubgraphDefinition } from './supergraphs/define.ts';

/** Every `Type.field` a subgraph resolves, its federation plumbing aside. */
function coordinatesOf(subgraph: SubgraphDefinition): string[] {
  return Object.values(subgraph.schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('_'))
    .flatMap((type) => Object.keys((type as { getFields(): object }).getFields()).map((field) => `${type.name}.${field}`))
    .filter((coordinate) => !coordinate.startsWith('Query._'));
}

/** Every other parent, by a fact of the parent itself: the same ones whichever executor asks. */
const EVEN_PARENTS: Where = { which: 'its JSON has an even length', picks: (parent: Parent) => JSON.stringify(parent).length % 2 === 0 };

function faultOf(subgraph: SubgraphDefinition, kind: number, coordinate: string, some: boolean): Fault {
  const where = some ? EVEN_PARENTS : undefined;
  const field = coordinate.slice(coordinate.indexOf('.') + 1);
  switch (kind) {
    case 0:
      return fieldThrows(subgraph.name, coordinate, `${coordinate} failed`, where, { code: 'RESOLVER_FAILED' });
    case 1:
      return fieldNull(subgraph.name, coordinate, where);
    case 2:
      return answers(subgraph.name, { kind: 'errors', errors: [{ message: 'Partial answer', extensions: { code: 'PARTIAL' } }] });
    case 3:
      return answers(subgraph.name, { kind: 'nullKey', key: field }, some ? 'entities' : undefined);
    case 4:
      return answers(subgraph.name, { kind: 'status', status: 500 }, some ? 'entities' : undefined);
    case 5:
      return answers(subgraph.name, { kind: 'notJson' });
    default:
      return answers(subgraph.name, { kind: 'down' }, some ? 'root' : undefined);
  }
}

/** No fault two runs in three; otherwise one fault in one of `subgraphs`. */
export function faultArbitrary(subgraphs: readonly SubgraphDefinition[]): fc.Arbitrary<readonly Fault[]> {
  const one = fc
    // Subgraphs by index: fast-check compares the constants it draws, and a schema is a cyclic graph.
    .record({ which: fc.nat(subgraphs.length - 1), kind: fc.nat(6), index: fc.nat(), some: fc.boolean() })
    .map(({ which, kind, index, some }) => {
      const subgraph = subgraphs[which]!;
      const coordinates = coordinatesOf(subgraph);
      return [faultOf(subgraph, kind, coordinates[index % coordinates.length]!, some)];
    });
  return fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: one, weight: 1 });
}
