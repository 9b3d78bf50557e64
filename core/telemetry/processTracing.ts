/**
 * Tracing for a process that `tessera start` or `tessera serve <role>` runs
 * (docs/observability.md#traces): set up before the root starts, shut down (its last spans
 * flushed) after the root has stopped. The OpenTelemetry SDK and exporter are loaded only when an
 * endpoint is configured, so a process without tracing never loads them.
 */
import type { TelemetryConfig } from '../config/telemetry.ts';
import type { Logger } from '../logger.ts';

/** What the command keeps of the tracing it set up: its shutdown. */
export interface ProcessTracing {
  shutdown(): Promise<void>;
}

const NOTHING: ProcessTracing = { shutdown: async () => {} };

export async function startProcessTracing(config: TelemetryConfig, serviceName: string, logger: Logger): Promise<ProcessTracing> {
  if (!config.otlpEndpoint) return NOTHING;
  const { startTracing } = await import('./tracing.ts');
  const tracing = startTracing(config, { serviceName });
  // The origin and path only: a URL's user-info is a credential.
  const { origin, pathname } = new URL(config.otlpEndpoint);
  logger.info({ endpoint: `${origin}${pathname}`, sampleRatio: config.sampleRatio, serviceName }, 'tracing: spans exported over OTLP/HTTP');
  return tracing;
}
