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
import { newRecord } from './record.ts';

type Path = (string | number)[];
type Output = Record<string, unknown>;

interface Walk {
  readonly schema: Schema;
  readonly variables: Record<string, unknown>;
  readonly errors: GraphQLError[];
  readonly introspect: (field: SelectionNode) => unknown;
  readonly types: Map<string, NamedType | undefined>;
  /**
   * How the last `updateValue` call ended, beside the value it returned (`@apollo/gateway`'s
   * `{ value, invalid, hasErrors }`, without an object per value): whether its null must bubble
   * to the parent, and whether it recorded an error. Read by the caller as soon as it returns.
   */
  invalid: boolean;
  hasErrors: boolean;
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
    invalid: false,
    hasErrors: false,
  };
  const data: Output = newRecord();
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
    output[responseName] = updateValue(walk, outputValue, step.type, inputValue, step.selections, path, parentType);
    path.pop();
    if (walk.invalid) return BUBBLE;
  }
  return OK;
}

/** Ends an `updateValue` call: its outcome in `walk` (see `Walk.invalid`), its value returned. */
function ended(walk: Walk, value: unknown, invalid: boolean, hasErrors: boolean): unknown {
  walk.invalid = invalid;
  walk.hasErrors = hasErrors;
  return value;
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
): unknown {
  assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selections)) return ended(walk, outputValue, false, false);
  switch (type.kind) {
    case 'nonNull': {
      const inner = updateValue(walk, outputValue, type.ofType, inputValue, selections, path, parentType);
      if (inner !== null) return ended(walk, inner, false, false);
      if (!walk.hasErrors) {
        const message = `Cannot return null for non-nullable ${describeLast(path, type.ofType.type, parentType)}.`;
        walk.errors.push(ERRORS.INVALID_GRAPHQL.err(message, { path: Array.from(path) }));
      }
      return ended(walk, null, true, true);
    }
    case 'list': {
      if (inputValue === null) return ended(walk, null, false, false);
      assert(
        Array.isArray(inputValue),
        () => `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${String(type.type)}`,
      );
      assert(
        outputValue === undefined || Array.isArray(outputValue),
        () => `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${String(type.type)}`,
      );
      // No output yet stands for a list of as many `undefined` as there are inputs.
      const outputs = outputValue as unknown[] | undefined;
      assert(
        outputs === undefined || inputValue.length === outputs.length,
        () => `[${String(inputValue)}].length (${inputValue.length}) !== [${String(outputs)}].length (${outputs!.length})`,
      );
      let nullify = false;
      let hasErrors = false;
      const values = new Array<unknown>(inputValue.length);
      for (let index = 0; index < inputValue.length; index++) {
        path.push(index);
        values[index] = updateValue(walk, outputs?.[index], type.ofType, inputValue[index], selections, path, parentType);
        path.pop();
        nullify ||= walk.invalid;
        hasErrors ||= walk.hasErrors;
      }
      return ended(walk, nullify ? null : values, false, hasErrors);
    }
    case 'composite':
      if (inputValue === null) return ended(walk, null, false, false);
      return updateObject(walk, outputValue, type, inputValue, selections, path, parentType);
    case 'leaf': {
      if (inputValue === null) return ended(walk, null, false, false);
      assert(outputValue === undefined, () => `Excepted output to be undefined but got ${String(type.type)} for type ${String(type.type)}`);
      if (validLeaf(type.check, inputValue)) return ended(walk, inputValue, false, false);
      walk.errors.push(
        ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(path, type.type, parentType)}.`, { path: Array.from(path) }),
      );
      return ended(walk, null, false, true);
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
): unknown {
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
      return ended(walk, null, false, true);
    }
    objectType = named;
  }
  const object = (outputValue as Output | undefined) ?? newRecord();
  const bubbled = applySteps(walk, input, selections, object, path, objectType) === BUBBLE;
  return ended(walk, bubbled ? null : object, false, bubbled);
}

function validLeaf(check: LeafCheck, value: unknown): boolean {
  if (check.kind === 'custom') return true;
  if (typeof value === 'boolean') return check.kind === 'Boolean';
  if (typeof value === 'number' && Number.isFinite(value)) {
    // An integer reads as one (`/^-?(0|[1-9][0-9]*)$/`) exactly when it is written without an exponent: below 10^21.
    if (check.kind === 'Int' || check.kind === 'ID') return Number.isInteger(value) && Math.abs(value) < 1e21;
    return check.kind === 'Float';
  }
  if (typeof value === 'string') {
    if (check.kind === 'enum') return check.values.has(value);
    return check.kind !== 'Boolean' && check.kind !== 'Int' && check.kind !== 'Float';
  }
  return false;
}
