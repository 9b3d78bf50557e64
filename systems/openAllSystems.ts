import type { StoreConfig } from '../core/config/config.ts';
import { kernelSystem, SYSTEM_LIST, type OpenSystems } from './systems.ts';
import { openReferenceSystem, type OpenSystem } from './kernel/openReferenceSystem.ts';

export interface AllSystems extends OpenSystems {
  close(): Promise<void>;
}

/** Opens and migrates every reference system (the seed command and tests); on a failure, closes the ones already open. */
export async function openAllSystems(store: StoreConfig): Promise<AllSystems> {
  const opened: [string, OpenSystem<unknown>][] = [];
  const close = async () => {
    await Promise.all(opened.map(([, system]) => system.close()));
  };
  try {
    for (const entry of SYSTEM_LIST) opened.push([entry.name, await openReferenceSystem(kernelSystem(entry), store)]);
  } catch (error) {
    await close();
    throw error;
  }
  return { ...(Object.fromEntries(opened) as unknown as OpenSystems), close };
}
