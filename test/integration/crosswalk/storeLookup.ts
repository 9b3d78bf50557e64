/** The crosswalk's links as the integration subgraph's `crosswalkLinks` answers them, read from its store. */
import type { Kysely } from 'kysely';
import type { CrosswalkLink, CrosswalkLookup } from '../../../systems/crm/adapters/composite/crosswalkLookup.ts';
import { createCrosswalkReads } from '../../../systems/integration/crosswalk/store.ts';
import type { CrosswalkTables } from '../../../systems/integration/crosswalk/tables.ts';
import { ALL_RECORDS } from '../../harness/recordPolicyProbe.ts';

export function storeLookup(db: Kysely<CrosswalkTables>): CrosswalkLookup {
  return {
    links: async (): Promise<CrosswalkLink[]> =>
      (await createCrosswalkReads(db, ALL_RECORDS).activeMerges()).map((merge) => ({
        entityType: merge.entity_type as CrosswalkLink['entityType'],
        survivorId: merge.survivor_id,
        duplicateId: merge.duplicate_id,
        survivorship: JSON.parse(merge.survivorship) as Record<string, string>,
      })),
  };
}
