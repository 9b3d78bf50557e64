/**
 * Where the composite CRM writes (docs/crosswalk.md#writes-after-a-merge, #one-crm-out), on two
 * in-memory systems over the demo records split into the parent's Salesforce and the acquired
 * firm's HubSpot: a won HubSpot deal's contract is drafted in HubSpot under the deal's own company,
 * even when two HubSpot companies are merged into one Salesforce account, and reads whole from
 * HubSpot alone while Salesforce is out; with Salesforce out
 * (every call of it DOWNSTREAM_UNAVAILABLE), a HubSpot deal still moves, a Salesforce deal's move
 * answers Salesforce's failure and writes nothing, and an error of another kind is not skipped.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tesseraError } from '../../../core/errors.ts';
import { createCompositeCrmAdapter } from '../../../systems/crm/adapters/composite/compositeAdapter.ts';
import { createMemoryCrmAdapter } from '../../../systems/crm/adapters/memory/memoryAdapter.ts';
import { crmCapabilities } from '../../../systems/crm/capabilities/index.ts';
import type { CrmPorts } from '../../../systems/crm/ports/ports.ts';
import type { CrmReadPort } from '../../../systems/crm/ports/readPort.ts';
import { createCrosswalkWrites } from '../../../systems/integration/crosswalk/store.ts';
import { CROSSWALK_SINCE, crosswalkTables, type CrosswalkTables } from '../../../systems/integration/crosswalk/tables.ts';
import type { RemoteAdapter } from '../../../systems/kernel/capability/adapter.ts';
import { InMemoryVendor } from '../../../systems/kernel/adapters/memory/vendor.ts';
import { openLedger, type SystemOfRecord } from '../../../systems/kernel/systemOfRecord.ts';
import { createTablesMigration } from '../../../systems/kernel/tableSpec.ts';
import { portRunner } from '../../harness/portRunner.ts';
import { ALL_RECORDS } from '../../harness/recordPolicyProbe.ts';
import { crmData, loadIntoVendor } from '../../systems/crm/ports/crmData.ts';
import { splitBySystem } from '../../systems/crm/ports/splitCrmData.ts';
import { ALICE, T0 } from '../../systems/crm/ports/writeFixture.ts';
import { ACME_HS, ACME_MERGE, ACME_SF } from './acmeFixture.ts';
import { storeLookup } from './storeLookup.ts';

type Crm = SystemOfRecord<CrmReadPort, CrmPorts>;

/** A HubSpot company merged into Acme's Salesforce account too, its deal won (with lines), and a Salesforce deal at PROPOSAL. */
const IVORY = 'acc_00053';
const IVORY_DEAL = 'opp_00016';
const SF_DEAL = 'opp_00021';
const OUT = tesseraError('DOWNSTREAM_UNAVAILABLE', 'The CRM system (Salesforce) did not answer. Retry the same request later.');

/** Every operation of `port` fails with `error`. */
function failing<P extends object>(port: P, error: Error): P {
  return new Proxy(port, {
    get: (target, name) => (typeof target[name as keyof P] === 'function' ? () => Promise.reject(error) : target[name as keyof P]),
  });
}

/** `crm` as it is while `error()` is not null: every read and write of it fails with that error. */
function switchable(crm: Crm, error: () => Error | null): Crm {
  const remote = crm.capabilities as RemoteAdapter<CrmPorts>;
  const now = <P extends object>(port: P): P => {
    const failure = error();
    return failure ? failing(port, failure) : port;
  };
  return {
    ...crm,
    reads: (scope) => now(crm.reads(scope)),
    capabilities: {
      kind: 'remote',
      bind(call, scope) {
        const ports = remote.bind(call, scope);
        return { read: now(ports.read), write: now(ports.write) };
      },
    },
  };
}

describe('where the composite CRM writes', () => {
  const data = crmData();
  const [sfData, hsData] = splitBySystem(data, ['salesforce', 'hubspot']) as [typeof data, typeof data];
  const won = {
    ...hsData,
    opportunities: hsData.opportunities.map((o) => (o.id === IVORY_DEAL ? { ...o, stage: 'CLOSED_WON' as const } : o)),
  };
  let crosswalk: Kysely<CrosswalkTables>;
  let salesforce: Crm;
  let hubspot: Crm;
  let salesforceError: Error | null = null;
  let composite: Crm;
  const run = () => portRunner('crm', crmCapabilities, composite, T0).run;

  beforeAll(async () => {
    crosswalk = new Kysely<CrosswalkTables>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await createTablesMigration(crosswalkTables, CROSSWALK_SINCE).up(crosswalk as unknown as Kysely<unknown>);
    const ledger = await openLedger('crm');
    const onVendor = async (part: typeof data): Promise<Crm> => {
      const vendor = new InMemoryVendor();
      await loadIntoVendor(vendor, part);
      return createMemoryCrmAdapter(vendor, ledger);
    };
    [salesforce, hubspot] = await Promise.all([onVendor(sfData), onVendor(won)]);
    composite = createCompositeCrmAdapter({
      primary: switchable(salesforce, () => salesforceError),
      secondary: hubspot,
      crosswalk: storeLookup(crosswalk),
    });
    const writes = createCrosswalkWrites(crosswalk);
    await writes.merge(ACME_MERGE, 1);
    await writes.merge({ ...ACME_MERGE, id: 'xwm_ivory', duplicate_id: IVORY, duplicate_external_id: '4000000458' }, 2);
  });
  afterAll(async () => {
    await crosswalk?.destroy();
    await salesforce?.ledger.destroy();
  });

  it('drafts a won HubSpot deal’s contract in HubSpot under the deal’s own company (not another HubSpot company of the merged account), and reads it while Salesforce is out', async () => {
    const { result } = await run()(
      'createContractFromOpportunity',
      { opportunityId: IVORY_DEAL },
      { principal: ALICE, key: 'draft-ivory' },
    );
    expect(result).toMatchObject({ ok: true, value: { contract: { opportunityId: IVORY_DEAL, accountId: ACME_SF, status: 'DRAFT' } } });
    if (!result.ok) throw new Error(result.error.message);
    const { id } = (result.value as { contract: { id: string } }).contract;
    expect((await hubspot.reads(ALL_RECORDS).contractsByIds([id])).map((c) => [c.accountId, c.opportunityId])).toEqual([
      [IVORY, IVORY_DEAL],
    ]);
    expect(await salesforce.reads(ALL_RECORDS).contractsByIds([id])).toEqual([]);
    expect(IVORY).not.toBe(ACME_HS);

    // While Salesforce is out: the contract, its deal's contracts and its amendments read whole from HubSpot; Acme's contracts do not.
    const drafted = { id };
    const read = () => composite.reads(ALL_RECORDS);
    salesforceError = OUT;
    try {
      expect((await read().contractsByIds([drafted.id])).map((c) => [c.id, c.accountId])).toEqual([[drafted.id, ACME_SF]]);
      expect((await read().contractsByOpportunityIds([IVORY_DEAL])).map((c) => c.id)).toEqual([drafted.id]);
      expect(await read().contractAmendmentsByContractIds([drafted.id])).toEqual([]);
      // Acme's contracts: the Salesforce account's own may be among them.
      await expect(read().contractsByAccountIds([ACME_SF])).rejects.toBe(OUT);
      await expect(read().contractsByIds([drafted.id, 'ctr_nowhere'])).rejects.toBe(OUT);
    } finally {
      salesforceError = null;
    }
  });

  it('moves a HubSpot deal while Salesforce is out; refuses a Salesforce deal’s move with Salesforce’s failure, writing nothing', async () => {
    const deal = hsData.opportunities.find((o) => o.id === 'opp_00014')!;
    salesforceError = OUT;
    try {
      const moved = await run()(
        'updateOpportunityStage',
        { opportunityId: deal.id, expectedVersion: deal.aggregateVersion, stage: 'NEGOTIATION' },
        { principal: ALICE, key: 'move-hs-sf-out' },
      );
      expect(moved.result).toMatchObject({ ok: true, value: { opportunity: { id: deal.id, accountId: ACME_SF, stage: 'NEGOTIATION' } } });
      const refused = run()(
        'updateOpportunityStage',
        { opportunityId: SF_DEAL, expectedVersion: 1, stage: 'NEGOTIATION' },
        { principal: ALICE, key: 'move-sf-out' },
      );
      await expect(refused).rejects.toBe(OUT);
    } finally {
      salesforceError = null;
    }
    expect((await hubspot.reads(ALL_RECORDS).opportunitiesByIds([deal.id])).map((o) => o.stage)).toEqual(['NEGOTIATION']);
    expect((await salesforce.reads(ALL_RECORDS).opportunitiesByIds([SF_DEAL])).map((o) => [o.stage, o.aggregateVersion])).toEqual([
      ['PROPOSAL', 1],
    ]);
  });

  it('does not skip a CRM that fails with another error: the write fails with it', async () => {
    const bug = new TypeError('a bug in the Salesforce adapter');
    salesforceError = bug;
    try {
      const deal = hsData.opportunities.find((o) => o.id === 'opp_00015')!;
      const moving = run()(
        'updateOpportunityStage',
        { opportunityId: deal.id, expectedVersion: deal.aggregateVersion, stage: 'PROPOSAL' },
        { principal: ALICE, key: 'move-bug' },
      );
      await expect(moving).rejects.toBe(bug);
    } finally {
      salesforceError = null;
    }
    expect((await hubspot.reads(ALL_RECORDS).opportunitiesByIds(['opp_00015'])).map((o) => o.stage)).toEqual(['QUALIFIED']);
  });
});
