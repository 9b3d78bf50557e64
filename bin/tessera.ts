/**
 * The `tessera` command.
 *   tessera start                 embedded mode: subgraphs and gateway in one process (seeds an empty ./data)
 *   tessera serve <crm|psa|erp>   one reference-system subgraph alone, on TESSERA_SUBGRAPH_PORT_<NAME>
 *   tessera serve gateway         the gateway; subgraphs with TESSERA_SUBGRAPH_<NAME>_URL are remote
 *   tessera seed [--scale s|m|l]  seeds empty reference systems with deterministic demo data
 *   tessera token --sub alice ... prints a development token signed with the dev key (stdout only,
 *                                 so `TOKEN=$(npm run -s token -- --sub alice)` works)
 */
import { loadConfig, SEED_SCALES, SUBGRAPH_NAMES, type SeedScale, type SubgraphName, type TesseraConfig } from '../core/config/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { startEmbedded } from '../runtime/embedded.ts';
import { serveSubgraph } from '../runtime/systemService.ts';
import { openAllSystems } from '../systems/openAllSystems.ts';
import { seedIfEmpty } from '../seed/seedIfEmpty.ts';
import { DEV_TOKEN_USAGE, DevTokenUsageError, issueDevToken, parseDevTokenArgs } from '../auth/devToken.ts';

const USAGE = `usage: tessera start | serve <${SUBGRAPH_NAMES.join('|')}|gateway> | seed [--scale ${SEED_SCALES.join('|')}] | token --sub NAME [...]`;

async function main(argv: readonly string[]): Promise<void> {
  const [verb, ...rest] = argv;
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  switch (verb) {
    case 'start':
      return runUntilSignal(logger, async () => {
        const tessera = await startEmbedded({ config, logger });
        await tessera.listen();
        return tessera.stop;
      });
    case 'serve': {
      const target = rest[0];
      if (target === 'gateway') {
        return runUntilSignal(logger, async () => {
          const tessera = await startEmbedded({ config: { ...config, seedScale: 'none' }, logger });
          await tessera.listen();
          return tessera.stop;
        });
      }
      if (!isSubgraphName(target)) throw new UsageError(`serve needs a subgraph name or "gateway"; got ${JSON.stringify(target)}`);
      return runUntilSignal(logger, () => serveSubgraph(target, config, logger));
    }
    case 'seed':
      return seed(config, parseScale(rest, config), logger);
    case 'token':
      process.stdout.write(`${await issueDevToken(parseDevTokenArgs(rest), config.auth)}\n`);
      return;
    default:
      throw new UsageError(verb ? `unknown command ${JSON.stringify(verb)}` : 'missing command');
  }
}

class UsageError extends Error {}

function isSubgraphName(value: string | undefined): value is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(value ?? '');
}

function parseScale(args: readonly string[], config: TesseraConfig): SeedScale {
  const index = args.indexOf('--scale');
  if (index === -1) return config.seedScale === 'none' ? 's' : config.seedScale;
  const value = args[index + 1];
  if (!(SEED_SCALES as readonly string[]).includes(value ?? '')) throw new UsageError(`--scale must be one of ${SEED_SCALES.join(', ')}`);
  return value as SeedScale;
}

async function seed(config: TesseraConfig, scale: SeedScale, logger: Logger): Promise<void> {
  const systems = await openAllSystems(config.store);
  try {
    const outcome = await seedIfEmpty(systems, scale, logger);
    if (outcome.kind === 'skipped') logger.warn({ reason: outcome.reason }, 'not seeded: the reference systems already hold data');
  } finally {
    await systems.close();
  }
}

/** Runs a service until SIGINT/SIGTERM, then stops it gracefully. */
async function runUntilSignal(logger: Logger, start: () => Promise<() => Promise<void>>): Promise<void> {
  const stop = await start();
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
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
  // Configuration mistakes are TypeErrors naming the bad key: say so plainly, without a stack.
  process.stderr.write(`tessera: ${error instanceof TypeError ? error.message : String(error instanceof Error ? error.stack : error)}\n`);
  process.exitCode = 1;
});
