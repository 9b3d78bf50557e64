/**
 * The link cache in the embedded mode on both CRMs (docs/crosswalk.md#the-link-cache): the composite
 * CRM keeps the crosswalk's links it read, so a link written behind its back (straight into the
 * integration store, no capability) is not seen; the crosswalk's event, relayed and delivered to the
 * CRM's consumer, clears the cache, and the next read shows the merged account. (A merge through the
 * capability clears it before it answers: postMerger.both.test.ts.)
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergedEvent } from '../../../systems/integration/crosswalk/events.ts';
import { createCrosswalkWrites } from '../../../systems/integration/crosswalk/store.ts';
import type { CrosswalkTables } from '../../../systems/integration/crosswalk/tables.ts';
import { insertOutboxEvents } from '../../../systems/kernel/capability/records.ts';
import type { CapabilityTables } from '../../../systems/kernel/capability/tables.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';
import { ACME_HS, ACME_MERGE, ACME_SF, HS_REF, SF_REF } from './acmeFixture.ts';
import { startBothCrms, type BothCrms } from './bothCrms.ts';

const READER = { sub: 'rita.reader', scope: 'crm:read crosswalk:read', legal_entities: '*' as const };
const ACCOUNT = `query ($id: ID!) { account(id: $id) { id name externalRefs { system externalId } } }`;

let both: BothCrms;
let tessera: TestTessera;

beforeAll(async () => {
  both = await startBothCrms('pat-na1-cache');
  ({ tessera } = both);
}, 120_000);
afterAll(() => both?.stop());

describe('the composite CRM’s crosswalk link cache, embedded', () => {
  it('answers from the links it read until the crosswalk’s event clears them', async () => {
    const reader = await tessera.token(READER);
    const own = {
      data: {
        account: { id: ACME_HS, name: 'ACME Corporation Inc.', externalRefs: [{ system: 'hubspot', externalId: HS_REF.externalId }] },
      },
    };
    expect(await tessera.query(ACCOUNT, { id: ACME_HS }, reader)).toEqual(own);

    // A merge written straight into the integration store: no capability ran, so nothing cleared the cache.
    const store = tessera.tessera.systems.integration!.db;
    const merge = await createCrosswalkWrites(store as unknown as Kysely<CrosswalkTables>).merge(ACME_MERGE, 1);
    expect(await tessera.query(ACCOUNT, { id: ACME_HS }, reader)).toEqual(own);

    // Its event, relayed and delivered to the CRM's consumer, clears the cache.
    await insertOutboxEvents(
      store as unknown as Kysely<CapabilityTables>,
      [mergedEvent(merge, 2)],
      { requestId: 'cache-test' },
      new Date(),
    );
    await tessera.tessera.drain();
    expect(await tessera.query(ACCOUNT, { id: ACME_HS }, reader)).toEqual({
      data: {
        account: {
          id: ACME_SF,
          name: 'Acme Corp',
          externalRefs: [
            { system: 'salesforce', externalId: SF_REF.externalId },
            { system: 'hubspot', externalId: HS_REF.externalId },
          ],
        },
      },
    });
  });
});
