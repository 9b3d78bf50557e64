/**
 * Declared input lengths (docs/capabilities.md#input-lengths): every free-text input of the
 * canonical schema declares `@maxLength`, the declaration survives composition, the description
 * says it, and the one check (`overLength`) refuses max + 1 characters and accepts max for every
 * declaration, enumerated from the supergraph.
 */
import fc from 'fast-check';
import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/compose.ts';
import { characterCount, mayHoldDeclared, maxLengthsOf, overLength } from '../../schema/maxLength.ts';
import { REAL_SOURCES } from './realSchema.ts';

const supergraph = composeSupergraph(REAL_SOURCES);
const document = parse(supergraph);
const lengths = maxLengthsOf(document);
const schema = buildASTSchema(document, { assumeValidSDL: true });

/** Every String input field (`Input.field`) and String argument (`Type.field(arg:)`) of the supergraph, cursors aside. */
function stringInputs(graph: GraphQLSchema): { coordinate: string; description: string | null | undefined; list: boolean }[] {
  const found: { coordinate: string; description: string | null | undefined; list: boolean }[] = [];
  const isString = (type: GraphQLInputType) => getNamedType(type).name === 'String';
  const isList = (type: GraphQLInputType) => isListType(getNullableType(type));
  for (const type of Object.values(graph.getTypeMap())) {
    if (type.name.startsWith('__') || /__/.test(type.name)) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (isString(field.type))
          found.push({ coordinate: `${type.name}.${field.name}`, description: field.description, list: isList(field.type) });
      }
    }
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) {
          // `after` is an opaque cursor the server issued, decoded and checked, not text a person writes.
          if (isString(arg.type) && arg.name !== 'after') {
            found.push({ coordinate: `${type.name}.${field.name}(${arg.name}:)`, description: arg.description, list: isList(arg.type) });
          }
        }
      }
    }
  }
  return found.sort((a, b) => (a.coordinate < b.coordinate ? -1 : 1));
}

describe('the declared lengths', () => {
  it('cover every free-text input of the schema, each saying it in its description', () => {
    const inputs = stringInputs(schema);
    expect(inputs.length).toBeGreaterThan(25);
    for (const input of inputs) {
      const max = lengths.get(input.coordinate);
      expect(max, input.coordinate).toBeGreaterThan(0);
      expect(input.description ?? '', input.coordinate).toMatch(
        new RegExp(`(^|\\. )${input.list ? 'Each at most' : 'At most'} ${max} characters\\.$`),
      );
    }
    expect([...lengths.keys()].sort()).toEqual(inputs.map((input) => input.coordinate));
  });

  it('are picked by kind: names 200, codes 40, references 100, free text 2000, URLs 2048', () => {
    expect(
      Object.fromEntries(
        [
          'CreateOpportunityInput.name',
          'CreateProjectFromContractInput.code',
          'RecordPaymentInput.bankReference',
          'CloseLoseOpportunityInput.lossReason',
          'TimeEntryInput.notes',
          'RecordContractSignatureInput.documentUrl',
          'AuditFilter.principal',
        ].map((coordinate) => [coordinate, lengths.get(coordinate)]),
      ),
    ).toEqual({
      'CreateOpportunityInput.name': 200,
      'CreateProjectFromContractInput.code': 40,
      'RecordPaymentInput.bankReference': 100,
      'CloseLoseOpportunityInput.lossReason': 2000,
      'TimeEntryInput.notes': 2000,
      'RecordContractSignatureInput.documentUrl': 2048,
      'AuditFilter.principal': 255,
    });
  });

  it('survive composition: the directive and its applications are in the supergraph', () => {
    expect(supergraph).toContain('directive @maxLength(max: Int!) on INPUT_FIELD_DEFINITION | ARGUMENT_DEFINITION');
    expect(supergraph).toContain('name: String! @maxLength(max: 200)');
  });

  it('count characters, not UTF-16 units', () => {
    expect([characterCount('abc'), characterCount('😀😀'), characterCount('é'), characterCount('')]).toEqual([3, 2, 1, 0]);
  });
});

/** A root or object field whose arguments reach `target` (an input field coordinate), with the path and the value builder. */
interface Route {
  readonly typeName: string;
  readonly fieldName: string;
  readonly path: string;
  readonly build: (text: string) => Record<string, unknown>;
}

/** How to put a string at input coordinate `target`: the first field argument whose input type reaches it. */
function routeTo(target: string): Route {
  const [inputName, inputField] = target.split('.') as [string, string];
  const reach = (type: GraphQLInputType, seen: ReadonlySet<string>): { path: string; value: (text: string) => unknown } | null => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const inner = reach(nullable.ofType as GraphQLInputType, seen);
      return inner ? { path: `[0]${inner.path}`, value: (text) => [inner.value(text)] } : null;
    }
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return null;
    for (const field of Object.values(named.getFields())) {
      if (named.name === inputName && field.name === inputField) {
        const list = isListType(getNullableType(field.type));
        return { path: `.${field.name}${list ? '[0]' : ''}`, value: (text) => ({ [field.name]: list ? [text] : text }) };
      }
      const inner = reach(field.type, new Set([...seen, named.name]));
      if (inner) return { path: `.${field.name}${inner.path}`, value: (text) => ({ [field.name]: inner.value(text) }) };
    }
    return null;
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      for (const arg of field.args) {
        const found = reach(arg.type, new Set());
        if (found) {
          return {
            typeName: type.name,
            fieldName: field.name,
            path: `${arg.name}${found.path}`,
            build: (text) => ({ [arg.name]: found.value(text) }),
          };
        }
      }
    }
  }
  throw new Error(`no field argument reaches ${target}`);
}

/** A field of an object type of the supergraph's schema. */
function fieldOf(typeName: string, fieldName: string): GraphQLField<unknown, unknown> {
  return (schema.getType(typeName) as GraphQLObjectType).getFields()[fieldName]!;
}

/** The same for an argument coordinate `Type.field(arg:)`. */
function routeToArgument(target: string): Route {
  const [, typeName, fieldName, argName] = /^(\w+)\.(\w+)\((\w+):\)$/.exec(target)!;
  const arg = fieldOf(typeName!, fieldName!).args.find((a) => a.name === argName)!;
  const list = isListType(getNullableType(arg.type));
  return {
    typeName: typeName!,
    fieldName: fieldName!,
    path: `${argName}${list ? '[0]' : ''}`,
    build: (text) => ({ [argName!]: list ? [text] : text }),
  };
}

describe('the check, for every declaration (property)', () => {
  const declared = [...lengths.entries()].map(([coordinate, max]) => ({
    coordinate,
    max,
    route: coordinate.includes('(') ? routeToArgument(coordinate) : routeTo(coordinate),
  }));

  it('accepts exactly max characters and refuses max + 1, naming the input path, the limit and the length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...declared),
        fc.constantFrom('a', 'é', '😀', '中', ' ', '\n'),
        fc.boolean(),
        ({ max, route }, unit, over) => {
          const text = unit.repeat(over ? max + 1 : max);
          const field = fieldOf(route.typeName, route.fieldName);
          const violation = overLength(lengths, route.typeName, field, route.build(text));
          expect(violation).toEqual(over ? { field: route.path, maxLength: max, actual: max + 1 } : null);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds the fields that can hold a declared input (the gateway checks only those), and no others', () => {
    for (const { coordinate, route } of declared)
      expect(mayHoldDeclared(lengths, route.typeName, fieldOf(route.typeName, route.fieldName)), coordinate).toBe(true);
    expect(
      [
        ['Query', 'project'],
        ['Query', 'projects'],
        ['Project', 'assignments'],
        ['Mutation', 'approveTimecard'],
      ].map(([type, field]) => mayHoldDeclared(lengths, type!, fieldOf(type!, field!))),
    ).toEqual([false, false, false, false]);
  });

  it('refuses the 900,000-character opportunity name of the issue', () => {
    const route = routeTo('CreateOpportunityInput.name');
    const field = fieldOf(route.typeName, route.fieldName);
    expect(overLength(lengths, route.typeName, field, route.build('x'.repeat(900_000)))).toEqual({
      field: 'input.name',
      maxLength: 200,
      actual: 900_000,
    });
  });
});
