import { describe, expect, it } from 'vitest';
import { runProcess, type ProcessResult } from '../harness/runProcess.ts';
import { availableMode, RUN_MODES, RunModeNotAvailable } from '../../runtime/modes.ts';
import { RELAY_NEEDS_NATS } from '../../runtime/relay.ts';

/** The CLI in a child process, with the environment of this one minus `unset`. */
function tessera(args: readonly string[], unset: readonly string[] = []): Promise<ProcessResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !unset.includes(key)));
  return runProcess(process.execPath, ['--import', 'tsx', 'bin/tessera.ts', ...args], { cwd: new URL('../..', import.meta.url), env });
}

describe('run modes', () => {
  it('has one composition root per mode', () => {
    expect(RUN_MODES.map(({ name, root }) => [name, root])).toEqual([
      ['embedded', 'runtime/embedded.ts'],
      ['system', 'runtime/systemService.ts'],
      ['gateway', 'runtime/gateway.ts'],
      ['relay', 'runtime/relay.ts'],
      ['registry', 'runtime/registry.ts'],
    ]);
    expect(availableMode('gateway').root).toBe('runtime/gateway.ts');
    expect(availableMode('relay').root).toBe('runtime/relay.ts');
    expect(availableMode('registry').root).toBe('runtime/registry.ts');
  });

  it('refuses a mode that is only a seat, naming it', () => {
    const seat = { name: 'example', command: 'tessera serve example', root: null, summary: 'an example seat' };
    expect(new RunModeNotAvailable(seat).message).toBe(
      'the example mode (an example seat) is not available yet: it has a place in runtime/modes.ts, not a composition root',
    );
  });

  it('`tessera serve relay` without TESSERA_NATS_URL exits 1 with the reason and nothing else', async () => {
    expect(await tessera(['serve', 'relay'], ['TESSERA_NATS_URL'])).toEqual({
      code: 1,
      stdout: '',
      stderr: `tessera serve: ${RELAY_NEEDS_NATS}\n`,
    });
  }, 30_000);
});
