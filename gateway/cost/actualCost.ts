import { fragmentsOf } from '../fragments.ts';
import {
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type SelectionSetNode,
} from 'graphql';
import { bounded, conditionType, costField, skipped, variablesOf, type CostedField, type CostRules } from './operationWalk.ts';

type ResponseObject = Readonly<Record<string, unknown>>;

/**
 * The cost of what an operation actually returned (docs/demand-control.md#actual-cost): the same
 * rules as the estimate, with each list counted at the length it came back with and each null
 * costing nothing but its arguments. Walks the response, so it is linear in the data times the
 * selections that apply to it; the operation limits bound the latter.
 */
export function actualCost(
  rules: CostRules,
  document: DocumentNode,
  operationName: string | null | undefined,
  givenVariables: Readonly<Record<string, unknown>> | undefined,
  data: ResponseObject | null | undefined,
): number | null {
  const operation = getOperationAST(document, operationName);
  const root = operation && rules.schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  if (!data) return 0;
  const variables = variablesOf(operation, givenVariables);
  const fragments = fragmentsOf(document.definitions);
  // Each named fragment is costed once per object it applies to: a fragment spread many times
  // (a fragment bomb with the limits raised) costs the walk no more than the data. One map per
  // fragment, keyed by object, for this walk only: most objects have a spread, and a map (or a
  // weak map's entry) per object was a fifth of what a request allocated.
  const memo = new Map<string, Map<ResponseObject, number>>();
  // A field's cost rules depend on its selection and its parent type only (the variables are the
  // request's): resolved once per walk, not once per object of a list.
  const costed = new Map<FieldNode, Map<GraphQLCompositeType, CostedField | undefined>>();
  const fieldOf = (parentType: GraphQLCompositeType, selection: FieldNode): CostedField | undefined => {
    let byType = costed.get(selection);
    if (!byType) costed.set(selection, (byType = new Map()));
    if (byType.has(parentType)) return byType.get(parentType);
    const field = costField(rules, parentType, selection, variables, undefined);
    byType.set(parentType, field);
    return field;
  };

  /** Whether a fragment on `condition` applies to an object whose `__typename` (when selected) is known. */
  const applies = (condition: GraphQLCompositeType, object: ResponseObject): boolean => {
    const typename = object.__typename;
    if (typeof typename !== 'string' || condition.name === typename) return true;
    const runtime = rules.schema.getType(typename);
    return isAbstractType(condition) && isObjectType(runtime) && rules.schema.isSubType(condition, runtime);
  };

  const ofValue = (field: CostedField, selectionSet: SelectionSetNode | undefined, value: unknown): number => {
    if (value === null || value === undefined) return 0;
    if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + ofValue(field, selectionSet, item), 0);
    if (!field.returnType || !selectionSet || typeof value !== 'object') return field.typeCost;
    const object = value as ResponseObject;
    const typename = object.__typename;
    const runtime = typeof typename === 'string' ? rules.schema.getType(typename) : undefined;
    const type = isObjectType(runtime) ? runtime : field.returnType;
    return field.typeCost + ofSet(selectionSet, type, object);
  };

  const ofSet = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, object: ResponseObject): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (skipped(selection.directives, variables)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const field = Object.hasOwn(object, key) ? fieldOf(parentType, selection) : undefined;
        if (field) cost += field.fixedCost + ofValue(field, selection.selectionSet, object[key]);
        continue;
      }
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue;
      const condition = conditionType(rules.schema, fragment.typeCondition?.name.value, parentType);
      if (!applies(condition, object)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += ofSet(fragment.selectionSet, condition, object);
        continue;
      }
      let known = memo.get(selection.name.value);
      if (!known) memo.set(selection.name.value, (known = new Map()));
      let fragmentCost = known.get(object);
      if (fragmentCost === undefined) {
        fragmentCost = ofSet(fragment.selectionSet, condition, object);
        known.set(object, fragmentCost);
      }
      cost += fragmentCost;
    }
    return cost;
  };

  return bounded(ofSet(operation.selectionSet, root, data));
}
