/**
 * `tessera registry <verb>` (docs/registry.md#cli), written to be called in process: it takes its
 * arguments, its configuration, the subgraph declarations and its output streams, and resolves with
 * the exit code: 0; 1 when a check failed or the registry refused (`CODE: message`); 2 for a usage
 * mistake (unknown flag, missing value), printed with the verb's usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { TesseraConfig } from '../../core/config/config.ts';
import type { Logger } from '../../core/logger.ts';
import { httpRegistry, RegistryClientError } from '../client/httpRegistry.ts';
import type { Registry } from '../registry.ts';
import { RegistryError } from '../registryError.ts';
import type { SubgraphDeclaration } from '../types.ts';
import { formatReport } from './format.ts';
import { openRegistry } from '../service/openRegistry.ts';
import { CliUsageError } from './usageError.ts';
import { VERBS, type Verb } from './verbs.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface RegistryCliContext {
  readonly config: TesseraConfig;
  /** The subgraphs of the embedded registry (the caller knows the systems; registry/ does not). */
  readonly declarations: readonly SubgraphDeclaration[];
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The embedded registry's logger (its warnings). */
  readonly logger: Logger;
  /** Relative `--schema` paths resolve from here. @default process.cwd() */
  readonly cwd?: string;
  /** For `--registry URL`. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The embedded registry's clock. @default () => new Date() */
  readonly clock?: () => Date;
  /** The default `--author` is `local:<this>`. @default os.userInfo().username */
  readonly osUser?: () => string;
  /** What `--version` prints (package.json's, from the bin). */
  readonly version?: string;
}

const GLOBAL_OPTIONS: Options = {
  registry: { type: 'string' },
  token: { type: 'string' },
  author: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
};

const GLOBAL_FLAGS =
  'global flags:\n' +
  '  --registry URL   a remote registry (`tessera serve registry`); without it, the embedded registry in\n' +
  '                   TESSERA_DATA_DIR (or TESSERA_DATABASE_URL) is opened directly\n' +
  '  --token TOKEN    the bearer token for --registry (default: TESSERA_REGISTRY_TOKEN)\n' +
  "  --author NAME    who acts, embedded registry only (default: local:<os user>); a remote one records the token's sub\n" +
  "  --json           machine output: the registry's JSON types\n" +
  "  -h, --help       this help, or a verb's\n" +
  "  --version        the version of Tessera (where a verb's own --version N is not a schema version)\n" +
  'exit codes: 0 done; 1 a check failed or the registry refused; 2 a usage mistake\n';

export const REGISTRY_CLI_USAGE =
  'usage: tessera registry <verb> [flags]   (npm run registry -- <verb> [flags])\n' +
  'verbs:\n' +
  VERBS.map((verb) => `  ${verb.usage}\n      ${verb.summary}\n`).join('') +
  GLOBAL_FLAGS;

function verbUsage(verb: Verb, full = true): string {
  const line = `usage: tessera registry ${verb.usage} [--registry URL] [--token TOKEN] [--author NAME] [--json]\n`;
  return full ? `${line}  ${verb.summary}\n${GLOBAL_FLAGS}` : line;
}

/** Runs one `tessera registry` command; resolves with its exit code. */
export async function runRegistryCli(argv: readonly string[], context: RegistryCliContext): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? context.stderr : context.stdout)(REGISTRY_CLI_USAGE);
    return first === undefined ? 2 : 0;
  }
  const verb = VERBS.find(({ name }) => name === first || name === `${first} ${second}`);
  if (!verb) {
    context.stderr(
      `tessera registry: unknown verb ${JSON.stringify(first === 'contract' && second ? `${first} ${second}` : first)}\n${REGISTRY_CLI_USAGE}`,
    );
    return 2;
  }
  const rest = argv.slice(verb.name.split(' ').length);
  let values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  try {
    values = parse(verb, rest);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    context.stderr(`tessera registry ${verb.name}: ${error.message}\n${verbUsage(verb, false)}`);
    return 2;
  }
  if (values.help) {
    context.stdout(verbUsage(verb));
    return 0;
  }
  // A verb with a `--version N` of its own (a schema version) takes that instead: then the value is a string.
  if (values.version === true) {
    context.stdout(`${context.version ?? 'unknown'}\n`);
    return 0;
  }
  let opened: { registry: Registry; close(): Promise<void> } | undefined;
  try {
    opened = await open(values, context, verb);
    return await verb.run({
      registry: opened.registry,
      values,
      json: values.json === true,
      author: (values.author as string | undefined) ?? `local:${(context.osUser ?? (() => os.userInfo().username))()}`,
      stdout: context.stdout,
      readSchema: (file) => readSchema(path.resolve(context.cwd ?? process.cwd(), file)),
    });
  } catch (error) {
    return failed(error, values.json === true, context, verb);
  } finally {
    await opened?.close();
  }
}

function parse(verb: Verb, args: readonly string[]) {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...args], options: { ...GLOBAL_OPTIONS, ...verb.options }, strict: true, allowPositionals: false }));
  } catch (error) {
    // node:util's messages name the flag ("Unknown option '--x'", "Option '--subgraph <value>' argument missing").
    throw new CliUsageError((error as Error).message, verb.usage);
  }
  if (values.help || values.version === true) return values;
  const missing = verb.required.filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new CliUsageError(`${missing.map((name) => `--${name}`).join(', ')} required`, verb.usage);
  for (const name of verb.integers) {
    const value = values[name];
    if (value !== undefined && !/^[1-9][0-9]{0,8}$/.test(String(value))) {
      throw new CliUsageError(`--${name} must be a positive integer; got ${JSON.stringify(value)}`, verb.usage);
    }
  }
  if (values.registry !== undefined && !/^https?:\/\/[^/]/.test(String(values.registry))) {
    throw new CliUsageError('--registry must be an http(s) URL', verb.usage);
  }
  if (values.registry !== undefined && values.author !== undefined) {
    throw new CliUsageError("--author is for the embedded registry; a remote registry records the token's sub", verb.usage);
  }
  if (values.registry === undefined && values.token !== undefined) {
    throw new CliUsageError('--token is for a remote registry (--registry URL)', verb.usage);
  }
  return values;
}

async function open(values: Readonly<Record<string, unknown>>, context: RegistryCliContext, verb: Verb) {
  const url = values.registry as string | undefined;
  if (url === undefined)
    return openRegistry({ config: context.config, declarations: context.declarations, logger: context.logger, clock: context.clock });
  const token = (values.token as string | undefined) ?? context.config.registry.token?.reveal();
  if (token === undefined) throw new CliUsageError('a remote registry needs --token TOKEN or TESSERA_REGISTRY_TOKEN', verb.usage);
  return {
    registry: httpRegistry({ baseUrl: url, token: () => token, fetch: context.fetch }),
    close: () => Promise.resolve(),
  };
}

function readSchema(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SchemaFileError(`cannot read the schema file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

class SchemaFileError extends Error {}

/** The exit code of a failure, after printing it: a refused check with its report, a registry error as `CODE: message`. */
function failed(error: unknown, json: boolean, context: RegistryCliContext, verb: Verb): number {
  if (error instanceof CliUsageError) {
    context.stderr(`tessera registry ${verb.name}: ${error.message}\n${verbUsage(verb, false)}`);
    return 2;
  }
  if (error instanceof RegistryError) {
    if (json)
      context.stdout(
        `${JSON.stringify({ error: { code: error.code, message: error.message, ...(error.report ? { report: error.report } : {}) } }, null, 2)}\n`,
      );
    else if (error.report) context.stdout(formatReport(error.report));
    context.stderr(`${error.code}: ${error.message}\n`);
    return 1;
  }
  if (error instanceof RegistryClientError || error instanceof SchemaFileError) {
    context.stderr(`tessera registry ${verb.name}: ${error.message}\n`);
    return 1;
  }
  throw error;
}
