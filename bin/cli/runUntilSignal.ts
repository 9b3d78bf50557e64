import type { Logger } from '../../core/logger.ts';

/** A started root: it listens until stopped. */
export interface Service {
  listen(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts a service, listens, and runs it until SIGINT/SIGTERM, then stops it gracefully: the HTTP
 * server drains (readiness 503, in-flight requests finish, TESSERA_SHUTDOWN_TIMEOUT_MS at most),
 * then the root's other steps run. `npm start` execs node, so the signal `docker stop` sends to npm
 * reaches this process rather than orphaning it. A second signal exits at once (an operator's
 * second Ctrl-C), and a watchdog exits if a stop step hangs or a stray handle keeps node alive.
 */
export async function runUntilSignal(logger: Logger, shutdownTimeoutMs: number, start: () => Promise<Service>): Promise<number> {
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
  return 0;
}
