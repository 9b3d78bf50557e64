import { loadConfig, type TesseraConfig } from '../../core/config/config.ts';
import { checkUnknownVariables } from '../../core/config/unknownVariables.ts';
import { createLogger, type Logger } from '../../core/logger.ts';
import type { CommandInput } from './commandInput.ts';

/** What every command but --help and --version needs. */
export interface Configured {
  readonly config: TesseraConfig;
  readonly logger: Logger;
}

/**
 * The configuration of the environment (a TypeError naming the variable when it is refused) and a
 * logger, on stdout for the services and on stderr for the commands whose stdout is their output
 * (`token`, `registry`, `seed`). Development's unknown `TESSERA_*` variables are logged here, one
 * warning each (production refused them in loadConfig; docs/production.md#unknown-variables).
 */
export function configured(input: Pick<CommandInput, 'env' | 'stderr'>, logTo: 'stdout' | 'stderr'): Configured {
  const { env } = input;
  const config = loadConfig(env);
  // On stderr, beside a command's own output, the routine `info` lines would be noise: warnings and up, unless asked.
  const level = logTo === 'stderr' && config.logLevel === 'info' ? 'warn' : config.logLevel;
  // pino writes to stdout itself (synchronously); on stderr, through the command's own writer.
  const logger = createLogger(level, logTo === 'stderr' ? { write: (line: string) => input.stderr(line) } : undefined);
  for (const warning of checkUnknownVariables(env, config.env)) logger.warn(warning);
  return { config, logger };
}
