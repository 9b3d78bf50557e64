import {
  getNamedType,
  getOperationAST,
  visit as visitAst,
  isCompositeType,
  isInterfaceType,
  isNullableType,
  isObjectType,
  Kind,
  OperationTypeNode,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentSpreadNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Decision } from '../../policies/requirements.ts';
import { fragmentsOf } from '../fragments.ts';

/** A field removed from an operation before planning, and where its `null` goes in the response. */
export interface DeniedField {
  /** The schema coordinate, e.g. `Project.billedToDate`. */
  readonly coordinate: string;
  /** Response keys from the root to the field (aliases as the client wrote them). */
  readonly path: readonly string[];
  /**
   * How many keys of `path` lead to the value that becomes null: `path.length` when the field is
   * nullable, fewer when null has to go to the nearest nullable parent, 0 when that is `data`.
   */
  readonly nullAt: number;
  readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN';
  readonly reason: string;
  /**
   * The `@skip`/`@include` on the way to the field. The field is removed whatever they say (so the
   * filtered document does not depend on variables), but reported only when they let it in: a
   * field the client skipped has no key in the response, so no null and no error (`reportedDenials`).
   */
  readonly conditions: readonly Condition[];
}

/** One `@skip(if:)` or `@include(if:)`: a literal, or a variable (with the operation's default for it). */
export type Condition =
  | { readonly directive: 'skip' | 'include'; readonly value: boolean }
  | { readonly directive: 'skip' | 'include'; readonly variable: string; readonly defaultValue: unknown };

export interface FilteredOperation {
  readonly document: DocumentNode;
  readonly denied: readonly DeniedField[];
  /** Paths of selection sets left empty by the removal, held open by a placeholder `__typename`. */
  readonly placeholders: readonly (readonly string[])[];
}

/** Response key of the `__typename` that keeps an emptied selection set valid; stripped from the response. */
export const PLACEHOLDER_KEY = '__tessera_denied';

/**
 * Removes the fields `decideField` denies from the selected operation of a validated document.
 * Fragments are inlined, so every field has one response path; each fragment is walked once per
 * response path it is spread at (linear in the document, whatever its expansion). `decideField` is called
 * with the parent type, the field and its named return type.
 */
export function filterOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  decideField: (parentType: string, fieldName: string, returnType: string) => Decision,
): FilteredOperation | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const root =
    operation.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : operation.operation === OperationTypeNode.SUBSCRIPTION
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (!root) return null;
  const fragments = fragmentsOf(document.definitions);
  const denied: DeniedField[] = [];
  const placeholders: string[][] = [];
  const defaults = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  const conditionsOf = (selection: SelectionNode): Condition[] =>
    (selection.directives ?? []).flatMap((directive): Condition[] => {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') return [];
      const value = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
      if (value?.kind === Kind.BOOLEAN) return [{ directive: name, value: value.value }];
      if (value?.kind === Kind.VARIABLE)
        return [{ directive: name, variable: value.name.value, defaultValue: defaults.get(value.name.value) }];
      return [];
    });

  type Step = { key: string; nullable: boolean };
  const visit = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    path: readonly Step[],
    conditions: readonly Condition[],
  ): SelectionNode[] => {
    const kept: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      const here = selection.directives?.length ? [...conditions, ...conditionsOf(selection)] : conditions;
      if (selection.kind === Kind.FIELD) {
        const field = visitField(selection, parentType, path, here);
        if (field) kept.push(field);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD && !spreadOnce(selection, path, here)) continue;
      const fragment: InlineFragmentNode =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : inline(selection.name.value, selection.directives);
      const typeName = fragment.typeCondition?.name.value;
      const type = typeName ? schema.getType(typeName) : parentType;
      if (!type || !isCompositeType(type)) {
        kept.push(fragment);
        continue;
      }
      const inner = visit(fragment.selectionSet, type, path, here);
      if (inner.length > 0) kept.push({ ...fragment, selectionSet: { ...fragment.selectionSet, selections: inner } });
    }
    return kept;
  };

  // A fragment spread again at a response path where it was already spread, under the same
  // conditions, selects nothing more (fields at one path merge): it is walked once, not once per
  // spread. Without this, fragments that spread the previous one twice make the walk exponential
  // in the document's size (a 1 KB "fragment bomb" of 24 fragments is 2^24 walks).
  const spreadsSeen = new Set<string>();
  const spreadOnce = (spread: FragmentSpreadNode, path: readonly Step[], conditions: readonly Condition[]): boolean => {
    // Other directives (a `@defer`) could make two spreads differ: those are walked each time.
    if (spread.directives?.some((directive) => directive.name.value !== 'skip' && directive.name.value !== 'include')) return true;
    const key = JSON.stringify([spread.name.value, path.map((step) => step.key), conditions]);
    if (spreadsSeen.has(key)) return false;
    spreadsSeen.add(key);
    return true;
  };

  const inline = (name: string, directives: FieldNode['directives']): InlineFragmentNode => {
    const definition = fragments.get(name);
    if (!definition) throw new TypeError(`unknown fragment ${name}`); // validated documents never get here
    return {
      kind: Kind.INLINE_FRAGMENT,
      typeCondition: definition.typeCondition,
      directives: [...(directives ?? []), ...(definition.directives ?? [])],
      selectionSet: definition.selectionSet,
    };
  };

  const visitField = (
    node: FieldNode,
    parentType: GraphQLCompositeType,
    path: readonly Step[],
    conditions: readonly Condition[],
  ): FieldNode | null => {
    const name = node.name.value;
    if (name.startsWith('__') || !(isObjectType(parentType) || isInterfaceType(parentType))) return node;
    const definition = parentType.getFields()[name];
    if (!definition) return node;
    const key = node.alias?.value ?? name;
    const steps = [...path, { key, nullable: isNullableType(definition.type) }];
    const returnType = getNamedType(definition.type);
    const decision = decideField(parentType.name, name, returnType.name);
    if (!decision.allowed) {
      let nullAt = 0;
      for (let index = steps.length - 1; index >= 0; index--) {
        if (steps[index]!.nullable) {
          nullAt = index + 1;
          break;
        }
      }
      denied.push({
        coordinate: `${parentType.name}.${name}`,
        path: steps.map((step) => step.key),
        nullAt,
        code: decision.code,
        reason: decision.reason,
        conditions,
      });
      return null;
    }
    if (!node.selectionSet || !isCompositeType(returnType)) return node;
    const inner = visit(node.selectionSet, returnType, steps, conditions);
    if (inner.length === 0) {
      placeholders.push(steps.map((step) => step.key));
      inner.push({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY }, name: { kind: Kind.NAME, value: '__typename' } });
    }
    return { ...node, selectionSet: { ...node.selectionSet, selections: inner } };
  };

  const selections = visit(operation.selectionSet, root, [], []);
  if (denied.length === 0) return { document, denied, placeholders };
  if (selections.length === 0) {
    placeholders.push([]);
    selections.push({
      kind: Kind.FIELD,
      alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY },
      name: { kind: Kind.NAME, value: '__typename' },
    });
  }
  const selectionSet = { ...operation.selectionSet, selections };
  // A variable used only by a removed field would fail "no unused variables" validation.
  const used = new Set<string>();
  visitAst(selectionSet, {
    Variable: (variable) => {
      used.add(variable.name.value);
    },
  });
  const variableDefinitions = operation.variableDefinitions?.filter((definition) => used.has(definition.variable.name.value));
  return {
    document: { kind: Kind.DOCUMENT, definitions: [{ ...operation, variableDefinitions, selectionSet }] },
    denied,
    placeholders,
  };
}

/**
 * The denials a request reports: those whose `@skip`/`@include` let the field in with these
 * variables, one per response path (a field selected twice at one path, directly and through a
 * fragment, is one null and one error). A condition whose value is not a boolean counts as
 * letting the field in: the request fails variable validation anyway.
 */
export function reportedDenials(
  denied: readonly DeniedField[],
  variables: Readonly<Record<string, unknown>> | null | undefined,
): DeniedField[] {
  const paths = new Set<string>();
  return denied.filter((denial) => {
    if (!denial.conditions.every((condition) => holds(condition, variables))) return false;
    const key = denial.path.join('\0');
    if (paths.has(key)) return false;
    paths.add(key);
    return true;
  });
}

function holds(condition: Condition, variables: Readonly<Record<string, unknown>> | null | undefined): boolean {
  const value =
    'value' in condition
      ? condition.value
      : variables && Object.hasOwn(variables, condition.variable)
        ? variables[condition.variable]
        : condition.defaultValue;
  if (typeof value !== 'boolean') return true;
  return condition.directive === 'skip' ? !value : value;
}
