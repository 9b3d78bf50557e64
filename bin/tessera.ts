/**
 * The `tessera` command (README "Commands"; `tessera --help`). It parses the command line and
 * loads only the command asked for (bin/cli/commands.ts): each composition root (`runtime/`) is
 * imported when its command runs, so `tessera token` or `--help` never load the gateway.
 *   tessera start                    embedded mode: systems and gateway in one process (seeds an empty ./data)
 *   tessera serve <system>|gateway [--remote]|relay|registry   one role alone
 *   tessera registry <verb> ...      the registry CLI (docs/registry.md#cli)
 *   tessera seed [--scale s|m|l] [--reseed]   seeds empty reference systems with deterministic demo data
 *   tessera token --sub alice ...    prints a development token signed with the dev key (stdout only)
 * Exit codes: 0 done; 1 failed; 2 a usage mistake.
 */
import { runCli } from './cli/runCli.ts';

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tessera: ${String(error instanceof Error ? error.stack : error)}\n`);
    process.exitCode = 1;
  },
);
