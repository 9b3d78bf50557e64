import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  valueFromASTUntyped,
  type DirectiveNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { CostDirectives, ListSize } from './costDirectives.ts';

/** What the estimated and the actual cost share: the rules of docs/demand-control.md#how-cost-is-computed. */
export interface CostRules {
  readonly schema: GraphQLSchema;
  readonly directives: CostDirectives;
  /** `TESSERA_COST_LIST_SIZE`: the size of a list field without `@listSize`. */
  readonly defaultListSize: number;
}

/** The extra cost of each root field of a mutation (Apollo's operation-type cost, counted per field here). */
export const MUTATION_FIELD_COST = 10;

/** Variables as the operation sees them: the request's, then each definition's default. */
export function variablesOf(
  operation: OperationDefinitionNode,
  given: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (given && Object.hasOwn(given, name)) variables[name] = given[name];
    else if (definition.defaultValue) variables[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return variables;
}

/** Whether `@skip`/`@include` leave a selection out, with their conditions' values. */
export function skipped(directives: readonly DirectiveNode[] | undefined, variables: Readonly<Record<string, unknown>>): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((arg) => arg.name.value === 'if');
    const value = condition ? valueFromASTUntyped(condition.value, variables) : undefined;
    if (name === 'skip' && value === true) return true;
    if (name === 'include' && value === false) return true;
  }
  return false;
}

/** A field of the operation resolved against the schema, with what its cost depends on. */
export interface CostedField {
  readonly definition: GraphQLField<unknown, unknown>;
  readonly coordinate: string;
  /** The cost of one instance of the field's value, before its selections. */
  readonly typeCost: number;
  /** What the `@cost` of the arguments given, and a mutation's root-field cost, add: once per field, not per list item. */
  readonly fixedCost: number;
  readonly isList: boolean;
  /** The declared or assumed size of the list (1 for a field that is not a list). */
  readonly size: number;
  /** The children whose lists have the size this field's slicing arguments give (`@listSize(sizedFields:)`). */
  readonly sizes: SizedFields | undefined;
  readonly returnType: GraphQLCompositeType | undefined;
}

/** Child fields sized by their parent's slicing argument (a connection's `nodes`). */
export interface SizedFields {
  readonly fields: readonly string[];
  readonly size: number;
}

/** The field `node` selects on `parentType`, costed; undefined for introspection and unknown fields (no cost). */
export function costField(
  rules: CostRules,
  parentType: GraphQLCompositeType,
  node: FieldNode,
  variables: Readonly<Record<string, unknown>>,
  sizedByParent: SizedFields | undefined,
): CostedField | undefined {
  const name = node.name.value;
  if (name.startsWith('__') || !(isObjectType(parentType) || isInterfaceType(parentType))) return undefined;
  const definition = parentType.getFields()[name];
  if (!definition) return undefined;
  const coordinate = `${parentType.name}.${name}`;
  const named = getNamedType(definition.type);
  const { directives } = rules;
  const typeCost = directives.fields.get(coordinate) ?? directives.types.get(named.name) ?? (isCompositeType(named) ? 1 : 0);
  let fixedCost = parentType === rules.schema.getMutationType() ? MUTATION_FIELD_COST : 0;
  for (const arg of node.arguments ?? []) fixedCost += directives.arguments.get(`${coordinate}(${arg.name.value}:)`) ?? 0;
  const listSize = directives.listSizes.get(coordinate);
  const declared = listSize ? sizeFrom(listSize, node, definition, variables) : undefined;
  const isList = isListType(getNullableType(definition.type));
  const sizes =
    listSize && listSize.sizedFields.length > 0 ? { fields: listSize.sizedFields, size: declared ?? rules.defaultListSize } : undefined;
  const size = !isList
    ? 1
    : sizedByParent?.fields.includes(name)
      ? sizedByParent.size
      : sizes
        ? rules.defaultListSize
        : (declared ?? rules.defaultListSize);
  return {
    definition,
    coordinate,
    typeCost,
    fixedCost,
    isList,
    size,
    sizes,
    returnType: isCompositeType(named) ? named : undefined,
  };
}

/**
 * The size `@listSize` gives a field as the operation calls it: the largest slicing argument given
 * (a literal, a variable, or the argument's default), else `assumedSize`; undefined when neither.
 */
function sizeFrom(
  listSize: ListSize,
  node: FieldNode,
  definition: GraphQLField<unknown, unknown>,
  variables: Readonly<Record<string, unknown>>,
): number | undefined {
  let size: number | undefined;
  for (const path of listSize.slicingArguments) {
    const [argumentName, ...rest] = path.split('.');
    const given = node.arguments?.find((arg) => arg.name.value === argumentName);
    // An argument not given, or given a variable the request left out, has its default (as executed).
    let value: unknown = given ? valueFromASTUntyped(given.value, variables) : undefined;
    if (value === undefined) value = definition.args.find((arg) => arg.name === argumentName)?.defaultValue;
    for (const key of rest) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, Math.max(0, Math.floor(value)));
  }
  return size ?? listSize.assumedSize;
}

/** A fragment's type condition in the schema, or the type it is spread into when the condition names no composite type. */
export function conditionType(schema: GraphQLSchema, name: string | undefined, fallback: GraphQLCompositeType): GraphQLCompositeType {
  if (!name) return fallback;
  const type = schema.getType(name);
  return type && isCompositeType(type) ? type : fallback;
}

/** Costs are whole numbers; one too large to be exact is reported as the largest exact one. */
export function bounded(cost: number): number {
  return Math.min(cost, Number.MAX_SAFE_INTEGER);
}
