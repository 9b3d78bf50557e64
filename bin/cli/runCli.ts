/**
 * `tessera <command> [flags]` (README "Commands"): parses the command line strictly, answers
 * `--help` and `--version` anywhere without loading a command or reading the configuration, then
 * loads only the command asked for and runs it. Resolves with the exit code: 0 done, 1 failed,
 * 2 a usage mistake (printed with the usage that applies).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { CommandInput } from './commandInput.ts';
import { COMMANDS, COMMON_OPTIONS, ROOT_USAGE, commandHelp, type Command } from './commands.ts';
import { failureMessage, UsageError } from './failures.ts';

export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** package.json's version, read when asked (the file is beside bin/). */
export function tesseraVersion(): string {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) return usageMistake(io, 'missing command', ROOT_USAGE);
  if (first === '--help' || first === '-h' || first === 'help') return done(io, ROOT_USAGE);
  if (first === '--version') return done(io, `${tesseraVersion()}\n`);
  const command = COMMANDS.find(({ name }) => name === first);
  if (!command) {
    const what = first.startsWith('-') ? `unknown option ${JSON.stringify(first)}` : `unknown command ${JSON.stringify(first)}`;
    return usageMistake(io, what, ROOT_USAGE);
  }
  let input: CommandInput | 'help' | 'version';
  try {
    input = commandInput(command, rest, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageMistake(io, error.message, commandUsage(command), command);
  }
  if (input === 'help') return done(io, commandHelp(command));
  if (input === 'version') return done(io, `${tesseraVersion()}\n`);
  try {
    return await (await command.load()).run(input);
  } catch (error) {
    if (error instanceof UsageError) {
      return usageMistake(io, error.message, commandUsage(command), command);
    }
    io.stderr(`tessera ${command.name}: ${failureMessage(error)}\n`);
    return 1;
  }
}

/** The command's input, or `help` / `version` when asked; a UsageError for an unknown flag, a missing value, an extra argument. */
function commandInput(command: Command, args: readonly string[], io: CliIo): CommandInput | 'help' | 'version' {
  const base = { args, env: io.env, stdout: io.stdout, stderr: io.stderr, version: tesseraVersion() };
  if (command.parsesOwnArguments) {
    // Its verbs answer --help themselves; --version is the same everywhere.
    if (args[0] === '--version') return 'version';
    return { ...base, values: {}, positionals: [] };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...command.options, ...COMMON_OPTIONS },
      strict: true,
      allowPositionals: command.positionals > 0,
    });
  } catch (error) {
    // node:util names the flag: "Unknown option '--x'", "Option '--scale <value>' argument missing"; its advice
    // on positionals that start with '-' is for no command of ours.
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, ''));
  }
  if (parsed.values.help) return 'help';
  if (parsed.values.version) return 'version';
  if (parsed.positionals.length > command.positionals) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[command.positionals])}`);
  }
  return { ...base, values: parsed.values as CommandInput['values'], positionals: parsed.positionals };
}

function done(io: CliIo, text: string): number {
  io.stdout(text);
  return 0;
}

function usageMistake(io: CliIo, message: string, usage: string, command?: Command): number {
  io.stderr(`tessera${command ? ` ${command.name}` : ''}: ${message}\n${usage}`);
  return 2;
}

/** The usage line printed with a command's usage mistake, and where the full help is. */
function commandUsage(command: Command): string {
  return `usage: ${command.usage}\n(tessera ${command.name} --help)\n`;
}
