/** What every PSA resolver and capability sees of a request. */
import type { CapabilityContext } from '../kernel/capability/capabilityResolvers.ts';
import type { PsaLoaders } from './loaders.ts';
import type { PsaPorts } from './ports/ports.ts';
import type { PsaReadPort } from './ports/readPort.ts';

export interface PsaContext extends CapabilityContext<PsaPorts> {
  /** The read port bound to the caller's record scope. */
  readonly read: PsaReadPort;
  /** Per-request batches over `read`. */
  readonly loaders: PsaLoaders;
}
