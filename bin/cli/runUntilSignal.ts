import type { TelemetryConfig } from '../../core/config/telemetry.ts';
import { applyHeapGrowth } from '../../core/heapGrowth.ts';
import type { Logger } from '../../core/logger.ts';
import { startProcessTracing } from '../../core/telemetry/processTracing.ts';

/**
 * The server process's own settings: its tracing (docs/observability.md#traces), configuration and
 * `service.name`, and V8's heap growth (`TESSERA_HEAP_GROWTH_PERCENT`, core/heapGrowth.ts).
 */
export interface ServerProcess {
  readonly telemetry: TelemetryConfig;
  readonly serviceName: string;
  readonly heapGrowthPercent: number;
}

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
 * Tracing, when configured, is set up before the root starts and flushed after it has stopped; the
 * heap growth is set before the root's modules load.
 */
export async function runUntilSignal(
  logger: Logger,
  shutdownTimeoutMs: number,
  start: () => Promise<Service>,
  server?: ServerProcess,
): Promise<number> {
  if (server) applyHeapGrowth(server.heapGrowthPercent);
  const tracing = server ? await startProcessTracing(server.telemetry, server.serviceName, logger) : undefined;
  let service: Service;
  try {
    service = await start();
    await service.listen();
  } catch (error) {
    await tracing?.shutdown();
    throw error;
  }
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
  // After the drain: the spans of the last requests are exported too.
  await tracing?.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'tracing: the last spans were not exported'));
  logger.info('stopped');
  clearTimeout(watchdog);
  // Every step has run and pino writes synchronously to stdout: whatever still holds the loop open is not ours to wait for.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  process.removeListener('SIGINT', again);
  process.removeListener('SIGTERM', again);
  return 0;
}
