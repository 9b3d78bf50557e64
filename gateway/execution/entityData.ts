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
import { newRecord } from './record.ts';

export type ResponseObject = Record<string, unknown>;

/**
 * The objects a fetch at `path` applies to (`@` steps into every list item; a list at the end is
 * its items; nulls and missing values are left out); empty when there is nothing there (the fetch
 * is not sent).
 */
export function entitiesAt(data: ResponseObject, path: ResponsePath): ResponseObject[] {
  const found: ResponseObject[] = [];
  gather(data, path, 0, found);
  return found;
}

function gather(value: unknown, path: ResponsePath, from: number, found: ResponseObject[]): void {
  let current = value;
  for (let index = from; index < path.length; index++) {
    if (current === undefined || current === null) return;
    const step = path[index]!;
    if (step === '@') {
      if (!Array.isArray(current)) throw new TypeError(`Expected a list in result for path element @`);
      for (const item of current) gather(item, path, index + 1, found);
      return;
    }
    if (Array.isArray(current)) throw new Error(`Unexpected array in result for path element ${String(step)}`);
    current = Object.hasOwn(current as object, step) ? (current as ResponseObject)[step as string] : undefined;
  }
  if (current === undefined || current === null) return;
  if (!Array.isArray(current)) found.push(current as ResponseObject);
  else for (const item of current) if (item !== undefined && item !== null) found.push(item as ResponseObject);
}

/** `source`'s fields that `selections` name (a fetch's `requires`); null when one is missing. */
export function selectRequired(
  schema: GraphQLSchema,
  source: unknown,
  selections: readonly QueryPlanSelectionNode[],
): ResponseObject | null {
  if (source === null) return null;
  const object = source as ResponseObject;
  let result: ResponseObject | undefined;
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const key = selection.alias ?? selection.name;
      const value = Object.hasOwn(object, key) ? object[key] : undefined;
      if (value === undefined) return null;
      const nested = selection.selections;
      result ??= newRecord();
      if (Array.isArray(value)) result[key] = nested ? value.map((item) => selectRequired(schema, item, nested)) : value;
      else result[key] = nested ? selectRequired(schema, value, nested) : value;
    } else if (selection.typeCondition && source && isObjectOfType(schema, object, selection.typeCondition)) {
      const selected = selectRequired(schema, object, selection.selections);
      // The usual `requires` is one fragment (`... on Product { __typename upc }`): its selection is the result.
      if (result === undefined) result = selected ?? newRecord();
      else deepMerge(result, selected);
    }
  }
  return result ?? newRecord();
}

export { deepMerge };
