import type { IntegrationReadPort } from './readPort.ts';
import type { IntegrationWritePort } from './writePort.ts';

/** What an integration capability's effect works with: the read and write ports of one call. */
export interface IntegrationPorts {
  readonly read: IntegrationReadPort;
  readonly write: IntegrationWritePort;
}
