/** `tessera registry <verb>`: the registry CLI (docs/registry.md#cli). */
import { REGISTRY_CLI_USAGE, runRegistryCli } from '../../registry/cli/main.ts';
import { registryDeclarations } from '../../runtime/registry.ts';
import type { CommandInput } from '../cli/commandInput.ts';
import { configured } from '../cli/configured.ts';

export async function run(input: CommandInput): Promise<number> {
  const [first] = input.args;
  // The list of verbs needs no configuration: it answers even where the environment would be refused.
  if (first === '--help' || first === '-h' || first === 'help') {
    input.stdout(REGISTRY_CLI_USAGE);
    return 0;
  }
  // stdout is the command's output (`--json` is piped into CI tools): log lines go to stderr.
  const { config, logger } = configured(input, 'stderr');
  return runRegistryCli(input.args, {
    config,
    declarations: registryDeclarations(config, 'in-process'),
    logger,
    version: input.version,
    stdout: input.stdout,
    stderr: input.stderr,
  });
}
