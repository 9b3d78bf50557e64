import type { Principal } from '../auth/principal.ts';

/**
 * A named policy of `@policy(policies: ...)`: a small pure function over the principal. The
 * gateway asks `admits` before planning (may this caller reach such records at all?); the
 * subgraphs apply the record-level half where the data is (see `recordScope.ts`).
 */
export interface NamedPolicy {
  readonly name: string;
  /** One sentence, shown in denials and docs. */
  readonly description: string;
  admits(principal: Principal | null): boolean;
}
