/**
 * The schema coordinates an operation uses (docs/registry.md#usage): what a breaking change to
 * the schema would break for the client that sent it.
 *
 * - `Type.field` for each selected field, by its parent type (an interface's field by the
 *   interface), through fragments and inline fragments; `__typename` and introspection are left
 *   out (no schema change can remove them);
 * - `Type.field(arg:)` for each argument given, literal or variable;
 * - `Input.field` for each input object field given, nested, in literals and in variables' values;
 * - `Enum.VALUE` for each enum value given in arguments, literal or variable (a variable's default
 *   counts when the request does not give the variable).
 *
 * Directive arguments are not coordinates of the schema's types and are not recorded. The
 * analysis of a document (`analyseOperation`) does not depend on the variables, so it can be kept
 * per document; `coordinatesWith` adds what the variables give.
 */
import {
  getOperationAST,
  isIntrospectionType,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ConstValueNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type GraphQLCompositeType,
} from 'graphql';
import { fragmentsOf } from '../fragments.ts';
import { literalCoordinates, typeMatters, valueCoordinates } from './inputValues.ts';

/** A place where a variable's value reaches an enum or input object type. */
export interface VariableSite {
  readonly name: string;
  readonly type: GraphQLInputType;
  /** The operation's default for the variable, used when the request does not give it. */
  readonly defaultValue: ConstValueNode | undefined;
}

/** What the document alone says an operation uses. */
export interface OperationUsage {
  readonly coordinates: ReadonlySet<string>;
  readonly variableSites: readonly VariableSite[];
}

const NOTHING: OperationUsage = { coordinates: new Set(), variableSites: [] };

/**
 * The coordinates of the operation `operationName` selects in a validated document (fragment
 * cycles and unknown fields are refused by validation before; what does not resolve against the
 * schema is skipped, never thrown). Each fragment is walked once, however often it is spread.
 */
export function analyseOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): OperationUsage {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return NOTHING;
  const coordinates = new Set<string>();
  const sites = new Map<string, VariableSite>();
  const defaults = new Map((operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d.defaultValue]));
  const onVariable = (name: string, type: GraphQLInputType) => {
    const key = `${name}:${String(type)}`;
    if (typeMatters(type) && !sites.has(key)) sites.set(key, { name, type, defaultValue: defaults.get(name) });
  };
  const fragments = fragmentsOf(document.definitions);
  const spread = new Set<string>();
  const toWalk: FragmentDefinitionNode[] = [];
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    // A default is read where its variable is used, and only when the request leaves it out.
    VariableDefinition: () => false,
    Directive: () => false,
    Field() {
      const coordinate = fieldCoordinate(typeInfo.getParentType(), typeInfo.getFieldDef());
      if (coordinate) coordinates.add(coordinate);
    },
    Argument(node) {
      const field = fieldCoordinate(typeInfo.getParentType(), typeInfo.getFieldDef());
      const argument = typeInfo.getArgument();
      if (field && argument) {
        coordinates.add(`${field}(${argument.name}:)`);
        literalCoordinates(node.value, argument.type, coordinates, onVariable);
      }
      return false;
    },
    FragmentSpread(node) {
      const fragment = fragments.get(node.name.value);
      if (fragment && !spread.has(node.name.value)) {
        spread.add(node.name.value);
        toWalk.push(fragment);
      }
    },
  });
  visit(operation, visitor);
  // A fragment's type condition sets its parent type, so it is walked apart from where it is spread.
  for (let fragment = toWalk.pop(); fragment; fragment = toWalk.pop()) visit(fragment, visitor);
  return { coordinates, variableSites: [...sites.values()] };
}

/** The operation's coordinates with what the request's variables give. */
export function coordinatesWith(usage: OperationUsage, variables: Readonly<Record<string, unknown>>): Set<string> {
  const all = new Set(usage.coordinates);
  for (const site of usage.variableSites) {
    if (Object.hasOwn(variables, site.name)) valueCoordinates(variables[site.name], site.type, all);
    else if (site.defaultValue) literalCoordinates(site.defaultValue, site.type, all, () => undefined);
  }
  return all;
}

/** The coordinates one request of an operation uses. */
export function usageCoordinates(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
  variables: Readonly<Record<string, unknown>>,
): Set<string> {
  return coordinatesWith(analyseOperation(schema, document, operationName), variables);
}

function fieldCoordinate(
  parent: GraphQLCompositeType | null | undefined,
  field: GraphQLField<unknown, unknown> | null | undefined,
): string | null {
  if (!parent || !field || field.name.startsWith('__') || isIntrospectionType(parent)) return null;
  return `${parent.name}.${field.name}`;
}
