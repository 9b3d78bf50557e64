/**
 * Whether a changed type reference can break a client (docs/registry.md#changes). Output and input
 * positions go opposite ways: a field may promise more (nullable to non-null), an argument or input
 * field may accept more (non-null to nullable); anything else is breaking.
 */
import { getNamedType, isListType, isNonNullType, type GraphQLInputType, type GraphQLOutputType, type GraphQLType } from 'graphql';

/** True when every value a client could get from `before` is also a value of `after`'s shape. */
export function isSafeOutputChange(before: GraphQLType, after: GraphQLType): boolean {
  if (isNonNullType(before)) return isNonNullType(after) && isSafeOutputChange(before.ofType, after.ofType);
  const unwrapped = isNonNullType(after) ? after.ofType : after;
  if (isListType(before)) return isListType(unwrapped) && isSafeOutputChange(before.ofType, unwrapped.ofType);
  return !isListType(unwrapped) && getNamedType(unwrapped).name === getNamedType(before).name;
}

/** True when every value (literal or variable) a client could give for `before` is still accepted by `after`. */
export function isSafeInputChange(before: GraphQLType, after: GraphQLType): boolean {
  if (isNonNullType(after)) return isNonNullType(before) && isSafeInputChange(before.ofType, after.ofType);
  const unwrapped = isNonNullType(before) ? before.ofType : before;
  if (isListType(after)) return isListType(unwrapped) && isSafeInputChange(unwrapped.ofType, after.ofType);
  return !isListType(unwrapped) && getNamedType(unwrapped).name === getNamedType(after).name;
}

/** Only the nullability differs (same named type, same list nesting). */
export function onlyNullabilityDiffers(before: GraphQLOutputType | GraphQLInputType, after: GraphQLOutputType | GraphQLInputType): boolean {
  return stripNonNull(String(before)) === stripNonNull(String(after));
}

/** An argument or input field an operation must give: non-null without a default. */
export function isRequiredInput(input: { readonly type: GraphQLInputType; readonly defaultValue?: unknown }): boolean {
  return isNonNullType(input.type) && input.defaultValue === undefined;
}

const stripNonNull = (type: string) => type.replaceAll('!', '');
