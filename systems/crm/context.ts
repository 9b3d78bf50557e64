/** What every CRM resolver and capability sees of a request. */
import type { CapabilityContext } from '../kernel/capability/capabilityResolvers.ts';
import type { CrmLoaders } from './loaders.ts';
import type { CrmPorts } from './ports/ports.ts';
import type { CrmReadPort } from './ports/readPort.ts';

export interface CrmContext extends CapabilityContext<CrmPorts> {
  /** The read port bound to the caller's record scope. */
  readonly read: CrmReadPort;
  /** Per-request batches over `read`. */
  readonly loaders: CrmLoaders;
}
