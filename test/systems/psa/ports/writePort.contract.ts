/**
 * The PSA write-port contract: the same capability path through the kernel runner on every adapter
 * (SQL on SQLite and PostgreSQL, the in-memory remote one), from a contract to an invoiced billing
 * draft, with the same answers, the same records read back through the read port, the same outbox
 * events (writePath.ts), and the same typed rejections: VERSION_CONFLICT from the versioned write
 * itself, SOURCE_ALREADY_BILLED from the billing claim, OVERBOOKED from the capacity check
 * (writeRejections.ts).
 */
import { describe } from 'vitest';
import type { OpenPsa } from './openPsa.ts';
import type { PsaData } from './psaData.ts';
import { capabilityPathTests } from './writePath.ts';
import { typedRejectionTests } from './writeRejections.ts';
import { writeHarness } from './writeHarness.ts';
import { lifecycleTests } from './writeLifecycle.ts';
import { expenseTests } from './writeExpenses.ts';
import { billingControlTests } from './writeBillingControls.ts';
import { sourceCreditTests } from './writeSourceCredits.ts';
import { contractAmendmentTests } from './writeContractAmendment.ts';

export function psaWritePortContract(adapter: string, open: (data: PsaData) => Promise<OpenPsa>): void {
  describe(`PSA capabilities through the write port on ${adapter}`, () => {
    const harness = writeHarness(open);
    capabilityPathTests(harness);
    typedRejectionTests(harness);
    lifecycleTests(harness);
    expenseTests(harness);
    billingControlTests(harness);
    sourceCreditTests(harness);
    contractAmendmentTests(harness);
  });
}
