/**
 * The member-level part of the schema diff (docs/registry.md#changes): fields and their arguments,
 * input fields, enum values, and their deprecations. Each function appends to `out`.
 */
import {
  astFromValue,
  print,
  type GraphQLArgument,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputObjectType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
} from 'graphql';
import type { SchemaChange } from '../types.ts';
import { schemaChange } from './diffChange.ts';
import type { SchemaReferences } from './diffReferences.ts';
import { isRequiredInput, isSafeInputChange, isSafeOutputChange, onlyNullabilityDiffers } from './diffTypeRefs.ts';

export interface DiffContext {
  /** Usage coordinates are looked up on the schema clients use today. */
  readonly references: SchemaReferences;
  readonly out: SchemaChange[];
  /** Fields the diff leaves out (federation's `_service` and `_entities` in a subgraph schema). */
  readonly ignoresField: (typeName: string, fieldName: string) => boolean;
}

type FieldsType = GraphQLObjectType | GraphQLInterfaceType;

export function diffFields(context: DiffContext, before: FieldsType, after: FieldsType): void {
  const { out } = context;
  const beforeFields = before.getFields();
  const afterFields = after.getFields();
  for (const name of unionOfKeys(beforeFields, afterFields)) {
    if (context.ignoresField(before.name, name)) continue;
    const coordinate = `${before.name}.${name}`;
    const old = beforeFields[name];
    const now = afterFields[name];
    if (!now) {
      out.push(
        schemaChange(
          'BREAKING',
          'FIELD_REMOVED',
          coordinate,
          `\`${coordinate}\` was removed: operations that select it no longer validate.`,
          [coordinate],
        ),
      );
    } else if (!old) {
      out.push(schemaChange('SAFE', 'FIELD_ADDED', coordinate, `\`${coordinate}\` was added.`));
    } else {
      diffFieldType(out, coordinate, old, now);
      diffInputValues(context, 'ARG', coordinate, byName(old.args), byName(now.args));
      diffDeprecation(out, 'FIELD', coordinate, old.deprecationReason, now.deprecationReason);
    }
  }
}

function diffFieldType(
  out: SchemaChange[],
  coordinate: string,
  old: GraphQLField<unknown, unknown>,
  now: GraphQLField<unknown, unknown>,
): void {
  const from = String(old.type);
  const to = String(now.type);
  if (from === to) return;
  const changed = `\`${coordinate}\` changed type from \`${from}\` to \`${to}\``;
  if (isSafeOutputChange(old.type, now.type)) {
    out.push(
      schemaChange(
        'SAFE',
        'FIELD_TYPE_CHANGED',
        coordinate,
        `${changed}: it promises more than before (never null), which breaks no client.`,
      ),
    );
  } else if (onlyNullabilityDiffers(old.type, now.type)) {
    out.push(
      schemaChange('BREAKING', 'FIELD_TYPE_CHANGED', coordinate, `${changed}: it may now be null where clients count on a value.`, [
        coordinate,
      ]),
    );
  } else {
    const message = `${changed}: clients get values of another type or shape, and their selections on it may no longer validate.`;
    out.push(schemaChange('BREAKING', 'FIELD_TYPE_CHANGED', coordinate, message, [coordinate]));
  }
}

export function diffInputFields(context: DiffContext, before: GraphQLInputObjectType, after: GraphQLInputObjectType): void {
  diffInputValues(context, 'INPUT_FIELD', before.name, before.getFields(), after.getFields());
}

type InputValue = GraphQLArgument | GraphQLInputField;

/**
 * Arguments of field `owner` (`ARG`), or input fields of input type `owner` (`INPUT_FIELD`). Who a
 * change affects: for an argument, whoever gives it (`T.f(arg:)`) or, when it becomes required,
 * every selection of the field (`T.f`); for an input field, whoever gives it (`Input.field`) or every
 * position an `Input` value is given in.
 */
function diffInputValues(
  context: DiffContext,
  element: 'ARG' | 'INPUT_FIELD',
  owner: string,
  before: Readonly<Record<string, InputValue>>,
  after: Readonly<Record<string, InputValue>>,
): void {
  const { out } = context;
  const label = element === 'ARG' ? 'argument' : 'input field';
  const everyUse = element === 'ARG' ? [owner] : context.references.inputReach(owner);
  const everyUseText = element === 'ARG' ? `operations that select \`${owner}\`` : `operations that give a \`${owner}\` value`;
  for (const name of unionOfKeys(before, after)) {
    const coordinate = element === 'ARG' ? `${owner}(${name}:)` : `${owner}.${name}`;
    const old = before[name];
    const now = after[name];
    if (!now) {
      out.push(
        schemaChange(
          'BREAKING',
          `${element}_REMOVED`,
          coordinate,
          `The ${label} \`${coordinate}\` was removed: operations that give it no longer validate.`,
          [coordinate],
        ),
      );
    } else if (!old) {
      if (isRequiredInput(now)) {
        const message = `A required ${label} \`${coordinate}\` (\`${String(now.type)}\`, no default) was added: ${everyUseText} without it no longer validate. Give it a default or make it nullable.`;
        out.push(schemaChange('BREAKING', `${element}_ADDED_REQUIRED`, coordinate, message, everyUse));
      } else {
        out.push(
          schemaChange(
            'SAFE',
            `${element}_ADDED_OPTIONAL`,
            coordinate,
            `An optional ${label} \`${coordinate}\` was added: operations that omit it are answered as before.`,
          ),
        );
      }
    } else {
      const newlyRequired = isRequiredInput(now) && !isRequiredInput(old);
      const from = String(old.type);
      const to = String(now.type);
      const changed = `\`${coordinate}\` changed type from \`${from}\` to \`${to}\``;
      if (from !== to) {
        if (isSafeInputChange(old.type, now.type)) {
          out.push(
            schemaChange('SAFE', `${element}_TYPE_CHANGED`, coordinate, `${changed}: it accepts more than before, which breaks no client.`),
          );
        } else if (newlyRequired) {
          const message = `${changed} with no default: ${everyUseText} without it, or with null, no longer validate.`;
          out.push(schemaChange('BREAKING', `${element}_TYPE_CHANGED`, coordinate, message, everyUse));
        } else {
          const message = `${changed}: values and variables of type \`${from}\` are no longer accepted.`;
          out.push(schemaChange('BREAKING', `${element}_TYPE_CHANGED`, coordinate, message, [coordinate]));
        }
      }
      const oldDefault = printDefault(old);
      const newDefault = printDefault(now);
      if (oldDefault !== newDefault) {
        if (newlyRequired && from === to) {
          const message = `The default of \`${coordinate}\` (\`${oldDefault}\`) was removed and its type \`${to}\` is non-null: ${everyUseText} without it no longer validate.`;
          out.push(schemaChange('BREAKING', `${element}_DEFAULT_CHANGED`, coordinate, message, everyUse));
        } else if (!newlyRequired) {
          const message = `The default of \`${coordinate}\` changed from ${shown(oldDefault)} to ${shown(newDefault)}: operations that omit it may get another answer.`;
          out.push(schemaChange('DANGEROUS', `${element}_DEFAULT_CHANGED`, coordinate, message, everyUse));
        }
      }
      diffDeprecation(out, element, coordinate, old.deprecationReason, now.deprecationReason);
    }
  }
}

export function diffEnumValues(context: DiffContext, before: GraphQLEnumType, after: GraphQLEnumType): void {
  const { out, references } = context;
  const beforeValues = byName(before.getValues());
  const afterValues = byName(after.getValues());
  const readers = references.outputFields(before.name);
  for (const name of unionOfKeys(beforeValues, afterValues)) {
    const coordinate = `${before.name}.${name}`;
    const old = beforeValues[name];
    const now = afterValues[name];
    if (!now) {
      const message = `\`${coordinate}\` was removed: operations that give it no longer validate, and clients that read ${listed(readers, 'it')} no longer get it.`;
      out.push(schemaChange('BREAKING', 'ENUM_VALUE_REMOVED', coordinate, message, [coordinate, ...readers]));
    } else if (!old) {
      const message = `\`${coordinate}\` was added: clients that read ${listed(readers, `a \`${before.name}\``)} may get a value they do not handle.`;
      out.push(schemaChange('DANGEROUS', 'ENUM_VALUE_ADDED', coordinate, message, readers));
    } else {
      diffDeprecation(out, 'ENUM_VALUE', coordinate, old.deprecationReason, now.deprecationReason);
    }
  }
}

/** `<ELEMENT>_DEPRECATED`, `<ELEMENT>_UNDEPRECATED`, `DEPRECATION_REASON_CHANGED`: all SAFE. */
function diffDeprecation(
  out: SchemaChange[],
  element: 'FIELD' | 'ARG' | 'INPUT_FIELD' | 'ENUM_VALUE',
  coordinate: string,
  before: string | null | undefined,
  after: string | null | undefined,
): void {
  if ((before ?? null) === (after ?? null)) return;
  if (before == null) {
    out.push(schemaChange('SAFE', `${element}_DEPRECATED`, coordinate, `\`${coordinate}\` was deprecated: "${after}".`));
  } else if (after == null) {
    out.push(schemaChange('SAFE', `${element}_UNDEPRECATED`, coordinate, `\`${coordinate}\` is no longer deprecated.`));
  } else {
    out.push(
      schemaChange(
        'SAFE',
        'DEPRECATION_REASON_CHANGED',
        coordinate,
        `The deprecation reason of \`${coordinate}\` changed from "${before}" to "${after}".`,
      ),
    );
  }
}

/** The default as GraphQL source (`50`, `ACTIVE`, `{first: 10}`), null when there is none. */
function printDefault(input: InputValue): string | null {
  if (input.defaultValue === undefined) return null;
  const ast = astFromValue(input.defaultValue, input.type);
  return ast ? print(ast) : 'null';
}

const shown = (value: string | null): string => (value === null ? 'none' : `\`${value}\``);

/** `\`A.b\``, `\`A.b\` and \`C.d\``, ... or `fallback` when there is none. */
export function listed(coordinates: readonly string[], fallback: string): string {
  if (coordinates.length === 0) return fallback;
  const quoted = coordinates.slice(0, 3).map((coordinate) => `\`${coordinate}\``);
  const rest = coordinates.length - quoted.length;
  if (rest > 0) return `${quoted.join(', ')} and ${rest} more`;
  return quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}

const byName = <T extends { readonly name: string }>(list: readonly T[]): Record<string, T> =>
  Object.fromEntries(list.map((item) => [item.name, item]));

/** Keys of both, `before`'s first, each once: the order only matters for the sort that follows. */
const unionOfKeys = (before: object, after: object): string[] => [...new Set([...Object.keys(before), ...Object.keys(after)])];
