/** `tessera serve <role>`: one composition root alone (README "Commands", runtime/modes.ts). */
import type { TesseraConfig } from '../../core/config/config.ts';
import type { Logger } from '../../core/logger.ts';
import { isSystemName, SYSTEM_NAMES } from '../../systems/systems.ts';
import type { CommandInput } from '../cli/commandInput.ts';
import { configured } from '../cli/configured.ts';
import { UsageError } from '../cli/failures.ts';
import { runUntilSignal, type Service } from '../cli/runUntilSignal.ts';

const ROLES = ['gateway', 'relay', 'registry'] as const;

export function run(input: CommandInput): Promise<number> {
  const [target] = input.positionals;
  const remote = input.values.remote === true;
  // The role is checked before the configuration is read: a typo is a usage mistake, whatever the environment.
  if (target === undefined || !(isSystemName(target) || (ROLES as readonly string[]).includes(target))) {
    const what = target === undefined ? 'a role is required' : `unknown role ${JSON.stringify(target)}`;
    throw new UsageError(`${what}: one of ${[...SYSTEM_NAMES, ...ROLES].join(', ')}`);
  }
  if (remote && target !== 'gateway') throw new UsageError('--remote is for `tessera serve gateway` only');
  const { config, logger } = configured(input, 'stdout');
  return runUntilSignal(logger, config.shutdownTimeoutMs, () => start(target, remote, config, logger), {
    telemetry: config.telemetry,
    heapGrowthPercent: config.heapGrowthPercent,
    serviceName: `tessera-${target}`,
  });
}

/** Each root is imported when chosen: `serve crm` does not load the gateway, nor `serve gateway` the relay. */
async function start(target: string, remote: boolean, config: TesseraConfig, logger: Logger): Promise<Service> {
  if (target === 'gateway') {
    if (remote) return (await import('../../runtime/gateway.ts')).startGatewayMode({ config, logger });
    const { startEmbedded } = await import('../../runtime/embedded.ts');
    return startEmbedded({ config: { ...config, seedScale: 'none' }, logger });
  }
  if (target === 'relay') return (await import('../../runtime/relay.ts')).startRelayService({ config, logger });
  if (target === 'registry') return (await import('../../runtime/registry.ts')).startRegistryService({ config, logger });
  if (!isSystemName(target)) throw new UsageError(`unknown role ${JSON.stringify(target)}`);
  return (await import('../../runtime/systemService.ts')).startSystemService(target, { config, logger });
}
