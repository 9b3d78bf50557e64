/** A mistake on the command line (unknown flag, missing value): the CLI prints it with the verb's usage and exits 2. */
export class CliUsageError extends Error {
  constructor(
    message: string,
    /** The usage line to print with it. */
    readonly usage: string,
  ) {
    super(message);
    this.name = 'CliUsageError';
  }
}
