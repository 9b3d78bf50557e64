/**
 * The `tessera` command. It parses its arguments and starts a composition root (`runtime/`):
 *   tessera start                    embedded mode: systems and gateway in one process (seeds an empty ./data)
 *   tessera serve <crm|psa|erp|integration>  one system service alone, on TESSERA_SUBGRAPH_PORT_<NAME>
 *                                    (integration also runs the process engine: sagas, consumers, billing runs, webhooks)
 *   tessera serve gateway            the gateway; systems with TESSERA_SUBGRAPH_<NAME>_URL are remote, the others in process
 *   tessera serve gateway --remote   the gateway alone; every TESSERA_SUBGRAPH_<NAME>_URL is required
 *   tessera serve relay              the outboxes of every system to NATS JetStream (TESSERA_NATS_URL required), on PORT
 *   tessera serve registry           the schema registry alone: its HTTP API and the architects' page on
 *                                    TESSERA_REGISTRY_PORT (publishes schema/ when nothing is published yet)
 *   tessera registry <verb> ...      the registry CLI (publish, check, compose, diff, history, rollback,
 *                                    contract create|list, supergraph, fetch, usage, deprecations, audit):
 *                                    the embedded registry in TESSERA_DATA_DIR, or `--registry URL`
 *   tessera seed [--scale s|m|l]     seeds empty reference systems with deterministic demo data
 *   tessera token --sub alice ...    prints a development token signed with the dev key (stdout only,
 *                                    so `TOKEN=$(npm run -s token -- --sub alice)` works)
 */
import { loadConfig, SEED_SCALES, type SeedScale, type TesseraConfig } from '../core/config/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { startEmbedded } from '../runtime/embedded.ts';
import { startGatewayMode } from '../runtime/gateway.ts';
import { startRelayService } from '../runtime/relay.ts';
import { RunModeNotAvailable } from '../runtime/modes.ts';
import { registryDeclarations, startRegistryService } from '../runtime/registry.ts';
import { runRegistryCli } from '../registry/cli/main.ts';
import { seedStores } from '../runtime/seedStores.ts';
import { startSystemService } from '../runtime/systemService.ts';
import { isSystemName, SYSTEM_NAMES } from '../systems/systems.ts';
import { DEV_TOKEN_USAGE, DevTokenUsageError, issueDevToken, parseDevTokenArgs } from '../auth/devToken.ts';

const USAGE =
  `usage: tessera start | serve <${SYSTEM_NAMES.join('|')}|gateway [--remote]|relay|registry> | seed [--scale ${SEED_SCALES.join('|')}] ` +
  '| token --sub NAME [...] | registry <verb> [...] (tessera registry --help)';

/** A started root: it listens until stopped. */
interface Service {
  listen(): Promise<number>;
  stop(): Promise<void>;
}

async function main(argv: readonly string[]): Promise<void> {
  const [verb, ...rest] = argv;
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (verb) {
    case 'start':
      return runUntilSignal(logger, config.shutdownTimeoutMs, () => startEmbedded({ config, logger }));
    case 'serve':
      return runUntilSignal(logger, config.shutdownTimeoutMs, () => serve(rest, config, logger));
    case 'seed':
      return seedStores(config, parseScale(rest, config), logger);
    case 'registry':
      process.exitCode = await runRegistryCli(rest, {
        config,
        declarations: registryDeclarations(config, 'in-process'),
        // stdout is the command's output (`--json` is piped into CI tools): the registry's own log lines go to stderr.
        logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr),
        stdout: (text) => void process.stdout.write(text),
        stderr: (text) => void process.stderr.write(text),
      });
      return;
    case 'token':
      process.stdout.write(`${await issueDevToken(parseDevTokenArgs(rest), config.auth)}\n`);
      return;
    default:
      throw new UsageError(verb ? `unknown command ${JSON.stringify(verb)}` : 'missing command');
  }
}

function serve([target, ...flags]: readonly string[], config: TesseraConfig, logger: Logger): Promise<Service> {
  if (target === 'gateway') {
    if (flags.includes('--remote')) return startGatewayMode({ config, logger });
    return startEmbedded({ config: { ...config, seedScale: 'none' }, logger });
  }
  if (target === 'relay') return startRelayService({ config, logger });
  if (target === 'registry') return startRegistryService({ config, logger });
  if (!isSystemName(target)) throw new UsageError(`serve needs a system name or "gateway"; got ${JSON.stringify(target)}`);
  return startSystemService(target, { config, logger });
}

class UsageError extends Error {}

function parseScale(args: readonly string[], config: TesseraConfig): SeedScale {
  const index = args.indexOf('--scale');
  if (index === -1) return config.seedScale === 'none' ? 's' : config.seedScale;
  const value = args[index + 1];
  if (!(SEED_SCALES as readonly string[]).includes(value ?? '')) throw new UsageError(`--scale must be one of ${SEED_SCALES.join(', ')}`);
  return value as SeedScale;
}

/**
 * Starts a service, listens, and runs it until SIGINT/SIGTERM, then stops it gracefully: the HTTP
 * server drains (readiness 503, in-flight requests finish, TESSERA_SHUTDOWN_TIMEOUT_MS at most),
 * then the root's other steps run. `npm start` execs node, so the signal `docker stop` sends to npm
 * reaches this process rather than orphaning it. A second signal exits at once (an operator's
 * second Ctrl-C), and a watchdog exits if a stop step hangs or a stray handle keeps node alive.
 */
async function runUntilSignal(logger: Logger, shutdownTimeoutMs: number, start: () => Promise<Service>): Promise<void> {
  const service = await start();
  await service.listen();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal }, 'shutting down');
  const again = (second: NodeJS.Signals) => {
    logger.warn({ signal: second }, 'second signal: exiting without finishing the shutdown');
    process.exit(1);
  };
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  // unref: the watchdog never keeps the process alive itself, it only ends one that will not end.
  const watchdog = setTimeout(() => {
    logger.error({ shutdownTimeoutMs }, 'shutdown did not finish in time: exiting');
    process.exit(1);
  }, shutdownTimeoutMs + 10_000).unref();
  await service.stop();
  logger.info('stopped');
  clearTimeout(watchdog);
  // Every step has run and pino writes synchronously to stdout: whatever still holds the loop open is not ours to wait for.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  process.removeListener('SIGINT', again);
  process.removeListener('SIGTERM', again);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`tessera: ${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (error instanceof DevTokenUsageError) {
    process.stderr.write(`tessera token: ${error.message}\n${DEV_TOKEN_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  // Configuration mistakes are TypeErrors naming the bad key, and a mode without a root says so: plainly, without a stack.
  const plain = error instanceof TypeError || error instanceof RunModeNotAvailable;
  process.stderr.write(`tessera: ${plain ? error.message : String(error instanceof Error ? error.stack : error)}\n`);
  process.exitCode = 1;
});
