import type { PsaReadPort } from './readPort.ts';
import type { PsaWritePort } from './writePort.ts';

/** What a PSA capability's effect works through: both bound to the call (and, on SQL, to its transaction). */
export interface PsaPorts {
  readonly read: PsaReadPort;
  readonly write: PsaWritePort;
}
