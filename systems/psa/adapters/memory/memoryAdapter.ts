/**
 * The PSA on a remote system of record, played by the in-memory vendor stand-in: what a Certinia
 * or Kantata adapter will look like. Not transactional with us: the kernel records each call's
 * intent and outcome in `ledger` (a local database of its own), and the ports carry the call's
 * external keys so a retried call never writes twice.
 */
import type { Kysely } from 'kysely';
import { beforeCallView, callKeyOf } from '../../../kernel/adapters/memory/callHistory.ts';
import type { InMemoryVendor } from '../../../kernel/adapters/memory/vendor.ts';
import type { RemoteAdapter } from '../../../kernel/capability/adapter.ts';
import type { CapabilityTables } from '../../../kernel/capability/tables.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import type { PsaPorts } from '../../ports/ports.ts';
import type { PsaReadPort } from '../../ports/readPort.ts';
import { holdingNewlyReadySources } from '../../ports/holdOnApproval.ts';
import { createMemoryPsaReads } from './memoryReads.ts';
import { createMemoryPsaWrites } from './memoryWrites.ts';

export function createMemoryPsaAdapter(vendor: InMemoryVendor, ledger: Kysely<CapabilityTables>): SystemOfRecord<PsaReadPort, PsaPorts> {
  const capabilities: RemoteAdapter<PsaPorts> = {
    kind: 'remote',
    bind: (call, scope) => ({
      read: createMemoryPsaReads(vendor, scope, beforeCallView(callKeyOf(call))),
      write: holdingNewlyReadySources(createMemoryPsaWrites(vendor, call)),
    }),
  };
  return { reads: (scope) => createMemoryPsaReads(vendor, scope), capabilities, ledger, ledgerReads: ledger };
}
