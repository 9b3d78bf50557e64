/** Names of people (resources and contacts), drawn from the catalogue's lists. */
import { FIRST_NAMES, LAST_NAMES } from './catalog.ts';
import type { Rng } from './random.ts';

/** A first and last name; the same stream position always gives the same person. */
export function personName(rng: Rng): { first: string; last: string } {
  return { first: rng.pick(FIRST_NAMES), last: rng.pick(LAST_NAMES) };
}
