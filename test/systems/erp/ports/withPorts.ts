/** Runs port operations on an ERP adapter outside a capability (fixtures): in a transaction of its own, or as one remote call. */
import type { RecordScope } from '../../../../policies/recordScope.ts';
import type { ErpPorts } from '../../../../systems/erp/ports/ports.ts';
import type { ErpSystem } from './erpFixture.ts';

let calls = 0;

export async function withPorts<T>(system: ErpSystem, scope: RecordScope, run: (ports: ErpPorts) => Promise<T>): Promise<T> {
  const adapter = system.capabilities;
  if (adapter.kind === 'local') return system.ledger.transaction().execute((trx) => run(adapter.bind(trx, scope)));
  const call = ++calls;
  return run(adapter.bind({ externalKey: (operation) => `fixture:${call}:${operation}`, attempt: 1 }, scope));
}
