/**
 * The ERP on a remote system of record, simulated in memory (`InMemoryVendor`): what a NetSuite
 * adapter will look like. Reads query the vendor within the caller's scope; capabilities run
 * through the kernel's remote path (intent and idempotency recorded in a local ledger first, every
 * write under a deterministic external key, the outcome recorded after).
 */
import type { Kysely } from 'kysely';
import { CallWrites } from '../../../kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../../kernel/adapters/memory/vendor.ts';
import type { CapabilityTables } from '../../../kernel/capability/tables.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import type { ErpPorts } from '../../ports/ports.ts';
import type { ErpReadPort } from '../../ports/readPort.ts';
import { memoryErpReads } from './memoryReads.ts';
import { memoryErpWrites } from './memoryWrites.ts';
import { VendorRecords } from './vendorRecords.ts';

/** The ERP over `vendor`, its capability calls recorded in `ledger` (see `openLedger`). */
export function memoryErpSystem(vendor: InMemoryVendor, ledger: Kysely<CapabilityTables>): SystemOfRecord<ErpReadPort, ErpPorts> {
  const records = new VendorRecords(vendor);
  return {
    reads: (scope) => memoryErpReads(records, scope),
    capabilities: {
      kind: 'remote',
      // A resumed attempt reads what the first attempt found, and finds its own writes by their keys.
      bind: (call, scope) => ({
        read: memoryErpReads(records.asFoundBy(call), scope),
        write: memoryErpWrites(records, new CallWrites(vendor, 'erp', call)),
      }),
    },
    ledger,
    ledgerReads: ledger,
  };
}
