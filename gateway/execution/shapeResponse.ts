/**
 * The client's response from the data the fetches gathered (docs/executor.md#shaping): only the
 * fields the operation selects, under its response names and in its order, `__typename` filled
 * in, values checked against their types (an enum value the API hides is invalid), and a null
 * where a non-null type is violated bubbling up to the nearest nullable parent, with an
 * `INVALID_GRAPHQL` error. It is `@apollo/gateway`'s result shaping step for step — the same
 * outputs, errors, messages and paths (docs/executor.md#equivalence) — over a compiled operation.
 */
import {
  assert,
  ERRORS,
  isCompositeType,
  isObjectType,
  isSubtype,
  type CompositeType,
  type NamedType,
  type Schema,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError, SelectionNode } from 'graphql';
import type { CompiledShape, Condition, FragmentStep, LeafCheck, ShapeType, Step } from './compiledShape.ts';

type Path = (string | number)[];
type Output = Record<string, unknown>;

interface Walk {
  readonly schema: Schema;
  readonly variables: Record<string, unknown>;
  readonly errors: GraphQLError[];
  readonly introspect: (field: SelectionNode) => unknown;
  readonly types: Map<string, NamedType | undefined>;
}

const BUBBLE = 1;
const OK = 0;

export interface ShapedResponse {
  readonly data: Output | null;
  readonly errors: GraphQLError[];
}

export function shapeResponse(
  shape: CompiledShape,
  input: Output,
  variables: Record<string, unknown> | undefined,
  introspect: (field: SelectionNode) => unknown,
): ShapedResponse {
  const walk: Walk = {
    schema: shape.schema,
    variables: { __proto__: null, ...shape.defaults, ...variables } as Record<string, unknown>,
    errors: [],
    introspect,
    types: new Map(),
  };
  const data: Output = Object.create(null);
  const result = applySteps(walk, input, shape.steps, data, [], shape.rootType);
  return { data: result === BUBBLE ? null : data, errors: walk.errors };
}

function typeNamed(walk: Walk, name: string): NamedType | undefined {
  let type = walk.types.get(name);
  if (type === undefined && !walk.types.has(name)) {
    type = walk.schema.type(name);
    walk.types.set(name, type);
  }
  return type;
}

function conditionValue(condition: Condition, variables: Record<string, unknown>): boolean {
  if (typeof condition === 'boolean') return condition;
  const value = variables[condition.variable];
  assert(value !== undefined && typeof value === 'boolean', () => `Unexpected value ${String(value)} for variable $${condition.variable}`);
  return value;
}

function skipped(step: Step, variables: Record<string, unknown>): boolean {
  return (
    (step.skip !== undefined && conditionValue(step.skip, variables)) ||
    (step.include !== undefined && !conditionValue(step.include, variables))
  );
}

function fragmentApplies(walk: Walk, step: FragmentStep, typename: string | undefined, parentType: CompositeType): boolean {
  const condition = step.typeCondition;
  if (!condition) return true;
  const key = typename ?? `\u0000${parentType.name}`;
  let applies = step.applies.get(key);
  if (applies === undefined) {
    if (typename) {
      const type = typeNamed(walk, typename);
      applies = !!type && isSubtype(condition, type);
    } else {
      applies = isSubtype(condition, parentType);
    }
    step.applies.set(key, applies);
  }
  return applies;
}

function applySteps(walk: Walk, input: Output, steps: readonly Step[], output: Output, path: Path, parentType: CompositeType): number {
  for (const step of steps) {
    if ((step.skip !== undefined || step.include !== undefined) && skipped(step, walk.variables)) continue;
    if (step.kind === 'fragment') {
      const typename = input.__typename;
      assert(!typename || typeof typename === 'string', () => `Got unexpected value for __typename: ${String(typename)}`);
      if (fragmentApplies(walk, step, typename as string | undefined, parentType)) {
        if (applySteps(walk, input, step.selections, output, path, step.typeCondition ?? parentType) === BUBBLE) return BUBBLE;
      }
      continue;
    }
    const responseName = step.responseName;
    const outputValue = output[responseName];
    if (step.introspection) {
      if (outputValue === undefined) output[responseName] = walk.introspect(step.introspection);
      continue;
    }
    let inputValue = (Object.hasOwn(input, responseName) ? input[responseName] : undefined) ?? null;
    if (step.typename) {
      if (outputValue === undefined) {
        if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
        const type = typeof inputValue === 'string' ? (typeNamed(walk, inputValue) ?? parentType) : parentType;
        if (!isObjectType(type)) return BUBBLE;
        output[responseName] = type.name;
      }
      continue;
    }
    path.push(responseName);
    const updated = updateValue(walk, outputValue, step.type, inputValue, step.selections, path, parentType);
    output[responseName] = updated.value;
    path.pop();
    if (updated.invalid) return BUBBLE;
  }
  return OK;
}

interface Updated {
  readonly value: unknown;
  readonly invalid?: boolean;
  readonly hasErrors?: boolean;
}

function describeLast(path: Path, currentType: Type, parentType: CompositeType): string {
  const last = path[path.length - 1];
  assert(last !== undefined, 'Should not have been called on an empty path');
  return typeof last === 'string' ? `field ${String(parentType)}.${last}` : `array element of type ${String(currentType)} at index ${last}`;
}

function updateValue(
  walk: Walk,
  outputValue: unknown,
  type: ShapeType,
  inputValue: unknown,
  selections: readonly Step[] | undefined,
  path: Path,
  parentType: CompositeType,
): Updated {
  assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selections)) return { value: outputValue };
  switch (type.kind) {
    case 'nonNull': {
      const inner = updateValue(walk, outputValue, type.ofType, inputValue, selections, path, parentType);
      if (inner.value !== null) return { value: inner.value };
      if (!inner.hasErrors) {
        const message = `Cannot return null for non-nullable ${describeLast(path, type.ofType.type, parentType)}.`;
        walk.errors.push(ERRORS.INVALID_GRAPHQL.err(message, { path: Array.from(path) }));
      }
      return { value: null, invalid: true, hasErrors: true };
    }
    case 'list': {
      if (inputValue === null) return { value: null };
      assert(
        Array.isArray(inputValue),
        () => `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${String(type.type)}`,
      );
      assert(
        outputValue === undefined || Array.isArray(outputValue),
        () => `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${String(type.type)}`,
      );
      const outputs = (outputValue as unknown[] | undefined) ?? new Array<unknown>(inputValue.length).fill(undefined);
      assert(
        inputValue.length === outputs.length,
        () => `[${String(inputValue)}].length (${inputValue.length}) !== [${String(outputs)}].length (${outputs.length})`,
      );
      let nullify = false;
      let hasErrors = false;
      const values = new Array<unknown>(outputs.length);
      for (let index = 0; index < outputs.length; index++) {
        path.push(index);
        const item = updateValue(walk, outputs[index], type.ofType, inputValue[index], selections, path, parentType);
        path.pop();
        nullify ||= !!item.invalid;
        hasErrors ||= !!item.hasErrors;
        values[index] = item.value;
      }
      return { value: nullify ? null : values, hasErrors };
    }
    case 'composite':
      if (inputValue === null) return { value: null };
      return updateObject(walk, outputValue, type, inputValue, selections, path, parentType);
    case 'leaf': {
      if (inputValue === null) return { value: null };
      assert(outputValue === undefined, () => `Excepted output to be undefined but got ${String(type.type)} for type ${String(type.type)}`);
      if (validLeaf(type.check, inputValue)) return { value: inputValue, hasErrors: false };
      walk.errors.push(
        ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(path, type.type, parentType)}.`, { path: Array.from(path) }),
      );
      return { value: null, hasErrors: true };
    }
  }
}

function updateObject(
  walk: Walk,
  outputValue: unknown,
  type: Extract<ShapeType, { kind: 'composite' }>,
  inputValue: unknown,
  selections: readonly Step[] | undefined,
  path: Path,
  parentType: CompositeType,
): Updated {
  assert(selections, () => `Invalid empty selection set for composite type ${String(type.type)}`);
  assert(
    typeof inputValue === 'object',
    () => `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${String(type.type)}`,
  );
  assert(
    outputValue === undefined || typeof outputValue === 'object',
    () => `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${String(type.type)}`,
  );
  const input = inputValue as Output;
  const typename = input.__typename;
  assert(
    typename === undefined || typeof typename === 'string',
    () => `Invalid non-string value ${String(typename)} for __typename at ${String(path)}`,
  );
  let objectType = type.type as CompositeType;
  if (typename) {
    const named = typeNamed(walk, typename);
    if (!named || !isCompositeType(named)) {
      walk.errors.push(
        ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(path, type.type, parentType)}.`, {
          path: Array.from(path),
        }),
      );
      return { value: null, hasErrors: true };
    }
    objectType = named;
  }
  const object = (outputValue as Output | undefined) ?? (Object.create(null) as Output);
  const bubbled = applySteps(walk, input, selections, object, path, objectType) === BUBBLE;
  return { value: bubbled ? null : object, hasErrors: bubbled };
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function validLeaf(check: LeafCheck, value: unknown): boolean {
  if (check.kind === 'custom') return true;
  if (typeof value === 'boolean') return check.kind === 'Boolean';
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (check.kind === 'Int' || check.kind === 'ID') return INTEGER.test(String(value));
    return check.kind === 'Float';
  }
  if (typeof value === 'string') {
    if (check.kind === 'enum') return check.values.has(value);
    return check.kind !== 'Boolean' && check.kind !== 'Int' && check.kind !== 'Float';
  }
  return false;
}
