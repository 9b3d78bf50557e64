// The image's HEALTHCHECK (README "Packaging"): asks the process's /health/ready and exits 0 when it
// answers 200, 1 otherwise (503 while starting or draining, no answer, or no answer within 4 s).
// Plain JavaScript with no imports of Tessera, so a check every 15 s costs a bare node start.
//
//   node deploy/healthcheck.mjs                     the mode of the container's command line (PID 1)
//   node deploy/healthcheck.mjs --pid 4242          the mode of that process's command line
//   node deploy/healthcheck.mjs serve crm           the port of that mode, from the environment
//   node deploy/healthcheck.mjs --url serve crm     prints the URL it would ask, asks nothing
//
// Each mode's port is the one core/config reads (README "Configuration"; test/packaging checks
// these defaults against core/config and systems/systems.ts): the gateway, the embedded mode and
// the relay on PORT (4000), a system on TESSERA_SUBGRAPH_PORT_<NAME>, the registry on TESSERA_REGISTRY_PORT.
import { readFileSync } from 'node:fs';
import process from 'node:process';
/* global fetch, AbortSignal */

const SYSTEM_PORTS = { crm: 4001, psa: 4002, erp: 4003, integration: 4004 };
const REGISTRY_PORT = 4005;
const GATEWAY_PORT = 4000;

/** The words after `bin/tessera.ts` in the command line of process `pid` (`start`, `serve crm`, ...). */
function commandOf(pid) {
  const words = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const entry = words.findIndex((word) => word.endsWith('bin/tessera.ts') || word.endsWith('bin/tessera.js'));
  return entry === -1 ? [] : words.slice(entry + 1);
}

/** The port the command's process listens on, with this environment. */
function healthPort(command, env) {
  const [verb, target] = command;
  if (verb === 'serve' && target === 'registry') return Number(env.TESSERA_REGISTRY_PORT || REGISTRY_PORT);
  if (verb === 'serve' && Object.hasOwn(SYSTEM_PORTS, target ?? '')) {
    return Number(env[`TESSERA_SUBGRAPH_PORT_${target.toUpperCase()}`] || SYSTEM_PORTS[target]);
  }
  return Number(env.PORT || GATEWAY_PORT);
}

/** Where to ask: HOST when the server binds one address, the loopback when it binds them all. */
function healthUrl(command, env) {
  const bound = env.HOST?.trim();
  const any = !bound || bound === '0.0.0.0' || bound === '::';
  const host = any ? '127.0.0.1' : bound.includes(':') ? `[${bound}]` : bound;
  return `http://${host}:${healthPort(command, env)}/health/ready`;
}

const args = process.argv.slice(2);
const printOnly = args[0] === '--url';
const rest = printOnly ? args.slice(1) : args;
const command = rest[0] === '--pid' ? commandOf(rest[1]) : rest.length > 0 ? rest : commandOf(1);
const url = healthUrl(command, process.env);
if (printOnly) {
  process.stdout.write(`${url}\n`);
} else {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
    process.exitCode = response.status === 200 ? 0 : 1;
    if (response.status !== 200) process.stderr.write(`${url} answered ${response.status}\n`);
  } catch (error) {
    process.stderr.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
