/**
 * The systems Tessera ships: the one list. Each has its name (its subgraph, its schema file, its
 * store and the `<NAME>` of its variables), its reference system, and the port `tessera serve
 * <name>` listens on unless `TESSERA_SUBGRAPH_PORT_<NAME>` says otherwise. The run modes, the CLI
 * and the seed command reach the systems through here; nothing else lists them. The order is the
 * composition order of the supergraph.
 */
import { crmSystem } from './crm/system.ts';
import { erpSystem } from './erp/system.ts';
import { integrationSystem } from './integration/system.ts';
import { psaSystem } from './psa/system.ts';
import type { SystemOfRecord } from '../schema/checkOwnership.ts';
import type { OpenSystem } from './kernel/openReferenceSystem.ts';
import type { ReferenceSystem } from './kernel/referenceSystem.ts';

export const SYSTEM_LIST = [
  { name: 'crm', system: crmSystem, systemOfRecord: 'CRM', defaultPort: 4001 },
  { name: 'psa', system: psaSystem, systemOfRecord: 'PSA', defaultPort: 4002 },
  { name: 'erp', system: erpSystem, systemOfRecord: 'ERP', defaultPort: 4003 },
  { name: 'integration', system: integrationSystem, systemOfRecord: 'INTEGRATION', defaultPort: 4004 },
] as const satisfies readonly { name: string; system: object; systemOfRecord: SystemOfRecord; defaultPort: number }[];

export type SystemEntry = (typeof SYSTEM_LIST)[number];
export type SystemName = SystemEntry['name'];
type SystemOf<N extends SystemName> = Extract<SystemEntry, { readonly name: N }>['system'];
type TablesOf<S> = S extends ReferenceSystem<infer DB, infer _Context> ? DB : never;

export const SYSTEM_NAMES: readonly SystemName[] = SYSTEM_LIST.map((entry) => entry.name);

/** The reference systems by name. */
export const SYSTEMS = Object.freeze(Object.fromEntries(SYSTEM_LIST.map((entry) => [entry.name, entry.system]))) as {
  readonly [N in SystemName]: SystemOf<N>;
};

/** Each system's open store (`openReferenceSystem`), by name. */
export type OpenSystems = { readonly [N in SystemName]: OpenSystem<TablesOf<SystemOf<N>>> };

export function isSystemName(name: string | undefined): name is SystemName {
  return (SYSTEM_NAMES as readonly (string | undefined)[]).includes(name);
}

/** A listed system as the kernel takes it: the kernel serves any system, whatever its tables. */
export function kernelSystem(entry: SystemEntry): ReferenceSystem<unknown, object> {
  return entry.system as ReferenceSystem<unknown, object>;
}
