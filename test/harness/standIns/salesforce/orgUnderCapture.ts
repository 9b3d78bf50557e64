/**
 * What a Salesforce change-capture suite starts from, afresh for every test: the stand-in org
 * holding `data`, stamping its records with a clock the test moves, and the CRM's ledger.
 */
import type { Kysely } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import type { CapabilityTables } from '../../../../systems/kernel/capability/tables.ts';
import { openLedger } from '../../../../systems/kernel/systemOfRecord.ts';
import type { CrmData } from '../../../systems/crm/ports/crmData.ts';
import { loadIntoSalesforce, startTestOrg, type TestOrg } from './salesforceOrgFixture.ts';

export interface OrgUnderCapture {
  readonly test: TestOrg;
  readonly ledger: Kysely<CapabilityTables>;
  readonly now: () => Date;
  /** Moves the clock on by `seconds`. */
  tick(seconds: number): void;
}

/** Registers the hooks that start the org and the ledger before each test (the clock at `start`) and stop them after. */
export function orgUnderCapture(data: CrmData, start: string): OrgUnderCapture {
  let test: TestOrg | undefined;
  let ledger: Kysely<CapabilityTables> | undefined;
  let clock = new Date(start);
  beforeEach(async () => {
    clock = new Date(start);
    test = await startTestOrg({ now: () => clock });
    loadIntoSalesforce(test, data);
    ledger = await openLedger('crm');
  });
  afterEach(async () => {
    await ledger?.destroy();
    await test?.standIn.stop();
  });
  return {
    get test() {
      return test!;
    },
    get ledger() {
      return ledger!;
    },
    now: () => clock,
    tick: (seconds) => {
      clock = new Date(clock.getTime() + seconds * 1000);
    },
  };
}
