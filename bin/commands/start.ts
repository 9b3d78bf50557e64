/** `tessera start`: the embedded mode (README "Commands"). */
import { startEmbedded } from '../../runtime/embedded.ts';
import type { CommandInput } from '../cli/commandInput.ts';
import { configured } from '../cli/configured.ts';
import { runUntilSignal } from '../cli/runUntilSignal.ts';

export function run(input: CommandInput): Promise<number> {
  const { config, logger } = configured(input, 'stdout');
  return runUntilSignal(logger, config.shutdownTimeoutMs, () => startEmbedded({ config, logger }), {
    telemetry: config.telemetry,
    heapGrowthPercent: config.heapGrowthPercent,
    serviceName: 'tessera-gateway',
  });
}
