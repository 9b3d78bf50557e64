import type { CrmReadPort } from './readPort.ts';
import type { CrmWritePort } from './writePort.ts';

/** What a CRM capability's effect works with: the read and write ports of one call. */
export interface CrmPorts {
  readonly read: CrmReadPort;
  readonly write: CrmWritePort;
}
