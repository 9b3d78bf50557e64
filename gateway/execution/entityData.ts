/**
 * Reading the response being assembled, with `@apollo/gateway`'s semantics exactly (the plan
 * executor's answers must be identical to its, docs/executor.md#equivalence): the objects a fetch
 * applies to (its `Flatten` path, `@` for every list item), and an entity's representation (the
 * fetch's `requires` selection of it).
 */
import type { QueryPlanSelectionNode, ResponsePath } from '@apollo/query-planner';
import { deepMerge } from '@apollo/gateway/dist/utilities/deepMerge.js';
import { isObjectOfType } from '@apollo/gateway/dist/dataRewrites.js';
import type { GraphQLSchema } from 'graphql';

export type ResponseObject = Record<string, unknown>;

/** The value at `path` in `value`, list items flattened at each `@`; undefined or null where the path ends early. */
export function valuesAtPath(value: unknown, path: ResponsePath, from = 0): unknown {
  if (from === path.length || value === undefined || value === null) return value;
  const step = path[from]!;
  if (step === '@') return (value as unknown[]).flatMap((item) => valuesAtPath(item, path, from + 1));
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${String(step)}`);
  return valuesAtPath(Object.hasOwn(value as object, step) ? (value as ResponseObject)[step as string] : undefined, path, from + 1);
}

/** The objects a fetch at `path` applies to; undefined when there is nothing there (the fetch is not sent). */
export function entitiesAt(data: ResponseObject, path: ResponsePath): ResponseObject[] | undefined {
  const found = valuesAtPath(data, path);
  if (!found) return undefined;
  return Array.isArray(found)
    ? (found.filter((item) => item !== null && item !== undefined) as ResponseObject[])
    : [found as ResponseObject];
}

/** `source`'s fields that `selections` name (a fetch's `requires`); null when one is missing. */
export function selectRequired(
  schema: GraphQLSchema,
  source: unknown,
  selections: readonly QueryPlanSelectionNode[],
): ResponseObject | null {
  if (source === null) return null;
  const object = source as ResponseObject;
  const result: ResponseObject = Object.create(null);
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const key = selection.alias ?? selection.name;
      const value = Object.hasOwn(object, key) ? object[key] : undefined;
      if (value === undefined) return null;
      const nested = selection.selections;
      if (Array.isArray(value)) result[key] = nested ? value.map((item) => selectRequired(schema, item, nested)) : value;
      else result[key] = nested ? selectRequired(schema, value, nested) : value;
    } else if (selection.typeCondition && source && isObjectOfType(schema, object, selection.typeCondition)) {
      deepMerge(result, selectRequired(schema, object, selection.selections));
    }
  }
  return result;
}

export { deepMerge };
