import { describe, expect, it } from 'vitest';
import { runProcess, type ProcessResult } from '../harness/runProcess.ts';
import { availableMode, RUN_MODES, RunModeNotAvailable } from '../../runtime/modes.ts';

function tessera(...args: string[]): Promise<ProcessResult> {
  return runProcess(process.execPath, ['--import', 'tsx', 'bin/tessera.ts', ...args], { cwd: new URL('../..', import.meta.url) });
}

describe('run modes', () => {
  it('has one composition root per mode, and a seat without a root for the relay and the registry', () => {
    expect(RUN_MODES.map(({ name, root }) => [name, root])).toEqual([
      ['embedded', 'runtime/embedded.ts'],
      ['system', 'runtime/systemService.ts'],
      ['gateway', 'runtime/gateway.ts'],
      ['relay', null],
      ['registry', null],
    ]);
    expect(availableMode('gateway').root).toBe('runtime/gateway.ts');
  });

  it.each([
    [
      'relay',
      "the relay mode (delivers the systems' outbox events) is not available yet: it has a place in runtime/modes.ts, not a composition root",
    ],
    [
      'registry',
      'the registry mode (serves and checks the schema versions) is not available yet: it has a place in runtime/modes.ts, not a composition root',
    ],
  ] as const)('refuses the %s mode clearly', (name, message) => {
    expect(() => availableMode(name)).toThrow(new RunModeNotAvailable(RUN_MODES.find((mode) => mode.name === name)!));
    expect(() => availableMode(name)).toThrow(message);
  });

  it('`tessera serve relay` exits 1 with that message and nothing else', async () => {
    expect(await tessera('serve', 'relay')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "tessera: the relay mode (delivers the systems' outbox events) is not available yet: it has a place in runtime/modes.ts, not a composition root\n",
    });
  }, 30_000);
});
