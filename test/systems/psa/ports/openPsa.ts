/** A PSA system of record holding the contract data, on each adapter: SQL in a fresh store, or the in-memory vendor. */
import type { Kysely } from 'kysely';
import { InMemoryVendor } from '../../../../systems/kernel/adapters/memory/vendor.ts';
import { openReferenceSystem } from '../../../../systems/kernel/openReferenceSystem.ts';
import { openLedger, type SystemOfRecord } from '../../../../systems/kernel/systemOfRecord.ts';
import { createMemoryPsaAdapter } from '../../../../systems/psa/adapters/memory/memoryAdapter.ts';
import { sqlPsaSystem } from '../../../../systems/psa/adapters/sql/sqlSystem.ts';
import type { PsaTables } from '../../../../systems/psa/adapters/sql/tables.ts';
import type { PsaPorts } from '../../../../systems/psa/ports/ports.ts';
import type { PsaReadPort } from '../../../../systems/psa/ports/readPort.ts';
import { psaSystem } from '../../../../systems/psa/system.ts';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import type { TempStore } from '../../../harness/tempDatabase.ts';
import { loadIntoSql, loadIntoVendor, type PsaData } from './psaData.ts';

export type PsaSystem = SystemOfRecord<PsaReadPort, PsaPorts>;

export interface OpenPsa {
  readonly system: PsaSystem;
  /** The vendor stand-in, for the remote adapter (faults, counts). */
  readonly vendor: InMemoryVendor | null;
  close(): Promise<void>;
}

let direct = 0;

/** Runs `use` with the ports of one capability call outside the runner: in a transaction of its own, or as one remote call. */
export async function withPorts<T>(system: PsaSystem, use: (ports: PsaPorts) => Promise<T>, scope: RecordScope = ALL_RECORDS): Promise<T> {
  const adapter = system.capabilities;
  if (adapter.kind === 'local') return system.ledger.transaction().execute((trx) => use(adapter.bind(trx, scope)));
  const call = ++direct;
  return use(adapter.bind({ externalKey: (operation) => `direct-${call}:${operation}`, attempt: 1 }, scope));
}

/** The SQL adapter over a fresh PSA database in `temp`, holding `data`; `db` loads more. */
export async function openSqlPsa(temp: TempStore, data: PsaData): Promise<OpenPsa & { readonly db: Kysely<PsaTables> }> {
  const opened = await openReferenceSystem(psaSystem, temp.store);
  const db = opened.db as Kysely<PsaTables>;
  await loadIntoSql(db, data);
  return {
    db,
    system: sqlPsaSystem(db, opened.reads as Kysely<PsaTables>),
    vendor: null,
    async close() {
      await opened.close();
      await temp.remove();
    },
  };
}

export async function openMemoryPsa(data: PsaData): Promise<OpenPsa> {
  const vendor = new InMemoryVendor();
  await loadIntoVendor(vendor, data);
  const ledger = await openLedger('psa');
  return { system: createMemoryPsaAdapter(vendor, ledger), vendor, close: () => ledger.destroy() };
}
