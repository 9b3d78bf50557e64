/** `tessera token`: a development token on stdout (README "Commands"); loads auth/ and the config, nothing of the gateway. */
import { DevTokenUsageError, issueDevToken, parseDevTokenArgs } from '../../auth/devToken.ts';
import type { CommandInput } from '../cli/commandInput.ts';
import { configured } from '../cli/configured.ts';
import { UsageError } from '../cli/failures.ts';

export async function run(input: CommandInput): Promise<number> {
  let request: ReturnType<typeof parseDevTokenArgs>;
  try {
    request = parseDevTokenArgs(input.args);
  } catch (error) {
    throw error instanceof DevTokenUsageError ? new UsageError(error.message) : error;
  }
  // stdout is the token alone (`TOKEN=$(npm run -s token -- --sub alice)`): log lines go to stderr.
  const { config } = configured(input, 'stderr');
  input.stdout(`${await issueDevToken(request, config.auth)}\n`);
  return 0;
}
