/**
 * The CRM on a remote system of record, played by the in-memory vendor stand-in: what a Salesforce
 * or HubSpot adapter will look like. Not transactional with us: the kernel records each call's
 * intent and outcome in `ledger` (a local database of its own), and the ports carry the call's
 * external keys so a retried call never writes twice.
 */
import type { Kysely } from 'kysely';
import { beforeCallView, callKeyOf } from '../../../kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../../kernel/adapters/memory/vendor.ts';
import type { RemoteAdapter } from '../../../kernel/capability/adapter.ts';
import type { CapabilityTables } from '../../../kernel/capability/tables.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import type { CrmPorts } from '../../ports/ports.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import { createMemoryCrmReads } from './memoryReads.ts';
import { createMemoryCrmWrites } from './memoryWrites.ts';

export function createMemoryCrmAdapter(vendor: InMemoryVendor, ledger: Kysely<CapabilityTables>): SystemOfRecord<CrmReadPort, CrmPorts> {
  const capabilities: RemoteAdapter<CrmPorts> = {
    kind: 'remote',
    bind: (call, scope) => ({
      read: createMemoryCrmReads(vendor, scope, beforeCallView(callKeyOf(call))),
      write: createMemoryCrmWrites(vendor, call),
    }),
  };
  return { reads: (scope) => createMemoryCrmReads(vendor, scope), capabilities, ledger, ledgerReads: ledger };
}
