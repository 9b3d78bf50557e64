/**
 * A query plan of `@apollo/gateway`'s planner turned into levels of subgraph requests
 * (docs/executor.md#batching). The plan says which fetch must wait for which (a `Sequence`);
 * the levels keep every one of those waits and nothing more, so fetches the plan puts on
 * different branches can travel together: on each level, the entity fetches to one subgraph go
 * as one request (each its own aliased `_entities` field), where the plan would send one request
 * per fetch. An entity fetch is placed on the last level its dependants allow, where most of the
 * other fetches to its subgraph gather; a fetch that waits for nothing starts at once.
 */
import type { FetchNode, PlanNode, QueryPlan, ResponsePath } from '@apollo/query-planner';

/** One fetch of the plan, where it applies. */
export interface ScheduledFetch {
  /** Its position in the plan, in the order the plan lists fetches. */
  readonly index: number;
  readonly node: FetchNode;
  /** Where in the response its entities are (the `Flatten` paths around it, `@` for list items). */
  readonly path: ResponsePath;
}

/** Fetches sent as one subgraph request: several only for entity fetches to the same subgraph. */
export interface FetchGroup {
  readonly subgraph: string;
  readonly fetches: readonly ScheduledFetch[];
}

/** Levels of requests: all of a level's requests are sent together, once the previous level is in. */
export type Schedule = readonly (readonly FetchGroup[])[];

/** What the plan executor cannot run; the request goes to `@apollo/gateway`'s executor instead. */
export class UnsupportedPlan extends Error {
  constructor(readonly reason: 'defer' | 'subscription' | 'context_rewrites') {
    super(`query plan not supported by the plan executor: ${reason}`);
  }
}

/** The variables the plan's `Condition` nodes test (`@skip`/`@include` on whole fetches). */
export function conditionVariables(plan: QueryPlan): string[] {
  const names = new Set<string>();
  const visit = (node: PlanNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case 'Sequence':
      case 'Parallel':
        node.nodes.forEach(visit);
        return;
      case 'Flatten':
        visit(node.node);
        return;
      case 'Condition':
        names.add(node.condition);
        visit(node.ifClause);
        visit(node.elseClause);
        return;
      default:
        return;
    }
  };
  if (plan.node?.kind !== 'Subscription') visit(plan.node);
  return [...names];
}

interface Placed {
  readonly fetch: ScheduledFetch;
  readonly waitsFor: readonly number[];
}

/**
 * The schedule of `plan` when its conditions are `conditions` (by variable name). Throws
 * `UnsupportedPlan` for what only `@apollo/gateway`'s executor runs.
 */
export function schedulePlan(plan: QueryPlan, conditions: ReadonlyMap<string, boolean>): Schedule {
  const root = plan.node;
  if (!root) return [];
  if (root.kind === 'Subscription') throw new UnsupportedPlan('subscription');
  const placed: Placed[] = [];
  const walk = (node: PlanNode, path: ResponsePath, after: readonly number[]): readonly number[] => {
    switch (node.kind) {
      case 'Fetch': {
        if (node.contextRewrites?.length) throw new UnsupportedPlan('context_rewrites');
        const index = placed.length;
        placed.push({ fetch: { index, node, path }, waitsFor: after });
        return [index];
      }
      case 'Flatten':
        return walk(node.node, [...path, ...node.path], after);
      case 'Sequence':
        return node.nodes.reduce((previous, child) => walk(child, path, previous), after);
      case 'Parallel': {
        const ends = node.nodes.flatMap((child) => walk(child, path, after));
        return ends.length > 0 ? ends : after;
      }
      case 'Condition': {
        const branch = conditions.get(node.condition) ? node.ifClause : node.elseClause;
        return branch ? walk(branch, path, after) : after;
      }
      case 'Defer':
        throw new UnsupportedPlan('defer');
    }
  };
  walk(root, [], []);
  return levelsOf(placed);
}

function levelsOf(placed: readonly Placed[]): Schedule {
  // Earliest level: one after the latest fetch it waits for. Fetches are listed after those they wait for.
  const earliest = placed.map(() => 0);
  const dependants: number[][] = placed.map(() => []);
  for (const { fetch, waitsFor } of placed) {
    for (const before of waitsFor) {
      earliest[fetch.index] = Math.max(earliest[fetch.index]!, earliest[before]! + 1);
      dependants[before]!.push(fetch.index);
    }
  }
  const last = Math.max(0, ...earliest);
  // Latest level: one before its earliest dependant's latest (the last level for a fetch nothing waits for).
  const level = placed.map(() => last);
  for (let index = placed.length - 1; index >= 0; index--) {
    for (const dependant of dependants[index]!) level[index] = Math.min(level[index]!, level[dependant]! - 1);
  }
  // A fetch that waits for nothing starts at once: it gains nothing by waiting.
  placed.forEach(({ fetch, waitsFor }) => {
    if (waitsFor.length === 0) level[fetch.index] = 0;
  });
  const levels: FetchGroup[][] = Array.from({ length: last + 1 }, () => []);
  for (const { fetch } of placed) {
    const groups = levels[level[fetch.index]!]!;
    const batched =
      isEntityQuery(fetch.node) &&
      groups.find((group) => group.subgraph === fetch.node.serviceName && isEntityQuery(group.fetches[0]!.node));
    if (batched) (batched.fetches as ScheduledFetch[]).push(fetch);
    else groups.push({ subgraph: fetch.node.serviceName, fetches: [fetch] });
  }
  return levels.filter((groups) => groups.length > 0);
}

/** An `_entities` query: the only kind merged with others into one request. */
function isEntityQuery(node: FetchNode): boolean {
  return node.requires !== undefined && node.operationKind === 'query';
}
