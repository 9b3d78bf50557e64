import { randomUUID } from 'node:crypto';

/**
 * A new canonical id for a record a capability creates: the type prefix and 20 hex digits of a
 * random UUID (80 bits), e.g. `opp_3f2a…`. Seeded records keep their shorter sequential ids.
 */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}
