/**
 * The commands of `tessera` (README "Commands"): each its flags (node:util `parseArgs`, strict),
 * its help, and how to load it. Nothing here imports a command's code: `load` does, when that
 * command runs, so `tessera token` never loads the gateway and `--help` loads nothing at all.
 */
import { DEV_TOKEN_OPTIONS, DEV_TOKEN_USAGE } from '../../auth/devToken.ts';
import { SEED_SCALES } from '../../core/config/config.ts';
import type { CommandModule, Options } from './commandInput.ts';

export interface Command {
  readonly name: string;
  /** The first line of its help. */
  readonly usage: string;
  readonly summary: string;
  /** The rest of its help: arguments and flags. */
  readonly details: string;
  readonly options: Options;
  /** Positional arguments it takes, at most. */
  readonly positionals: number;
  /** Parses its own arguments (the registry CLI has verbs with flags of their own): no parseArgs here. */
  readonly parsesOwnArguments?: boolean;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly Command[] = [
  {
    name: 'start',
    usage: 'tessera start',
    summary: 'embedded mode: every system, the schema registry and the gateway in one process (seeds an empty ./data in development)',
    details: '  Listens on HOST:PORT (0.0.0.0:4000); SIGTERM or SIGINT drains and stops it.\n',
    options: {},
    positionals: 0,
    load: () => import('../commands/start.ts'),
  },
  {
    name: 'serve',
    usage: 'tessera serve <system>|gateway [--remote]|relay|registry',
    summary: 'one role alone: a system and its subgraph, the gateway, the NATS relay or the schema registry',
    details:
      '  <system>            one system alone on TESSERA_SUBGRAPH_PORT_<NAME> (integration also runs the process engine)\n' +
      '  gateway             the gateway; systems with TESSERA_SUBGRAPH_<NAME>_URL are remote, the others in process\n' +
      '  gateway --remote    the gateway alone; every TESSERA_SUBGRAPH_<NAME>_URL is required\n' +
      '  relay               the outboxes of every system to NATS JetStream (TESSERA_NATS_URL required), on PORT\n' +
      "  registry            the schema registry alone: its API and the architects' page on TESSERA_REGISTRY_PORT\n",
    options: { remote: { type: 'boolean' } },
    positionals: 1,
    load: () => import('../commands/serve.ts'),
  },
  {
    name: 'seed',
    usage: `tessera seed [--scale ${SEED_SCALES.join('|')}] [--reseed] [--quiet]`,
    summary: 'seeds the empty reference systems with deterministic demo data',
    details:
      '  --scale S    s (demo), m (mid-size firm), l (10x m); default TESSERA_SEED_SCALE, else s\n' +
      '  --reseed     delete every record of every reference system first (development only)\n' +
      '  --quiet      no progress lines on stderr\n' +
      '  Exits 1 without writing when the systems already hold data (use --reseed).\n',
    options: { scale: { type: 'string' }, reseed: { type: 'boolean' }, quiet: { type: 'boolean' } },
    positionals: 0,
    load: () => import('../commands/seed.ts'),
  },
  {
    name: 'token',
    usage: 'tessera token --sub NAME [flags]',
    summary: 'prints a development token signed with the dev key (stdout only: TOKEN=$(npm run -s token -- --sub alice))',
    details: `  ${DEV_TOKEN_USAGE.replace(/^usage: npm run token -- /, 'flags: ')}\n`,
    options: DEV_TOKEN_OPTIONS,
    positionals: 0,
    load: () => import('../commands/token.ts'),
  },
  {
    name: 'registry',
    usage: 'tessera registry <verb> [flags]',
    summary: 'the registry CLI: publish, check, compose, diff, history, rollback, contract, supergraph, fetch, usage, ...',
    details: '  `tessera registry --help` lists the verbs, `tessera registry <verb> --help` one verb.\n',
    options: {},
    positionals: 0,
    parsesOwnArguments: true,
    load: () => import('../commands/registry.ts'),
  },
];

/** The flags every command takes besides its own. */
export const COMMON_OPTIONS: Options = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
};

const COMMON_FLAGS = '  -h, --help   this help\n  --version    the version of Tessera\n';

export const ROOT_USAGE =
  'usage: tessera <command> [flags]   (npm start, npm run serve -- ..., npm run seed -- ..., npm run token -- ...)\n' +
  'commands:\n' +
  COMMANDS.map((command) => `  ${command.usage}\n      ${command.summary}\n`).join('') +
  'flags:\n' +
  COMMON_FLAGS +
  'exit codes: 0 done; 1 failed (a configuration refused, a seed over existing data, ...); 2 a usage mistake\n';

/** `tessera <command> --help`. */
export function commandHelp(command: Command): string {
  return `usage: ${command.usage}\n  ${command.summary}\n${command.details}${COMMON_FLAGS}`;
}
