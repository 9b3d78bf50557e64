/** What every PSA resolver and capability sees of a request. */
import type { CapabilityContext } from '../kernel/capability/capabilityResolvers.ts';
import type { PsaLoaders } from './loaders.ts';
import type { PsaPorts } from './ports/ports.ts';
import type { PsaReadPort } from './ports/readPort.ts';
import type { TimeControlsConfig } from '../../core/config/timeControls.ts';

export interface PsaContext extends CapabilityContext<PsaPorts> {
  /** The read port bound to the caller's record scope. */
  readonly read: PsaReadPort;
  /** Per-request batches over `read`. */
  readonly loaders: PsaLoaders;
  /** The limits of time submissions (docs/invariants.md#time-controls); absent in a bare runner's context: the defaults. */
  readonly timeControls?: TimeControlsConfig;
}
