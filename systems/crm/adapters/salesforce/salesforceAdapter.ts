/**
 * The CRM on a Salesforce org (docs/connectors.md#salesforce): a remote system of record, not
 * transactional with us. The kernel records each capability call's intent and outcome in `ledger`
 * (the CRM's own local database: idempotency records, outbox, audit), and the ports carry the
 * call's external keys so a retried call never writes twice (recordWrites.ts). A vendor call that
 * fails, times out or is over the org's limits is DOWNSTREAM_UNAVAILABLE: retry the same request.
 */
import type { Kysely } from 'kysely';
import type { RemoteAdapter } from '../../../kernel/capability/adapter.ts';
import type { CapabilityTables } from '../../../kernel/capability/tables.ts';
import { connectorCall } from '../../../kernel/connectors/connectorFailure.ts';
import type { SystemOfRecord } from '../../../kernel/systemOfRecord.ts';
import type { CrmPorts } from '../../ports/ports.ts';
import type { CrmReadPort } from '../../ports/readPort.ts';
import type { CrmWritePort } from '../../ports/writePort.ts';
import { beforeCallView } from './callView.ts';
import type { SalesforceOrg } from './salesforceOrg.ts';
import { createSalesforceCrmReads } from './salesforceReads.ts';
import { createSalesforceCrmWrites } from './salesforceWrites.ts';

export function createSalesforceCrmAdapter(org: SalesforceOrg, ledger: Kysely<CapabilityTables>): SystemOfRecord<CrmReadPort, CrmPorts> {
  const capabilities: RemoteAdapter<CrmPorts> = {
    kind: 'remote',
    bind: (call, scope) => ({
      read: createSalesforceCrmReads(org, scope, beforeCallView(call)),
      write: downstream(createSalesforceCrmWrites(org, call)),
    }),
  };
  return { reads: (scope) => createSalesforceCrmReads(org, scope), capabilities, ledger, ledgerReads: ledger };
}

/** Every operation of `port` with the connector's failures as DOWNSTREAM_UNAVAILABLE. */
function downstream(port: CrmWritePort): CrmWritePort {
  return Object.fromEntries(
    Object.entries(port).map(([name, operation]) => [
      name,
      (...args: unknown[]) => connectorCall('crm', () => (operation as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as unknown as CrmWritePort;
}
