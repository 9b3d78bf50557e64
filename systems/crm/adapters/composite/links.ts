/**
 * The crosswalk's links of one request, indexed (docs/crosswalk.md#reading-both-crms): which id is
 * canonical for any id, and what was merged into a survivor.
 */
import type { CrosswalkLink } from './crosswalkLookup.ts';

export type LinkedEntity = CrosswalkLink['entityType'];

export interface Links {
  /** The survivor a record was merged into, else the id itself. */
  canonical(entity: LinkedEntity, id: string): string;
  /** The records merged into `survivorId`, oldest link first. */
  duplicatesOf(entity: LinkedEntity, survivorId: string): readonly CrosswalkLink[];
  /** Every id merged into another. */
  absorbed(entity: LinkedEntity): ReadonlySet<string>;
  /** The ids themselves, their survivors and the records merged into those, once each. */
  expand(entity: LinkedEntity, ids: readonly string[]): string[];
}

export function indexLinks(links: readonly CrosswalkLink[]): Links {
  const survivorOf = new Map<string, string>();
  const duplicates = new Map<string, CrosswalkLink[]>();
  const absorbed = { ACCOUNT: new Set<string>(), OPPORTUNITY: new Set<string>() };
  for (const link of links) {
    survivorOf.set(`${link.entityType}|${link.duplicateId}`, link.survivorId);
    absorbed[link.entityType].add(link.duplicateId);
    const key = `${link.entityType}|${link.survivorId}`;
    const list = duplicates.get(key);
    if (list) list.push(link);
    else duplicates.set(key, [link]);
  }
  const canonical = (entity: LinkedEntity, id: string) => survivorOf.get(`${entity}|${id}`) ?? id;
  const duplicatesOf = (entity: LinkedEntity, id: string) => duplicates.get(`${entity}|${id}`) ?? [];
  return {
    canonical,
    duplicatesOf,
    absorbed: (entity) => absorbed[entity],
    expand(entity, ids) {
      const out = new Set<string>();
      for (const id of ids) {
        const survivor = canonical(entity, id);
        out.add(id);
        out.add(survivor);
        for (const link of duplicatesOf(entity, survivor)) out.add(link.duplicateId);
      }
      return [...out];
    },
  };
}
