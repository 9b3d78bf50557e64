/**
 * Declared maximum lengths of free-text inputs (`@maxLength(max:)` on input fields and arguments,
 * composed into the supergraph with `@composeDirective`; docs/capabilities.md#input-lengths). One
 * reading of the declarations and one check of a field's argument values, used by the gateway
 * (before planning) and by each system (before a capability runs): works on any SDL, knows no field.
 */
import {
  Kind,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLError,
  type GraphQLInputType,
} from 'graphql';
import { ERROR_CODES, tesseraError } from '../core/errors.ts';

/** The declared limits, by schema coordinate: `Input.field` for input fields, `Type.field(arg:)` for arguments. */
export type MaxLengths = ReadonlyMap<string, number>;

/** An input value longer than its declaration allows. */
export interface LengthViolation {
  /** Where in the field's arguments: `input.lines[2].serviceOffering`. */
  readonly field: string;
  readonly maxLength: number;
  /** Its length in characters (Unicode code points). */
  readonly actual: number;
}

/** Every `@maxLength(max:)` of an SDL (a subgraph's or a supergraph's), by coordinate. */
export function maxLengthsOf(document: DocumentNode): MaxLengths {
  const lengths = new Map<string, number>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) {
      for (const field of definition.fields ?? []) declare(lengths, `${definition.name.value}.${field.name.value}`, field.directives);
    }
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) {
      for (const field of definition.fields ?? []) {
        for (const arg of field.arguments ?? []) {
          declare(lengths, argumentCoordinate(definition.name.value, field.name.value, arg.name.value), arg.directives);
        }
      }
    }
  }
  return lengths;
}

/** The schema coordinate of an argument. */
export function argumentCoordinate(typeName: string, fieldName: string, argumentName: string): string {
  return `${typeName}.${fieldName}(${argumentName}:)`;
}

/** The number of characters of `value`: Unicode code points, so an emoji counts once. */
export function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/**
 * The first argument value of `field` (of `typeName`) longer than its declaration, walking input
 * objects and lists; null when every one fits. `args` are the field's argument values (literals
 * and variables resolved).
 */
export function overLength(
  lengths: MaxLengths,
  typeName: string,
  field: GraphQLField<unknown, unknown>,
  args: Readonly<Record<string, unknown>>,
): LengthViolation | null {
  if (lengths.size === 0) return null;
  for (const arg of field.args) {
    if (!(arg.name in args)) continue;
    const found = walk(lengths, lengths.get(argumentCoordinate(typeName, field.name, arg.name)), arg.type, args[arg.name], arg.name);
    if (found) return found;
  }
  return null;
}

/** Whether some argument of `field` can hold a declared input (itself, or an input object or list reaching one). */
export function mayHoldDeclared(lengths: MaxLengths, typeName: string, field: GraphQLField<unknown, unknown>): boolean {
  return field.args.some((arg) => lengths.has(argumentCoordinate(typeName, field.name, arg.name)) || reaches(lengths, arg.type, new Set()));
}

function reaches(lengths: MaxLengths, type: GraphQLInputType, seen: Set<string>): boolean {
  const named = getNamedType(type);
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((inner) => lengths.has(`${named.name}.${inner.name}`) || reaches(lengths, inner.type, seen));
}

function walk(lengths: MaxLengths, max: number | undefined, type: GraphQLInputType, value: unknown, path: string): LengthViolation | null {
  if (value === null || value === undefined) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    // A single value where a list is expected is coerced to a list of one (GraphQL input coercion).
    const items = Array.isArray(value) ? value : [value];
    for (let i = 0; i < items.length; i += 1) {
      const found = walk(lengths, max, nullable.ofType as GraphQLInputType, items[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'string') {
    // A string has at least as many UTF-16 units as characters: most values need no count.
    if (max === undefined || value.length <= max) return null;
    const actual = characterCount(value);
    return actual > max ? { field: path, maxLength: max, actual } : null;
  }
  const named = getNamedType(type);
  if (!isInputObjectType(named) || typeof value !== 'object') return null;
  const record = value as Record<string, unknown>;
  for (const inner of Object.values(named.getFields())) {
    if (!(inner.name in record)) continue;
    const found = walk(lengths, lengths.get(`${named.name}.${inner.name}`), inner.type, record[inner.name], `${path}.${inner.name}`);
    if (found) return found;
  }
  return null;
}

function declare(lengths: Map<string, number>, coordinate: string, directives: readonly ConstDirectiveNode[] | undefined): void {
  const directive = directives?.find((d) => d.name.value === 'maxLength');
  if (!directive) return;
  const max = directive.arguments?.find((arg) => arg.name.value === 'max')?.value;
  if (max?.kind !== Kind.INT || Number(max.value) < 1) throw new TypeError(`@maxLength on ${coordinate} needs max: a positive Int`);
  lengths.set(coordinate, Number(max.value));
}

/**
 * The refusal of an over-long input: BAD_USER_INPUT naming the input path, the limit and the
 * actual length (never echoing the value). `wholeRequest` (the gateway's refusal before planning)
 * carries the catalog's HTTP status; a system's refusal is an error at the mutation's path, like
 * its other input errors.
 */
export function lengthRefusal(violation: LengthViolation, coordinate: string, options: { readonly wholeRequest: boolean }): GraphQLError {
  return tesseraError(
    'BAD_USER_INPUT',
    `${coordinate}: ${violation.field} is ${violation.actual} characters long; at most ${violation.maxLength} are allowed.`,
    {
      extensions: {
        ...(options.wholeRequest ? { http: { status: ERROR_CODES.BAD_USER_INPUT.status } } : {}),
        coordinate,
        field: violation.field,
        maxLength: violation.maxLength,
        actual: violation.actual,
      },
    },
  );
}
