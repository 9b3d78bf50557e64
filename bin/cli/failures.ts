import { RunModeNotAvailable } from '../../runtime/modes.ts';

/** A mistake on the command line (unknown flag, missing value, extra argument): printed with the usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * What to print for a command that failed. Configuration mistakes are TypeErrors naming the bad key
 * and a mode without a root says so: plainly, without a stack. Anything else is a bug, with its stack.
 */
export function failureMessage(error: unknown): string {
  if (error instanceof TypeError || error instanceof RunModeNotAvailable) return error.message;
  return String(error instanceof Error ? error.stack : error);
}
