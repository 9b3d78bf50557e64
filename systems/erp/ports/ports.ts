import type { ErpReadPort } from './readPort.ts';
import type { ErpWritePort } from './writePort.ts';

/** What an ERP capability effect works with: both ports, bound to its call (and its transaction, for a local system). */
export interface ErpPorts {
  readonly read: ErpReadPort;
  readonly write: ErpWritePort;
}
