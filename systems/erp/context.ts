import type { SystemContext } from '../kernel/referenceSystem.ts';
import type { ErpLoaders } from './loaders.ts';
import type { ErpPorts } from './ports/ports.ts';
import type { ErpReadPort } from './ports/readPort.ts';

/** What the ERP's resolvers and capabilities see per request: the scoped read port, its loaders, the capability kit. */
export type ErpContext = SystemContext<ErpReadPort, ErpLoaders, ErpPorts>;
