/** What every integration resolver and capability sees of a request. */
import type { CapabilityContext } from '../kernel/capability/capabilityResolvers.ts';
import type { RecordScope } from '../../policies/recordScope.ts';
import type { SurvivorshipRules } from '../../core/config/crosswalk.ts';
import type { IntegrationLoaders } from './loaders.ts';
import type { IntegrationPorts } from './ports/ports.ts';
import type { IntegrationReadPort } from './ports/readPort.ts';

export interface IntegrationContext extends CapabilityContext<IntegrationPorts> {
  /** The read port bound to the caller's record scope. */
  readonly read: IntegrationReadPort;
  readonly scope: RecordScope;
  /** Per-request batches over `read`. */
  readonly loaders: IntegrationLoaders;
  /** The crosswalk's survivorship defaults (`TESSERA_CROSSWALK_SURVIVORSHIP`; docs/crosswalk.md#configuration); absent: the built-in ones. */
  readonly survivorship?: SurvivorshipRules;
}
