import {
  getDirectiveValues, getNamedType, getOperationAST, getVariableValues, visit as visitAst, isCompositeType, isInterfaceType, isNullableType,
  isObjectType, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, OperationTypeNode,
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLSchema,
  type InlineFragmentNode, type SelectionNode, type SelectionSetNode,
} from 'graphql';
import type { Decision } from '../../policies/requirements.ts';

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
}

export interface FilteredOperation {
  readonly document: DocumentNode;
  /** The denied fields the client will see (null and an error each); one per response path. */
  readonly denied: readonly DeniedField[];
  /**
   * How many field selections were removed: the denied ones, plus denied ones under `@skip` or
   * `@include` that exclude them (removed all the same, but not reported: the client did not ask).
   */
  readonly removed: number;
  /** Paths of selection sets left empty by the removal, held open by a placeholder `__typename`. */
  readonly placeholders: readonly (readonly string[])[];
}

/** Response key of the `__typename` that keeps an emptied selection set valid; stripped from the response. */
export const PLACEHOLDER_KEY = '__tessera_denied';

/**
 * Removes the fields `decideField` denies from the selected operation of a validated document.
 * Fragments are inlined first, so every field has one response path. `decideField` is called
 * with the parent type, the field and its named return type. `variables` (the request's) decide
 * `@skip`/`@include`: a denied field the client excluded is removed without being reported, so
 * the response has no key for it. The document itself does not depend on them.
 */
export function filterOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  decideField: (parentType: string, fieldName: string, returnType: string) => Decision,
  variables?: Readonly<Record<string, unknown>> | null,
): FilteredOperation | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const root = operation.operation === OperationTypeNode.MUTATION ? schema.getMutationType()
    : operation.operation === OperationTypeNode.SUBSCRIPTION ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const denied: DeniedField[] = [];
  const deniedPaths = new Set<string>();
  let removed = 0;
  const placeholders: string[][] = [];
  // Invalid variables: every selection counts as included (the request then fails on them anyway).
  const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], { ...variables });
  const variableValues = 'coerced' in coercion ? coercion.coerced : null;
  const included = (selection: SelectionNode): boolean => {
    if (!selection.directives?.length || variableValues === null) return true;
    try {
      return getDirectiveValues(GraphQLSkipDirective, selection, variableValues)?.if !== true
        && getDirectiveValues(GraphQLIncludeDirective, selection, variableValues)?.if !== false;
    } catch {
      return true;
    }
  };

  // `reported`: false under a selection the client excluded; its denied fields are removed silently.
  const visit = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, path: readonly { key: string; nullable: boolean }[], reported: boolean): SelectionNode[] => {
    const kept: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      const report = reported && included(selection);
      if (selection.kind === Kind.FIELD) {
        const field = visitField(selection, parentType, path, report);
        if (field) kept.push(field);
        continue;
      }
      const fragment: InlineFragmentNode = selection.kind === Kind.INLINE_FRAGMENT ? selection : inline(selection.name.value, selection.directives);
      const typeName = fragment.typeCondition?.name.value;
      const type = typeName ? schema.getType(typeName) : parentType;
      if (!type || !isCompositeType(type)) {
        kept.push(fragment);
        continue;
      }
      const inner = visit(fragment.selectionSet, type, path, report);
      if (inner.length > 0) kept.push({ ...fragment, selectionSet: { ...fragment.selectionSet, selections: inner } });
    }
    return kept;
  };

  const inline = (name: string, directives: FieldNode['directives']): InlineFragmentNode => {
    const definition = fragments.get(name);
    if (!definition) throw new TypeError(`unknown fragment ${name}`); // validated documents never get here
    return { kind: Kind.INLINE_FRAGMENT, typeCondition: definition.typeCondition, directives: [...(directives ?? []), ...(definition.directives ?? [])], selectionSet: definition.selectionSet };
  };

  const visitField = (node: FieldNode, parentType: GraphQLCompositeType, path: readonly { key: string; nullable: boolean }[], reported: boolean): FieldNode | null => {
    const name = node.name.value;
    if (name.startsWith('__') || !(isObjectType(parentType) || isInterfaceType(parentType))) return node;
    const definition = parentType.getFields()[name];
    if (!definition) return node;
    const key = node.alias?.value ?? name;
    const steps = [...path, { key, nullable: isNullableType(definition.type) }];
    const returnType = getNamedType(definition.type);
    const decision = decideField(parentType.name, name, returnType.name);
    if (!decision.allowed) {
      removed += 1;
      const keys = steps.map((step) => step.key);
      // Selected twice at one path (directly and through a fragment): one null, one error.
      if (!reported || deniedPaths.has(keys.join('\0'))) return null;
      deniedPaths.add(keys.join('\0'));
      let nullAt = 0;
      for (let index = steps.length - 1; index >= 0; index--) {
        if (steps[index]!.nullable) {
          nullAt = index + 1;
          break;
        }
      }
      denied.push({ coordinate: `${parentType.name}.${name}`, path: keys, nullAt, code: decision.code, reason: decision.reason });
      return null;
    }
    if (!node.selectionSet || !isCompositeType(returnType)) return node;
    const inner = visit(node.selectionSet, returnType, steps, reported);
    if (inner.length === 0) {
      placeholders.push(steps.map((step) => step.key));
      inner.push({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY }, name: { kind: Kind.NAME, value: '__typename' } });
    }
    return { ...node, selectionSet: { ...node.selectionSet, selections: inner } };
  };

  const selections = visit(operation.selectionSet, root, [], true);
  if (removed === 0) return { document, denied, removed, placeholders };
  if (selections.length === 0) {
    placeholders.push([]);
    selections.push({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY }, name: { kind: Kind.NAME, value: '__typename' } });
  }
  const selectionSet = { ...operation.selectionSet, selections };
  // A variable used only by a removed field would fail "no unused variables" validation.
  const used = new Set<string>();
  visitAst(selectionSet, { Variable: (variable) => { used.add(variable.name.value); } });
  const variableDefinitions = operation.variableDefinitions?.filter((definition) => used.has(definition.variable.name.value));
  return {
    document: { kind: Kind.DOCUMENT, definitions: [{ ...operation, variableDefinitions, selectionSet }] },
    denied,
    removed,
    placeholders,
  };
}
