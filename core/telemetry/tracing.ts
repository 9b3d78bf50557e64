/**
 * The process's OpenTelemetry tracer provider (docs/observability.md#traces): set up once per
 * process by the command that starts it (`bin/tessera.ts`), shut down (its spans flushed) when the
 * process stops. Off unless an OTLP endpoint is configured, and then nothing is set up at all:
 * Tessera's span helpers make no span objects (`spans.ts`). On, spans are batched to the collector
 * over OTLP/HTTP (JSON encoding); a test hands in its own exporter instead and gets each span as it ends.
 *
 * The provider is deliberately not registered with the OpenTelemetry API (no global tracer provider,
 * no async context manager, no global propagator): Tessera's spans get their tracer from here and
 * their parent from the request's scope, and a library that traces through the global API (such as
 * `@apollo/gateway`) stays on its no-op tracer, so no `AsyncLocalStorage` is ever enabled.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  BasicTracerProvider,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { parseOtlpHeaders, type TelemetryConfig } from '../config/telemetry.ts';
import { setTracer } from './spans.ts';

export interface TracingOptions {
  /** `service.name` of every span: `tessera-gateway` (`tessera start`, `tessera serve gateway`), `tessera-<role>` (`tessera serve <role>`). */
  readonly serviceName: string;
  /** Where spans go instead of the OTLP endpoint (tests: an `InMemorySpanExporter`); each is exported as it ends. */
  readonly exporter?: SpanExporter | undefined;
}

export interface Tracing {
  /** Whether spans are recorded in this process. */
  readonly enabled: boolean;
  /** Exports the spans still buffered, then stops the provider (another may be set up after). */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => {} };

let current: Tracing | null = null;

/**
 * Sets up the tracer provider for this process (sampler, exporter) and hands its tracer to the span
 * helpers; a no-op when neither an endpoint nor an exporter is given. A second set-up while one is running is a programming error: it throws.
 */
export function startTracing(config: TelemetryConfig, options: TracingOptions): Tracing {
  if (!options.exporter && !config.otlpEndpoint) return OFF;
  if (current) throw new Error('tracing is already set up in this process: shut it down first');
  const exporter =
    options.exporter ??
    new OTLPTraceExporter({
      url: config.otlpEndpoint!,
      headers: config.otlpHeaders ? parseOtlpHeaders(config.otlpHeaders) : {},
    });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  setTracer(provider.getTracer('tessera'));
  let stopping: Promise<void> | undefined;
  const tracing: Tracing = {
    enabled: true,
    shutdown() {
      stopping ??= (async () => {
        setTracer(null);
        try {
          await provider.shutdown();
        } finally {
          current = null;
        }
      })();
      return stopping;
    },
  };
  current = tracing;
  return tracing;
}
