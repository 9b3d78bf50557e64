/**
 * The rules of reading both CRMs with one out (docs/crosswalk.md#one-crm-out), on two read ports
 * over the demo records split between the two systems: a CRM out is noted and the answer kept only
 * when the CRM that is up holds all it was asked for; any other error is thrown as it is.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { tesseraError } from '../../../../../core/errors.ts';
import { createMemoryCrmAdapter } from '../../../../../systems/crm/adapters/memory/memoryAdapter.ts';
import { askEach, holdEvery, isCrmOut, whole } from '../../../../../systems/crm/adapters/composite/oneCrmOut.ts';
import type { CrmReadPort } from '../../../../../systems/crm/ports/readPort.ts';
import { InMemoryVendor } from '../../../../../systems/kernel/adapters/memory/vendor.ts';
import { openLedger } from '../../../../../systems/kernel/systemOfRecord.ts';
import { ALL_RECORDS } from '../../../../harness/recordPolicyProbe.ts';
import { crmData, loadIntoVendor } from '../../ports/crmData.ts';
import { splitBySystem } from '../../ports/splitCrmData.ts';

const OUT = tesseraError('DOWNSTREAM_UNAVAILABLE', 'The CRM system (Salesforce) did not answer. Retry the same request later.');

const ledgers: { destroy(): Promise<void> }[] = [];
afterAll(() => Promise.all(ledgers.map((ledger) => ledger.destroy())));

async function ports(): Promise<{ salesforce: CrmReadPort; hubspot: CrmReadPort; sfIds: string[]; hsIds: string[] }> {
  const [sfData, hsData] = splitBySystem(crmData(), ['salesforce', 'hubspot']);
  const ledger = await openLedger('crm');
  ledgers.push(ledger);
  const [salesforce, hubspot] = await Promise.all(
    [sfData!, hsData!].map(async (part) => {
      const vendor = new InMemoryVendor();
      await loadIntoVendor(vendor, part);
      return createMemoryCrmAdapter(vendor, ledger).reads(ALL_RECORDS);
    }),
  );
  return {
    salesforce: salesforce!,
    hubspot: hubspot!,
    sfIds: sfData!.accounts.map((account) => account.id).slice(0, 2),
    hsIds: hsData!.accounts.map((account) => account.id).slice(0, 2),
  };
}

describe('reading both CRMs with one out', () => {
  it('knows a CRM out by its code only', () => {
    expect([isCrmOut(OUT), isCrmOut(tesseraError('NOT_FOUND', 'x')), isCrmOut(new Error('DOWNSTREAM_UNAVAILABLE'))]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('keeps the answer of the CRM that is up when it holds every id asked, and fails as the CRM out failed otherwise', async () => {
    const { salesforce, hubspot, sfIds, hsIds } = await ports();
    const outOrRead = (ids: string[]) => (port: CrmReadPort) => (port === salesforce ? Promise.reject(OUT) : port.accountsByIds(ids));

    const held = await askEach([salesforce, hubspot], outOrRead(hsIds));
    expect([held.records.map((account) => account.id), held.up, held.failure]).toEqual([hsIds, [hubspot], { error: OUT }]);
    expect((await whole(held, (up) => holdEvery(up, hsIds, (port, ids) => port.accountsByIds(ids)))).map((a) => a.id)).toEqual(hsIds);

    // One of the ids is Salesforce's: HubSpot's answer is short, so the read fails as Salesforce did.
    const mixed = [hsIds[0]!, sfIds[0]!];
    const short = await askEach([salesforce, hubspot], outOrRead(mixed));
    expect(short.records.map((account) => account.id)).toEqual([hsIds[0]]);
    await expect(whole(short, (up) => holdEvery(up, mixed, (port, ids) => port.accountsByIds(ids)))).rejects.toBe(OUT);

    // Both answered: the records of both, whatever holdsAll would say.
    const all = await askEach([salesforce, hubspot], (port) => port.accountsByIds(mixed));
    expect((await whole(all, () => Promise.resolve(false))).map((a) => a.id).sort()).toEqual([...mixed].sort());

    // Both out: the first failure.
    const none = await askEach([salesforce, hubspot], () => Promise.reject(OUT));
    expect([none.records, none.up]).toEqual([[], []]);
    await expect(whole(none, () => Promise.resolve(true))).rejects.toBe(OUT);
  });

  it('throws any other error as it is, even when the other CRM answered', async () => {
    const { salesforce, hubspot, hsIds } = await ports();
    const bug = new TypeError('a bug in an adapter');
    await expect(
      askEach([salesforce, hubspot], (port) => (port === salesforce ? Promise.reject(bug) : port.accountsByIds(hsIds))),
    ).rejects.toBe(bug);
    const refused = tesseraError('FORBIDDEN', 'no');
    await expect(
      askEach([salesforce, hubspot], (port) => (port === hubspot ? Promise.reject(refused) : port.accountsByIds(hsIds))),
    ).rejects.toBe(refused);
  });
});
