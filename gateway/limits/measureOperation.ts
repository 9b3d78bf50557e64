import { getOperationAST, Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import { fragmentsOf } from '../fragments.ts';

/** The shape of one operation, as the operation limits judge it (README "Operation limits"). */
export interface OperationMeasures {
  /** The deepest field nesting: a root field is depth 1; fragments add no level of their own. */
  readonly depth: number;
  /** Aliased fields, each counted once per place it is spread into. */
  readonly aliases: number;
  /** Fields at the operation's root, fragments at the root expanded. */
  readonly rootFields: number;
  /** The most directives on one selection (field, fragment spread or inline fragment). */
  readonly directivesPerField: number;
  /** Fields of the operation with every fragment spread expanded (what the executor would walk). */
  readonly selections: number;
  /**
   * Apollo Router's height: the distinct fields of each selection set, summed over the operation
   * with fragments expanded. A field selected several times in one set (under different aliases)
   * counts once there; a fragment's fields are counted by the fragment, so a field both in a set and
   * in a fragment spread into it counts twice (an upper bound that keeps the walk linear).
   * Introspection (`__schema`, `__type` and what they select) is left out: the gateway answers it
   * from its own schema, so its size is bounded by the schema, not by the subgraphs' data.
   */
  readonly height: number;
}

/** What a selection set contributes, relative to itself. */
interface SetMeasures {
  readonly depth: number;
  readonly aliases: number;
  readonly topFields: number;
  readonly directives: number;
  readonly selections: number;
  readonly height: number;
}

/** The introspection entry points; what they select is measured for everything but the height. */
const INTROSPECTION_ROOTS: ReadonlySet<string> = new Set(['__schema', '__type']);

const EMPTY: SetMeasures = { depth: 0, aliases: 0, topFields: 0, directives: 0, selections: 0, height: 0 };

/**
 * Measures the operation `operationName` selects, or null when it selects none. Linear in the
 * size of the document: each fragment definition is measured once and its measures reused at
 * every spread, so a document whose expansion is exponential (fragments spreading the previous
 * one twice) is measured without ever being expanded; the counts multiply instead. Runs on
 * validated documents (no fragment cycles, no unknown fragments); a cycle or an unknown
 * fragment anyway counts as empty rather than looping or throwing.
 */
export function measureOperation(document: DocumentNode, operationName?: string | null): OperationMeasures | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const definitions = fragmentsOf(document.definitions);
  const memo = new Map<string, SetMeasures>();
  const inProgress = new Set<string>();

  const ofFragment = (name: string): SetMeasures => {
    const known = memo.get(name);
    if (known) return known;
    const definition = definitions.get(name);
    if (!definition || inProgress.has(name)) return EMPTY;
    inProgress.add(name);
    const measured = ofSet(definition.selectionSet);
    inProgress.delete(name);
    memo.set(name, measured);
    return measured;
  };

  const ofSet = (selectionSet: SelectionSetNode): SetMeasures => {
    let depth = 0;
    let aliases = 0;
    let topFields = 0;
    let directives = 0;
    let selections = 0;
    let height = 0;
    const names = new Set<string>();
    for (const selection of selectionSet.selections) {
      directives = Math.max(directives, selection.directives?.length ?? 0);
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? ofSet(selection.selectionSet) : EMPTY;
        depth = Math.max(depth, 1 + inner.depth);
        aliases += (selection.alias ? 1 : 0) + inner.aliases;
        topFields += 1;
        directives = Math.max(directives, inner.directives);
        selections += 1 + inner.selections;
        // Introspection is answered from the gateway's own schema, never planned onto a subgraph:
        // its fields do not count toward the height (an IDE's introspection query alone is ~220).
        if (INTROSPECTION_ROOTS.has(selection.name.value)) continue;
        names.add(selection.name.value);
        height += inner.height;
        continue;
      }
      // A fragment's fields sit at the level it is spread into.
      const inner = selection.kind === Kind.INLINE_FRAGMENT ? ofSet(selection.selectionSet) : ofFragment(selection.name.value);
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
      topFields += inner.topFields;
      directives = Math.max(directives, inner.directives);
      selections += inner.selections;
      height += inner.height;
    }
    return { depth, aliases, topFields, directives, selections, height: height + names.size };
  };

  const root = ofSet(operation.selectionSet);
  return {
    depth: root.depth,
    aliases: root.aliases,
    rootFields: root.topFields,
    directivesPerField: root.directives,
    selections: root.selections,
    height: root.height,
  };
}
