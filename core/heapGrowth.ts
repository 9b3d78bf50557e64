/**
 * How far V8 lets the old generation grow past what the last full collection kept
 * (`TESSERA_HEAP_GROWTH_PERCENT`, docs/production.md#memory). On a machine with several GB, V8
 * lets it grow up to 4× the live heap before collecting again. A gateway's live heap is small (its
 * schemas, plans and caches); what fills the rest is dead per-request state, promoted because a
 * request outlives a few young-generation collections. Capping the growth at 2× halved a gateway's
 * peak RSS under load at no measurable CPU cost (README "Federation benchmark"). It is not a heap
 * limit: the heap still grows as far as the live data needs, only collected sooner.
 */
import v8 from 'node:v8';

/**
 * Sets V8's growth factor for this process (1 + percent / 100); 0 leaves V8's own heuristic. Only
 * ever called by a server's process at its start (`bin/cli/runUntilSignal.ts`), never by a library.
 */
export function applyHeapGrowth(percent: number, setFlags: (flags: string) => void = v8.setFlagsFromString): void {
  if (percent > 0) setFlags(`--heap-growing-percent=${percent}`);
}
