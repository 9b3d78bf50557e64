import { fragmentsOf } from '../fragments.ts';
import { getOperationAST, Kind, type DocumentNode, type GraphQLCompositeType, type SelectionSetNode } from 'graphql';
import { bounded, conditionType, costField, skipped, variablesOf, type CostRules, type SizedFields } from './operationWalk.ts';

/**
 * The static cost of the operation `operationName` selects (docs/demand-control.md#how-cost-is-computed),
 * or null when it selects none. A field costs `size × (its type's cost + its selections' cost)` plus
 * its arguments' `@cost` (and 10 at a mutation's root); the size is 1, or for a list what `@listSize`
 * and the arguments say. Linear in the document: each fragment is costed once per sizing context
 * and its cost multiplied at every spread, never expanded.
 */
export function estimateCost(
  rules: CostRules,
  document: DocumentNode,
  operationName: string | null | undefined,
  givenVariables: Readonly<Record<string, unknown>> | undefined,
): number | null {
  const operation = getOperationAST(document, operationName);
  const root = operation && rules.schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const variables = variablesOf(operation, givenVariables);
  const fragments = fragmentsOf(document.definitions);
  const memo = new Map<string, number>();
  const inProgress = new Set<string>();

  const ofFragment = (name: string, parentType: GraphQLCompositeType, sized: SizedFields | undefined): number => {
    const key = `${name}\0${sized ? `${sized.fields.join(',')}=${sized.size}` : ''}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(key)) return 0; // validated documents have neither
    inProgress.add(key);
    const cost = ofSet(fragment.selectionSet, conditionType(rules.schema, fragment.typeCondition.name.value, parentType), sized);
    inProgress.delete(key);
    memo.set(key, cost);
    return cost;
  };

  const ofSet = (selectionSet: SelectionSetNode, parentType: GraphQLCompositeType, sized: SizedFields | undefined): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (skipped(selection.directives, variables)) continue;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        cost += ofFragment(selection.name.value, parentType, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += ofSet(selection.selectionSet, conditionType(rules.schema, selection.typeCondition?.name.value, parentType), sized);
      } else {
        const field = costField(rules, parentType, selection, variables, sized);
        if (!field) continue;
        const inner = field.returnType && selection.selectionSet ? ofSet(selection.selectionSet, field.returnType, field.sizes) : 0;
        cost += field.size * (field.typeCost + inner) + field.fixedCost;
      }
    }
    return cost;
  };

  return bounded(ofSet(operation.selectionSet, root, undefined));
}
