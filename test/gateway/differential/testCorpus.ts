/**
 * Every query document of the project's own tests, found statically (docs/executor.md#equivalence):
 * the string literals of `test/**\/*.ts` and `bench/queries.ts` (read with the TypeScript compiler
 * API) and the README's ```graphql blocks. A literal is a document when `graphql.parse` takes it,
 * it has an operation and it validates against the gateway's API schema; documents whose operations
 * are all queries are kept (a mutation would change the store both executors read, and a
 * subscription is refused before planning), once each by their printed form, one case per operation.
 *
 * A template literal is read with each `${...}` replaced by the string (or number) constant it names,
 * in the same file or one it imports by a relative path (`${MONEY}`, `${FIELDS.project}`); one with
 * any other substitution is skipped, and counted.
 *
 * `variablesFor` gives an operation the variables it needs: defaults and nullable ones are left to
 * the server, required ones get a value of their type (an id of a seeded record of the type the
 * variable feeds, a month with data, 10, true, the first enum value, ...).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  parse,
  print,
  TypeInfo,
  typeFromAST,
  validate,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { sourceFilesUnder } from '../../architecture/importGraph.ts';
import { readmeQueries } from '../../harness/readmeQueries.ts';

/** A string found in a source: where it starts (path relative to the root, 1-based line) and its text. */
export interface Literal {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** What reading the sources found, literal by literal. */
export interface LiteralScan {
  readonly literals: Literal[];
  /** String literals, template literals without substitutions, and template expressions seen. */
  readonly seen: number;
  /** Template expressions with a substitution that is not a constant. */
  readonly skippedTemplates: number;
  /** Of those, the ones whose text starts like a GraphQL document (`{`, `query`, `mutation`, ...): `file:line`. */
  readonly skippedGraphqlLike: string[];
}

/** One operation to send to both executors. */
export interface CorpusCase {
  /** `file:line` of the first literal that holds the document. */
  readonly source: string;
  /** The document as printed by graphql-js (the whole document: its other operations and fragments too). */
  readonly document: string;
  /** The operation's name; `null` for the only, anonymous, operation of its document. */
  readonly operationName: string | null;
  readonly operation: OperationDefinitionNode;
  readonly parsed: DocumentNode;
}

/** How many literals got how far. */
export interface CorpusCounts {
  readonly seen: number;
  readonly skippedTemplates: number;
  /** Where the skipped template literals that look like GraphQL are (`file:line`). */
  readonly skippedGraphqlLike: string[];
  /** Literals `graphql.parse` takes. */
  readonly parsed: number;
  /** Of those, with at least one operation. */
  readonly withOperation: number;
  /** Of those, valid against the API schema. */
  readonly valid: number;
  /** Of those, with a mutation or subscription. */
  readonly notQueryOnly: number;
  /** Valid query-only literals that print as a document already kept. */
  readonly duplicates: number;
  /** Distinct query-only documents. */
  readonly documents: number;
  readonly cases: number;
}

export interface Corpus {
  readonly cases: CorpusCase[];
  readonly counts: CorpusCounts;
}

/** The sources the corpus reads, relative to the repository root: README first, then the benchmark's queries, then the tests. */
export function corpusSources(root: string): { readonly readme: string; readonly bench: string; readonly tests: string[] } {
  return {
    readme: 'README.md',
    bench: 'bench/queries.ts',
    tests: sourceFilesUnder(root, ['test']).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
  };
}

/** The README's ```graphql blocks (```graphql metrics too), each at the line of its first GraphQL line. */
export function readmeLiterals(root: string, file = 'README.md'): Literal[] {
  return readmeQueries(fs.readFileSync(path.join(root, file), 'utf8')).map(({ text, line }) => ({ file, line, text }));
}

/** How a template literal's head starts when it is probably a GraphQL document. */
const GRAPHQL_LIKE = /^\s*(?:\{|query\b|mutation\b|subscription\b|fragment\b)/;

/** A TypeScript source read once: its syntax tree, its `const`s and what it imports from other files. */
interface Module {
  readonly source: ts.SourceFile;
  /** `const NAME = <initializer>` anywhere in the file; `null` for a name declared twice (ambiguous). */
  readonly constants: ReadonlyMap<string, ts.Expression | null>;
  /** Local names of `import { NAME } from './relative.ts'`: the file (relative to the root) and the name it exports. */
  readonly imports: ReadonlyMap<string, { readonly file: string; readonly name: string }>;
}

/**
 * Reads TypeScript sources under `root` and the string constants they name: a template literal's
 * `${NAME}` or `${OBJECT.property}` is resolved when NAME is a `const` of the same file holding a
 * string (or number, or a template of such constants), or one it imports by a relative path.
 */
export class TypeScriptSources {
  private readonly modules = new Map<string, Module | null>();
  private readonly resolving = new Set<ts.Node>();

  constructor(private readonly root: string) {}

  /** The string literals of `file` (relative to the root), template expressions resolved where their substitutions are constants. */
  scan(file: string): LiteralScan {
    const { source } = this.module(file)!;
    const literals: Literal[] = [];
    let seen = 0;
    let skippedTemplates = 0;
    const skippedGraphqlLike: string[] = [];
    const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const walk = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
        seen++;
        literals.push({ file, line: lineOf(node), text: node.text });
      } else if (ts.isTemplateExpression(node)) {
        seen++;
        const text = this.valueOf(node, file);
        if (text === undefined) {
          skippedTemplates++;
          if (GRAPHQL_LIKE.test(node.head.text)) skippedGraphqlLike.push(`${file}:${lineOf(node)}`);
        } else {
          literals.push({ file, line: lineOf(node), text });
        }
      }
      ts.forEachChild(node, walk);
    };
    walk(source);
    return { literals, seen, skippedTemplates, skippedGraphqlLike };
  }

  private module(file: string): Module | null {
    let module = this.modules.get(file);
    if (module !== undefined) return module;
    const absolute = path.join(this.root, file);
    module = fs.existsSync(absolute) ? readModule(file, fs.readFileSync(absolute, 'utf8')) : null;
    this.modules.set(file, module);
    return module;
  }

  /** The string `expression` (in `file`) always evaluates to, or `undefined` when it is not a constant. */
  private valueOf(expression: ts.Expression, file: string): string | undefined {
    if (this.resolving.has(expression)) return undefined;
    this.resolving.add(expression);
    try {
      return this.resolve(unwrap(expression), file);
    } finally {
      this.resolving.delete(expression);
    }
  }

  private resolve(expression: ts.Expression, file: string): string | undefined {
    if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
    if (ts.isNumericLiteral(expression)) return String(Number(expression.text));
    if (ts.isTemplateExpression(expression)) {
      let text = expression.head.text;
      for (const span of expression.templateSpans) {
        const value = this.valueOf(span.expression, file);
        if (value === undefined) return undefined;
        text += value + span.literal.text;
      }
      return text;
    }
    if (ts.isIdentifier(expression)) {
      const constant = this.constant(expression.text, file);
      return constant && this.valueOf(constant.initializer, constant.file);
    }
    if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression)) {
      const constant = this.constant(expression.expression.text, file);
      const object = constant && unwrap(constant.initializer);
      if (!object || !ts.isObjectLiteralExpression(object)) return undefined;
      const property = object.properties.find(
        (candidate): candidate is ts.PropertyAssignment =>
          ts.isPropertyAssignment(candidate) && propertyName(candidate.name) === expression.name.text,
      );
      return property && this.valueOf(property.initializer, constant.file);
    }
    return undefined;
  }

  /** The initializer of the `const` a name in `file` refers to, in its file (following relative imports). */
  private constant(name: string, file: string, depth = 0): { initializer: ts.Expression; file: string } | undefined {
    const module = this.module(file);
    if (!module || depth > 8) return undefined;
    const initializer = module.constants.get(name);
    if (initializer) return { initializer, file };
    const imported = module.imports.get(name);
    return imported && this.constant(imported.name, imported.file, depth + 1);
  }
}

function readModule(file: string, text: string): Module {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const constants = new Map<string, ts.Expression | null>();
  const imports = new Map<string, { file: string; name: string }>();
  const collect = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      ts.isVariableDeclarationList(node.parent) &&
      (node.parent.flags & ts.NodeFlags.Const) !== 0
    ) {
      constants.set(node.name.text, constants.has(node.name.text) ? null : node.initializer);
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.')) {
      const from = path.posix.join(path.posix.dirname(file), node.moduleSpecifier.text);
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements)
          imports.set(element.name.text, { file: from, name: (element.propertyName ?? element.name).text });
      }
    }
    ts.forEachChild(node, collect);
  };
  collect(source);
  return { source, constants, imports };
}

function unwrap(expression: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(expression) || ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression)
    ? unwrap(expression.expression)
    : expression;
}

function propertyName(name: ts.PropertyName): string | undefined {
  return ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) ? name.text : undefined;
}

/** A literal as a GraphQL document, or `undefined` when it is not one. */
function parsed(text: string): DocumentNode | undefined {
  // Most literals are not GraphQL; a cheap look first spares a thrown syntax error for each.
  if (!text.includes('{')) return undefined;
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** The query-only documents of the sources of `root`, valid against `schema`, one case per operation. */
export function buildCorpus(root: string, schema: GraphQLSchema): Corpus {
  const sources = corpusSources(root);
  const typeScript = new TypeScriptSources(root);
  const readme = readmeLiterals(root, sources.readme);
  const scans: LiteralScan[] = [
    { literals: readme, seen: readme.length, skippedTemplates: 0, skippedGraphqlLike: [] },
    ...[sources.bench, ...sources.tests].map((file) => typeScript.scan(file)),
  ];
  const counts = {
    seen: 0,
    skippedTemplates: 0,
    skippedGraphqlLike: [] as string[],
    parsed: 0,
    withOperation: 0,
    valid: 0,
    notQueryOnly: 0,
    duplicates: 0,
    documents: 0,
    cases: 0,
  };
  const kept = new Set<string>();
  const cases: CorpusCase[] = [];
  for (const scan of scans) {
    counts.seen += scan.seen;
    counts.skippedTemplates += scan.skippedTemplates;
    counts.skippedGraphqlLike.push(...scan.skippedGraphqlLike);
    for (const literal of scan.literals) {
      const document = parsed(literal.text);
      if (!document) continue;
      counts.parsed++;
      const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
      if (operations.length === 0) continue;
      counts.withOperation++;
      if (validate(schema, document).length > 0) continue;
      counts.valid++;
      if (operations.some((operation) => operation.operation !== 'query')) {
        counts.notQueryOnly++;
        continue;
      }
      const printed = print(document);
      if (kept.has(printed)) {
        counts.duplicates++;
        continue;
      }
      kept.add(printed);
      counts.documents++;
      // A valid document with several operations names each of them (LoneAnonymousOperation).
      for (const operation of operations) {
        cases.push({
          source: `${literal.file}:${literal.line}`,
          document: printed,
          operationName: operations.length > 1 ? operation.name!.value : null,
          operation,
          parsed: document,
        });
      }
    }
  }
  counts.cases = cases.length;
  return { cases, counts };
}

/** Seeded records by the type name that holds them (`Project`, `Account`, ...), and a month with data. */
export interface Seeds {
  readonly ids: ReadonlyMap<string, string>;
  /** The first seeded project's id: the id given when nothing names a type. */
  readonly fallbackId: string;
  /** `YYYY-MM`. */
  readonly month: string;
}

/** What a variable is used for: the names of the arguments and input fields it feeds, and the fields' types. */
interface Usage {
  readonly names: string[];
  readonly types: string[];
}

/** Words that name a type other than by its own name. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  customer: 'Account',
  consultant: 'Resource',
  person: 'Resource',
};

/** Whether a name asks for a month (`month`, `period`, `fromMonth`, ...). */
const MONTH_LIKE = /month|period/i;

/** The variables an operation is sent with: a value for each required variable without a default. */
export function variablesFor(
  schema: GraphQLSchema,
  caseOf: Pick<CorpusCase, 'operation' | 'parsed'>,
  seeds: Seeds,
): Record<string, unknown> {
  const usages = usagesOf(schema, caseOf);
  const variables: Record<string, unknown> = {};
  for (const definition of caseOf.operation.variableDefinitions ?? []) {
    // A default is the server's to apply, and a nullable variable may be left out.
    if (definition.defaultValue || definition.type.kind !== Kind.NON_NULL_TYPE) continue;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (!type) continue;
    const name = definition.variable.name.value;
    const usage = usages.get(name) ?? { names: [], types: [] };
    variables[name] = valueOf(type, [name, ...usage.names], usage.types, seeds);
  }
  return variables;
}

function valueOf(type: GraphQLInputType, names: readonly string[], types: readonly string[], seeds: Seeds): unknown {
  if (isNonNullType(type)) return valueOf(type.ofType, names, types, seeds);
  if (isListType(type)) return [valueOf(type.ofType, names, types, seeds)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) value[field.name] = valueOf(field.type, [field.name], [], seeds);
    }
    return value;
  }
  if (!isScalarType(type)) return null;
  const monthLike = names.some((name) => MONTH_LIKE.test(name));
  switch (type.name) {
    case 'ID':
      return idFor(names, types, seeds);
    case 'String':
      return monthLike ? seeds.month : 'x';
    case 'Int':
    case 'Float':
      return 10;
    case 'Boolean':
      return true;
    case 'Date':
      return `${seeds.month}-01`;
    case 'DateTime':
      return `${seeds.month}-01T00:00:00Z`;
    case 'Decimal':
      return '10.00';
    case 'CurrencyCode':
      return 'USD';
    default:
      return 'x';
  }
}

/** A seeded id for a variable: of the type of the field it is the `id` of, else of the type its names name, else a project's. */
function idFor(names: readonly string[], types: readonly string[], seeds: Seeds): string {
  for (const type of types) {
    const id = seeds.ids.get(type);
    if (id) return id;
  }
  for (const name of names) {
    const word = name.replace(/_?ids?$/i, '');
    if (!word) continue;
    const type = TYPE_ALIASES[word.toLowerCase()] ?? word[0]!.toUpperCase() + word.slice(1);
    const id = seeds.ids.get(type);
    if (id) return id;
  }
  return seeds.fallbackId;
}

/** For each variable of the operation: the arguments and input fields it feeds, and the type of a field whose `id` it is. */
function usagesOf(schema: GraphQLSchema, { operation, parsed: document }: Pick<CorpusCase, 'operation' | 'parsed'>): Map<string, Usage> {
  const usages = new Map<string, Usage>();
  const typeInfo = new TypeInfo(schema);
  const objectFields: string[] = [];
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  // The operation and the fragments it spreads (a fragment's variables are the operation's).
  const visited = new Set<string>();
  const roots: (OperationDefinitionNode | FragmentDefinitionNode)[] = [operation];
  for (let index = 0; index < roots.length; index++) {
    visit(
      roots[index]!,
      visitWithTypeInfo(typeInfo, {
        FragmentSpread(spread) {
          const fragment = fragments.get(spread.name.value);
          if (fragment && !visited.has(spread.name.value)) {
            visited.add(spread.name.value);
            roots.push(fragment);
          }
        },
        ObjectField: {
          enter(field) {
            objectFields.push(field.name.value);
          },
          leave() {
            objectFields.pop();
          },
        },
        Variable(variable) {
          const usage = usages.get(variable.name.value) ?? { names: [], types: [] };
          usages.set(variable.name.value, usage);
          const argument = typeInfo.getArgument();
          if (objectFields.length > 0) usage.names.push(objectFields.at(-1)!);
          if (argument) {
            usage.names.push(argument.name);
            const field = typeInfo.getFieldDef();
            if (argument.name === 'id' && objectFields.length === 0 && field) usage.types.push(getNamedType(field.type).name);
          }
        },
      }),
    );
  }
  return usages;
}
