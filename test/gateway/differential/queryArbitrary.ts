/**
 * Random valid requests over a fixture's API schema for the differential property test: selection
 * sets to a drawn depth (2 to 5) with aliases (the same field with other arguments under another
 * name), `__typename`, inline fragments and named fragments (on the type, its interfaces and
 * unions, or an abstract type's members, spread again), `@include`/`@skip` with literals and
 * variables, arguments as literals and variables with values the fixture names, introspection
 * beside root fields, and now and then a mutation. Drawn through `fc.gen()` and mapped to the
 * request, so fast-check shrinks the draws and prints the query it ends with.
 */
import fc from 'fast-check';
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Request } from './harness.ts';

type Gen = fc.GeneratorValue;

interface Draft {
  readonly schema: GraphQLSchema;
  readonly values: Readonly<Record<string, readonly unknown[]>>;
  readonly maxDepth: number;
  readonly fragments: { name: string; on: string; text: string }[];
  readonly variables: { name: string; type: string; value: unknown }[];
  aliases: number;
  /** Selections still to draw: fragments nest at the same depth, so depth alone does not bound a request. */
  left: number;
}

/** The most selections a request has (beyond it, each selection set gets one leaf). */
const SELECTIONS = 40;

const DEFAULT_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  Int: [0, 1, 2, 5],
  Float: [0, 1.5],
  Boolean: [true, false],
  String: ['', 'a', 'e'],
  ID: ['1', '2', 'missing'],
};

function pick<T>(g: Gen, items: readonly T[]): T {
  return items[g(fc.nat, items.length - 1)]!;
}

/** One in `n`. */
function chance(g: Gen, n: number): boolean {
  // The last value, so that shrinking (towards 0) drops the rarer choice.
  return g(fc.nat, n - 1) === n - 1;
}

function valueFor(g: Gen, draft: Draft, coordinate: string, type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return valueFor(g, draft, coordinate, type.ofType);
  const own = draft.values[coordinate];
  if (own) return pick(g, own);
  if (isListType(type)) return Array.from({ length: g(fc.nat, 2) }, () => valueFor(g, draft, coordinate, type.ofType as GraphQLInputType));
  if (isEnumType(type)) return pick(g, draft.values[type.name] ?? type.getValues().map((value) => value.name));
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type) || g(fc.boolean))
        .map((field) => [field.name, valueFor(g, draft, `${type.name}.${field.name}`, field.type)]),
    );
  }
  return pick(g, draft.values[type.name] ?? DEFAULT_VALUES[type.name] ?? ['x']);
}

/** A GraphQL literal for `value` of `type` (enum values bare). */
function literal(value: unknown, type: GraphQLInputType): string {
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (value === null) return 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => literal(item, isListType(nullable) ? (nullable.ofType as GraphQLInputType) : nullable)).join(', ')}]`;
  if (isEnumType(nullable)) return String(value);
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([name, item]) => `${name}: ${literal(item, fields[name]!.type)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** A literal, or (one time in three) a variable declared with the argument's type. */
function argumentValue(g: Gen, draft: Draft, coordinate: string, arg: GraphQLArgument): string {
  const value = valueFor(g, draft, coordinate, arg.type);
  if (!chance(g, 3)) return literal(value, arg.type);
  const name = `v${draft.variables.length}`;
  draft.variables.push({ name, type: String(arg.type), value });
  return `$${name}`;
}

/** `@include`/`@skip` one time in five, with a literal or a Boolean! variable. */
function directive(g: Gen, draft: Draft): string {
  if (!chance(g, 5)) return '';
  const condition = g(fc.boolean);
  let argument = String(condition);
  if (g(fc.boolean)) {
    argument = `$c${draft.variables.length}`;
    draft.variables.push({ name: argument.slice(1), type: 'Boolean!', value: condition });
  }
  return ` @${g(fc.constantFrom, 'include', 'skip')}(if: ${argument})`;
}

function fieldSelection(g: Gen, draft: Draft, parent: string, field: GraphQLField<unknown, unknown>, depth: number): string {
  const args = field.args
    .filter((arg) => (isNonNullType(arg.type) && arg.defaultValue === undefined) || g(fc.boolean))
    .map((arg) => `${arg.name}: ${argumentValue(g, draft, `${parent}.${field.name}(${arg.name})`, arg)}`);
  // A field drawn twice with other arguments needs another response name: fields with arguments get one.
  const alias = args.length > 0 || chance(g, 6) ? `${g(fc.constantFrom, 'a', 'b', 'x')}${(draft.aliases += 1)}: ` : '';
  const named = getNamedType(field.type);
  const sub = isLeafType(named) ? '' : ` ${selectionSet(g, draft, named as GraphQLCompositeType, depth + 1)}`;
  return `${alias}${field.name}${args.length ? `(${args.join(', ')})` : ''}${directive(g, draft)}${sub}`;
}

/** Type conditions that apply on `type`: itself, its members (abstract), its interfaces and unions (object). */
function conditionsOn(schema: GraphQLSchema, type: GraphQLCompositeType): GraphQLCompositeType[] {
  if (isAbstractType(type)) return [type, ...schema.getPossibleTypes(type)];
  const unions = Object.values(schema.getTypeMap()).filter((candidate) => isUnionType(candidate) && schema.isSubType(candidate, type));
  return [type, ...type.getInterfaces(), ...(unions as GraphQLCompositeType[])];
}

function selectionSet(g: Gen, draft: Draft, type: GraphQLCompositeType, depth: number): string {
  const fields = isUnionType(type) ? [] : Object.values(type.getFields());
  const leaves = fields.filter((field) => isLeafType(getNamedType(field.type)));
  const spent = draft.left <= 0;
  const pool = depth >= draft.maxDepth || spent ? leaves : fields;
  const count = spent ? 1 : g(fc.integer, { min: 1, max: depth === 1 ? 4 : 3 });
  const selections: string[] = [];
  for (let i = 0; i < count; i++) {
    draft.left -= 1;
    // Draws shrink towards 0: 0 to 6 is a plain field, the simplest selection.
    const kind = g(fc.nat, 9);
    if (spent)
      selections.push(
        leaves.find((field) => field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined))?.name ?? '__typename',
      );
    else if (kind === 7 || pool.length === 0) selections.push(`__typename${directive(g, draft)}`);
    else if (kind === 8) {
      const on = pick(g, conditionsOn(draft.schema, type));
      selections.push(
        `...${on === type && g(fc.boolean) ? '' : ` on ${on.name}`}${directive(g, draft)} ${selectionSet(g, draft, on, depth)}`,
      );
    } else if (kind === 9)
      selections.push(`...${fragment(g, draft, pick(g, conditionsOn(draft.schema, type)), depth)}${directive(g, draft)}`);
    else selections.push(fieldSelection(g, draft, type.name, pick(g, pool), depth));
  }
  return `{ ${selections.join(' ')} }`;
}

/** A named fragment on `type`: one drawn before (spread again), or a new one. */
function fragment(g: Gen, draft: Draft, type: GraphQLCompositeType, depth: number): string {
  const existing = draft.fragments.filter((candidate) => candidate.on === type.name && candidate.text !== '');
  if (existing.length > 0 && g(fc.boolean)) return pick(g, existing).name;
  const entry = { name: `F${draft.fragments.length}`, on: type.name, text: '' };
  draft.fragments.push(entry);
  entry.text = `fragment ${entry.name} on ${type.name} ${selectionSet(g, draft, type, depth)}`;
  return entry.name;
}

/** Introspection a client mixes with its fields. */
const INTROSPECTION = ['__schema { queryType { name } }', '__type(name: "Query") { name kind }', '__typename'];

function drawRequest(g: Gen, schema: GraphQLSchema, values: Draft['values']): Request {
  const mutation = schema.getMutationType();
  const isMutation = mutation !== undefined && mutation !== null && chance(g, 8);
  const root = isMutation ? mutation : schema.getQueryType()!;
  const draft: Draft = {
    schema,
    values,
    maxDepth: g(fc.integer, { min: 2, max: 5 }),
    fragments: [],
    variables: [],
    aliases: 0,
    left: SELECTIONS,
  };
  let body = selectionSet(g, draft, root, 1);
  if (!isMutation && chance(g, 4)) body = `{ ${pick(g, INTROSPECTION)} ${body.slice(2)}`;
  const declared = draft.variables.map((variable) => `$${variable.name}: ${variable.type}`).join(', ');
  const head = `${isMutation ? 'mutation' : 'query'}${declared ? `(${declared})` : ''}`;
  const query = [`${head} ${body}`, ...draft.fragments.map((entry) => entry.text)].join('\n');
  const variables = Object.fromEntries(draft.variables.map((variable) => [variable.name, variable.value]));
  return draft.variables.length > 0 ? { query, variables } : { query };
}

/**
 * Valid requests over `schema`. (Valid by construction: fast-check's `filter` over `fc.gen()` can
 * stall, so the property test validates each request and says so when the generator errs.)
 */
export function requestArbitrary(schema: GraphQLSchema, values: Draft['values'] = {}): fc.Arbitrary<Request> {
  return fc.gen().map((g) => drawRequest(g, schema, values));
}
