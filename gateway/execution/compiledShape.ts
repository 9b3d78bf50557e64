/**
 * An operation's selections made ready for result shaping (shapeResponse.ts), once per operation
 * (docs/executor.md#shaping): `@apollo/gateway` walks `@apollo/federation-internals`' operation
 * objects for every response (a directive lookup per selection, a schema lookup per object);
 * here each selection's response name, `@skip`/`@include` condition, type and leaf check are read
 * once, in the same order, from the same operation object, so the walk over them is the same walk.
 */
import {
  isCustomScalarType,
  isEnumType,
  isNonNullType,
  isListType,
  typenameFieldName,
  Variable,
  type CompositeType,
  type Directive,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { SelectionNode } from 'graphql';

/** `@skip(if:)` / `@include(if:)`: a literal, or the variable that holds it. */
export type Condition = boolean | { readonly variable: string };

/** How a leaf value is checked: a custom scalar takes anything, an enum only its (API) values. */
export type LeafCheck =
  | { readonly kind: 'custom' }
  | { readonly kind: 'enum'; readonly values: ReadonlySet<string> }
  | { readonly kind: 'Int' | 'Float' | 'String' | 'Boolean' | 'ID' };

/** A field's type as the walk descends it. */
export type ShapeType =
  | { readonly kind: 'nonNull'; readonly ofType: ShapeType; readonly type: Type }
  | { readonly kind: 'list'; readonly ofType: ShapeType; readonly type: Type }
  | { readonly kind: 'composite'; readonly type: Type }
  | { readonly kind: 'leaf'; readonly check: LeafCheck; readonly type: Type };

export interface FieldStep {
  readonly kind: 'field';
  readonly responseName: string;
  readonly skip: Condition | undefined;
  readonly include: Condition | undefined;
  /** `__schema` / `__type`: the field as graphql-js selects it, for the gateway's own introspection. */
  readonly introspection: SelectionNode | undefined;
  readonly typename: boolean;
  readonly type: ShapeType;
  readonly selections: readonly Step[] | undefined;
}

export interface FragmentStep {
  readonly kind: 'fragment';
  readonly skip: Condition | undefined;
  readonly include: Condition | undefined;
  readonly typeCondition: CompositeType | undefined;
  /** Whether the condition applies, by `__typename` (or by parent type when the object has none). */
  readonly applies: Map<string, boolean>;
  readonly selections: readonly Step[];
}

export type Step = FieldStep | FragmentStep;

export interface CompiledShape {
  readonly schema: Schema;
  readonly rootType: CompositeType;
  readonly steps: readonly Step[];
  /** Variables' default values, under the request's own. */
  readonly defaults: Readonly<Record<string, unknown>>;
}

export function compileShape(operation: Operation): CompiledShape {
  const schema = operation.schema();
  const compiled = new Map<SelectionSet, readonly Step[]>();
  const conditionOf = (directive: Pick<Directive, 'arguments'> | undefined): Condition | undefined => {
    if (!directive) return undefined;
    const value = (directive.arguments() as { if: unknown }).if;
    return value instanceof Variable ? { variable: value.name } : (value as boolean);
  };
  const compile = (selectionSet: SelectionSet): readonly Step[] => {
    const known = compiled.get(selectionSet);
    if (known) return known;
    const steps: Step[] = [];
    for (const selection of selectionSet.selections()) {
      const element = selection.element;
      const skip = conditionOf(element.appliedDirectivesOf(schema.skipDirective())[0]);
      const include = conditionOf(element.appliedDirectivesOf(schema.includeDirective())[0]);
      if (selection.kind === 'FieldSelection') {
        const field = selection.element;
        const definition = field.definition;
        steps.push({
          kind: 'field',
          responseName: field.responseName(),
          skip,
          include,
          introspection: definition.isSchemaIntrospectionField() ? selection.expandFragments().toSelectionNode() : undefined,
          typename: field.name === typenameFieldName,
          type: shapeType(definition.type!),
          selections: selection.selectionSet ? compile(selection.selectionSet) : undefined,
        });
      } else {
        steps.push({
          kind: 'fragment',
          skip,
          include,
          typeCondition: selection.element.typeCondition,
          applies: new Map(),
          selections: compile(selection.selectionSet),
        });
      }
    }
    compiled.set(selectionSet, steps);
    return steps;
  };
  return {
    schema,
    rootType: schema.schemaDefinition.rootType(operation.rootKind)!,
    steps: compile(operation.selectionSet),
    defaults: operation.collectDefaultedVariableValues(),
  };
}

function shapeType(type: Type): ShapeType {
  if (isNonNullType(type)) return { kind: 'nonNull', ofType: shapeType(type.ofType), type };
  if (isListType(type)) return { kind: 'list', ofType: shapeType(type.ofType), type };
  if (type.kind === 'ScalarType' || type.kind === 'EnumType') return { kind: 'leaf', check: leafCheck(type), type };
  return { kind: 'composite', type };
}

function leafCheck(type: Type): LeafCheck {
  if (isCustomScalarType(type)) return { kind: 'custom' };
  if (isEnumType(type)) return { kind: 'enum', values: new Set(type.values.map((value) => value.name)) };
  return { kind: (type as { name: 'Int' | 'Float' | 'String' | 'Boolean' | 'ID' }).name };
}
