import type { GraphQLFormattedError } from 'graphql';
import { PLACEHOLDER_KEY, type DeniedField } from './filterOperation.ts';

type Path = (string | number)[];
type Json = Record<string, unknown>;

/**
 * Puts the removed fields back into a response as the client will see them: `null` at each
 * concrete path (or at the nearest nullable parent) and one error per concrete path with the
 * denial's code and reason. Removes the placeholders that kept emptied selections valid.
 */
export function applyDenials(
  data: Json | null | undefined,
  denied: readonly DeniedField[],
  placeholders: readonly (readonly string[])[],
): { data: Json | null | undefined; errors: GraphQLFormattedError[] } {
  const errors: GraphQLFormattedError[] = [];
  if (data === null || data === undefined) {
    // Nothing was resolved: the denials are still the answer for the fields asked.
    for (const denial of denied) errors.push(errorFor(denial, denial.path));
    return { data, errors };
  }
  for (const denial of denied) {
    for (const path of concretePaths(data, denial.path)) errors.push(errorFor(denial, path));
  }
  let nulledData = false;
  for (const denial of denied) {
    if (denial.nullAt === 0) {
      nulledData = true;
      continue;
    }
    const parentKeys = denial.path.slice(0, denial.nullAt - 1);
    const key = denial.path[denial.nullAt - 1]!;
    for (const parent of objectsAt(data, parentKeys)) parent[key] = null;
  }
  for (const path of placeholders) {
    for (const object of objectsAt(data, path)) delete object[PLACEHOLDER_KEY];
  }
  return { data: nulledData ? null : data, errors };
}

function errorFor(denial: DeniedField, path: Path | readonly string[]): GraphQLFormattedError {
  const message =
    denial.code === 'UNAUTHENTICATED'
      ? `Authentication is required to read ${denial.coordinate} (${denial.reason}).`
      : `Not authorized to read ${denial.coordinate} (${denial.reason}).`;
  return { message, path: [...path], extensions: { code: denial.code, coordinate: denial.coordinate, reason: denial.reason } };
}

/** Every concrete path of `keys` in `data`, list positions expanded; stops where a parent is null. */
function concretePaths(data: Json, keys: readonly string[]): Path[] {
  const out: Path[] = [];
  const walk = (value: unknown, depth: number, path: Path): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, depth, [...path, index]));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const key = keys[depth]!;
    if (depth === keys.length - 1) {
      out.push([...path, key]);
      return;
    }
    walk((value as Json)[key], depth + 1, [...path, key]);
  };
  walk(data, 0, []);
  return out;
}

/** The objects reached by `keys` from `data` (lists expanded, nulls skipped). */
function objectsAt(data: Json, keys: readonly string[]): Json[] {
  let level: unknown[] = [data];
  for (const key of keys) level = level.flatMap((value) => children(value, key));
  return level.flatMap(flatten).filter((value): value is Json => value !== null && typeof value === 'object');
}

function children(value: unknown, key: string): unknown[] {
  return flatten(value).flatMap((object) => (object !== null && typeof object === 'object' ? [(object as Json)[key]] : []));
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}
