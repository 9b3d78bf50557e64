/** What a command of `tessera` runs with and what its module exports (bin/cli/commands.ts lists the commands). */
import type { ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/** What a command runs with; it answers with its exit code. */
export interface CommandInput {
  /** The flags, parsed (never `help` or `version`: those are answered before). */
  readonly values: Values;
  readonly positionals: readonly string[];
  /** The arguments after the command's name, as given (the token and registry commands parse their own). */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** package.json's version. */
  readonly version: string;
}

export interface CommandModule {
  run(input: CommandInput): Promise<number>;
}
