/**
 * `TESSERA_HEAP_GROWTH_PERCENT` (core/heapGrowth.ts): the V8 flag a server process sets at its
 * start, and that this Node's V8 knows it (`v8.setFlagsFromString` ignores a flag it does not know,
 * so a V8 that renamed it would silently undo the setting).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { applyHeapGrowth } from '../../core/heapGrowth.ts';

describe('applyHeapGrowth', () => {
  it('sets the growth factor to 1 + percent / 100', () => {
    const set: string[] = [];
    applyHeapGrowth(100, (flags) => set.push(flags));
    applyHeapGrowth(35, (flags) => set.push(flags));
    expect(set).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=35']);
  });

  it('leaves V8 its own heuristic at 0', () => {
    const set: string[] = [];
    applyHeapGrowth(0, (flags) => set.push(flags));
    expect(set).toEqual([]);
  });

  it("names a flag this Node's V8 has", () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(options).toMatch(/^ {2}--heap-growing-percent \(specifies heap growing factor as \(1 \+ heap_growing_percent\/100\)\)$/m);
  });
});
