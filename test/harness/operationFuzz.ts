/**
 * Random GraphQL requests over a real schema for the operation fuzzer (issue 11 "Tests";
 * test/gateway/operationFuzzer.test.ts): selection sets drawn from the schema's types at random
 * depth, with aliases, named and inline fragments (nested, spread again), @include/@skip, arguments
 * with valid and invalid literals, variables with valid and invalid values, huge lists, long and
 * unicode strings, mutations with and without an Idempotency-Key; and raw garbage bodies. The
 * draws go through fast-check's `fc.gen()`, so a failing request shrinks and replays from its seed.
 */
import fc from 'fast-check';
import {
  getNamedType,
  GraphQLBoolean,
  GraphQLNonNull,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';

type Gen = fc.GeneratorValue;

/** One HTTP request the fuzzer sends: a body (a JSON value, or raw text sent as is) and extra headers. */
export interface FuzzRequest {
  readonly body: unknown;
  readonly raw: boolean;
  readonly headers: Readonly<Record<string, string>>;
  /** What was drawn, for the failure message. */
  readonly kind: 'operation' | 'mutation' | 'garbage';
}

/** A document being built: its fragment definitions and declared variables. */
interface Draft {
  readonly schema: GraphQLSchema;
  readonly fragments: { name: string; on: string; text: string }[];
  readonly variables: { name: string; type: string; value: unknown }[];
  /** Whether values may be of the wrong type (a hostile client); otherwise they fit their types. */
  readonly hostile: boolean;
  /** Aliases drawn so far (a fresh one each time, unless hostile). */
  aliases: number;
}

const UNICODE = ['é', 'ß', '日本', '🙂', '\u0000', '\u202e', '"', '\\', '\n', 'ﾟ'];

/** One item of `items`, drawn by index (schema objects are cyclic: fast-check compares drawn constants). */
function pick<T>(g: Gen, items: readonly T[]): T {
  return items[g(fc.nat, items.length - 1)]!;
}

/**
 * A string that may be empty, long, or full of unicode, quotes and control characters. Within a
 * huge list (`small`), long is at most 100 characters: 20,000 repeats of a 200,000-character string
 * would be a 4 GB operation, past what the client can even build (V8's string length limit).
 */
function anyString(g: Gen, small = false): string {
  const kind = g(fc.integer, { min: 0, max: 5 });
  if (kind === 0) return g(fc.constantFrom, '', '', '', '\ud83d');
  if (kind === 1) return 'x'.repeat(g(fc.integer, small ? { min: 1, max: 100 } : { min: 1_000, max: 200_000 }));
  if (kind === 2) return Array.from({ length: g(fc.integer, { min: 1, max: 20 }) }, () => g(fc.constantFrom, ...UNICODE)).join('');
  return g(fc.string, { unit: 'grapheme', maxLength: 40 });
}

/** A JSON value of any shape, for invalid variable values. */
function anyJson(g: Gen): unknown {
  return g(fc.constantFrom, 0, -1, 2 ** 31, 2 ** 53 + 2, 1.5, 1e308, true, null, 'x', '', '2026-13-45', [], {}, [null], { a: 1 }, 'ACTIVE');
}

/**
 * A JSON value for an input type: usually valid, sometimes wrong (null for a non-null, a wrong type,
 * a huge list). What a huge list repeats is `small`: no huge list or long string inside it.
 */
function valueFor(g: Gen, hostile: boolean, type: GraphQLInputType, depth = 0, small = false): unknown {
  if (hostile && g(fc.integer, { min: 0, max: 9 }) === 0) return anyJson(g);
  if (isNonNullType(type)) return valueFor(g, hostile, type.ofType, depth, small);
  if (isListType(type)) {
    const huge = g(fc.integer, { min: 0, max: 19 }) === 0 && !small;
    const length = huge ? g(fc.integer, { min: 1_000, max: 20_000 }) : g(fc.integer, { min: 0, max: 3 });
    // A huge list repeats one drawn item: what matters is its length, and drawing 20,000 would be slow.
    if (huge) {
      const item = valueFor(g, hostile, type.ofType as GraphQLInputType, depth + 1, true);
      return Array.from({ length }, () => item);
    }
    return Array.from({ length }, () => valueFor(g, hostile, type.ofType as GraphQLInputType, depth + 1, small));
  }
  if (isEnumType(type)) return pick(g, [...type.getValues().map((value) => value.name), ...(hostile ? ['NOT_A_VALUE'] : [])]);
  if (isInputObjectType(type)) {
    if (depth > 3) return {};
    const object: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) || g(fc.boolean)) object[field.name] = valueFor(g, hostile, field.type, depth + 1, small);
    }
    return object;
  }
  switch (type.name) {
    case 'Int':
      return g(fc.integer, { min: -5, max: 600 });
    case 'Float':
      return g(fc.double, { noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return g(fc.boolean);
    case 'ID':
      return g(fc.constantFrom, '1', 'PRJ-0001', 'US01', '00000000-0000-0000-0000-000000000000', anyString(g, small));
    default:
      return g(fc.constantFrom, '2026-11-15', '2026-11-15T10:00:00Z', '100.00', 'USD', 'US01', anyString(g, small));
  }
}

/** A GraphQL literal for a JSON value of `type` (enum values bare); a value of the wrong shape is written as JSON. */
function literal(value: unknown, type: GraphQLInputType | undefined): string {
  const nullable = type && isNonNullType(type) ? type.ofType : type;
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const item = nullable && isListType(nullable) ? (nullable.ofType as GraphQLInputType) : nullable;
    return `[${value.map((entry) => literal(entry, item)).join(' ')}]`;
  }
  const named = nullable ? getNamedType(nullable) : undefined;
  if (typeof value === 'object') {
    const fields = named && isInputObjectType(named) ? named.getFields() : {};
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, entry]) => `${key}: ${literal(entry, fields[key]?.type)}`)
      .join(' ')}}`;
  }
  if (typeof value === 'string' && named && isEnumType(named) && /^[A-Za-z_]\w*$/.test(value)) return value;
  return JSON.stringify(value);
}

/** An argument value: a literal or a declared variable (whose value may not fit its type). */
function argumentValue(g: Gen, draft: Draft, type: GraphQLInputType): string {
  const value = valueFor(g, draft.hostile, type);
  if (g(fc.integer, { min: 0, max: 3 }) === 0) {
    const name = `v${draft.variables.length}`;
    draft.variables.push({ name, type: String(type), value });
    return `$${name}`;
  }
  return literal(value, type);
}

/** `@include`/`@skip` on a selection, now and then; a hostile client repeats them (past the per-field limit). */
function directives(g: Gen, draft: Draft): string {
  const kind = g(fc.integer, { min: 0, max: 9 });
  if (kind >= 3) return '';
  const names = kind === 0 ? ['include', 'skip'] : [g(fc.constantFrom, 'include', 'skip')];
  const repeated = draft.hostile && g(fc.integer, { min: 0, max: 4 }) === 0 ? Array.from({ length: 7 }, () => names).flat() : names;
  return repeated
    .map((name) => {
      const condition = g(fc.boolean) ? String(g(fc.boolean)) : argumentValue(g, draft, new GraphQLNonNull(GraphQLBoolean));
      return ` @${name}(if: ${condition})`;
    })
    .join('');
}

function fieldSelection(g: Gen, draft: Draft, field: GraphQLField<unknown, unknown>, depth: number): string {
  // Two fields of one response name with other arguments do not validate (fragments merge them): a
  // field with arguments gets an alias of its own unless the client is hostile, whose aliases may clash.
  const drawn = g(fc.integer, { min: 0, max: 4 }) === 0;
  const clash = draft.hostile && drawn && g(fc.boolean);
  const fresh = (drawn && !clash) || (!draft.hostile && field.args.length > 0);
  const alias = clash
    ? `${g(fc.constantFrom, 'a', 'id', 'x_')}: `
    : fresh
      ? `${g(fc.constantFrom, 'a', 'x_', 'alias')}${(draft.aliases += 1)}: `
      : '';
  const args = field.args
    .filter((arg) => isNonNullType(arg.type) || g(fc.integer, { min: 0, max: 2 }) === 0)
    .map((arg) => `${arg.name}: ${argumentValue(g, draft, arg.type)}`);
  const named = getNamedType(field.type);
  const sub = isLeafType(named) ? '' : ` ${selectionSet(g, draft, named as GraphQLCompositeType, depth + 1)}`;
  return `${alias}${field.name}${args.length ? `(${args.join(', ')})` : ''}${directives(g, draft)}${sub}`;
}

/** A selection set on `type`: fields (leaves only once `depth` reaches a drawn maximum), inline fragments, spreads. */
function selectionSet(g: Gen, draft: Draft, type: GraphQLCompositeType, depth: number): string {
  const maxDepth = g(fc.constantFrom, 3, 4, 6, 6, 8, 20);
  const fields = isUnionType(type) ? [] : Object.values(type.getFields());
  const count = g(fc.integer, { min: 1, max: 4 });
  const selections: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = g(fc.integer, { min: 0, max: 9 });
    const possible = isObjectType(type) ? [type] : draft.schema.getPossibleTypes(type as never);
    if (kind === 0 && possible.length > 0) {
      const on = pick(g, possible);
      selections.push(`... on ${on.name}${directives(g, draft)} ${selectionSet(g, draft, on, depth)}`);
    } else if (kind === 1) {
      selections.push(`...${fragment(g, draft, type, depth)}`);
    } else {
      const leaves = fields.filter((field) => isLeafType(getNamedType(field.type)));
      const pool = depth >= maxDepth ? leaves : fields;
      if (pool.length === 0) selections.push('__typename');
      else selections.push(fieldSelection(g, draft, pick(g, pool), depth));
    }
  }
  return `{ ${selections.join(' ')} }`;
}

/** A fragment on `type`: one already defined (spread again), or a new one. Returns its name. */
function fragment(g: Gen, draft: Draft, type: GraphQLCompositeType, depth: number): string {
  // A fragment still being drawn (its text empty) spread inside itself is a cycle: only a hostile client sends one.
  const existing = draft.fragments.filter((candidate) => candidate.on === type.name && (draft.hostile || candidate.text !== ''));
  if (existing.length > 0 && g(fc.boolean)) return pick(g, existing).name;
  const name = `F${draft.fragments.length}`;
  const entry = { name, on: type.name, text: '' };
  // Listed before its body is drawn: the body may spread it (a cycle, which validation must refuse).
  draft.fragments.push(entry);
  entry.text = `fragment ${name} on ${type.name} ${selectionSet(g, draft, type, depth)}`;
  return name;
}

/** A query or mutation over `schema`, its variables, and an Idempotency-Key now and then. */
export function drawOperation(g: Gen, schema: GraphQLSchema): FuzzRequest {
  const mutation = schema.getMutationType();
  const isMutation = mutation !== null && mutation !== undefined && g(fc.integer, { min: 0, max: 5 }) === 0;
  const root = (isMutation ? mutation : schema.getQueryType())!;
  const draft: Draft = { schema, fragments: [], variables: [], hostile: g(fc.integer, { min: 0, max: 2 }) === 0, aliases: 0 };
  const body = selectionSet(g, draft, root as GraphQLNamedType as GraphQLCompositeType, 1);
  const declared = draft.variables.map((variable) => `$${variable.name}: ${variable.type}`);
  const name = g(fc.boolean) ? ` Fuzz${g(fc.nat, 999)}` : '';
  // The shorthand `{ ... }` has no name and no variables.
  const keyword = isMutation ? 'mutation' : name || declared.length ? 'query' : g(fc.constantFrom, 'query', '');
  const head = `${keyword}${name}${declared.length ? `(${declared.join(', ')})` : ''}`;
  const query = [`${head} ${body}`.trim(), ...draft.fragments.map((entry) => entry.text)].join('\n');
  const variables = Object.fromEntries(draft.variables.map((variable) => [variable.name, variable.value]));
  const headers: Record<string, string> = {};
  if (isMutation && g(fc.boolean))
    headers['idempotency-key'] = g(fc.constantFrom, `fuzz-${g(fc.nat)}`, '', 'x'.repeat(300), 'cl\u00e9 \u00ff');
  return {
    body: {
      query,
      ...(declared.length || g(fc.boolean) ? { variables } : {}),
      ...(name && g(fc.boolean) ? { operationName: name.trim() } : {}),
    },
    raw: false,
    headers,
    kind: isMutation ? 'mutation' : 'operation',
  };
}

/** A body no client should send: not JSON, the wrong JSON, a query that is not GraphQL, too large; or the wrong content type. */
export function drawGarbage(g: Gen): FuzzRequest {
  const bodies: (() => string)[] = [
    () => anyString(g),
    () => `{"query": "{ projects { nodes { id } }"`,
    () => JSON.stringify({ query: anyString(g) }),
    () => JSON.stringify({ query: 42, variables: 'x' }),
    () => JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    () => JSON.stringify({ query: '{ __typename }', variables: [1, 2], operationName: { a: 1 } }),
    () => JSON.stringify({ query: `{ ${'{'.repeat(g(fc.integer, { min: 1, max: 5_000 }))}` }),
    () =>
      JSON.stringify({
        query: 'query($a: Int!) { __typename }',
        variables: { a: anyJson(g) },
        extensions: { persistedQuery: { version: 1, sha256Hash: anyString(g) } },
      }),
    // Past TESSERA_MAX_BODY_BYTES (1 MiB).
    () => JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } }),
  ];
  const body = bodies[g(fc.nat, bodies.length - 1)]!();
  const wrongType = g(fc.integer, { min: 0, max: 3 }) === 0;
  const contentType = wrongType ? g(fc.constantFrom, 'text/plain', '', 'application/json; charset=utf-16') : 'application/json';
  return { body, raw: true, headers: { 'content-type': contentType }, kind: 'garbage' };
}
