/**
 * The reference systems Tessera ships, by subgraph name. The only module that knows all three:
 * the composition root and the seed command reach them through here.
 */
import { crmSystem } from './crm/system.ts';
import { erpSystem } from './erp/system.ts';
import { psaSystem } from './psa/system.ts';

export const SYSTEMS = { crm: crmSystem, psa: psaSystem, erp: erpSystem } as const;
