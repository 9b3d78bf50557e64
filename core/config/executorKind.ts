/**
 * The engines that can execute a query plan (docs/executor.md): Tessera's plan executor (`plan`:
 * entity fetches batched per subgraph and level, answers shaped without graphql-js; what it does
 * not support falls back to `apollo`, counted) or `@apollo/gateway`'s own (`apollo`). Both plan with
 * `@apollo/gateway`'s query planner, the source of truth for federation semantics.
 */
export type ExecutorKind = 'plan' | 'apollo';

export const EXECUTOR_KINDS: readonly ExecutorKind[] = ['plan', 'apollo'];
