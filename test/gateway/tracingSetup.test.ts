/**
 * Tracing's configuration and set-up (docs/observability.md#configuration): the variables and their
 * refusals, off by default with no span made, one provider per process, and the ids of a request
 * span and of the traceparent it forwards being the same.
 */
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import { parseOtlpHeaders, readTelemetryConfig, type TelemetryConfig } from '../../core/config/telemetry.ts';
import { parseTraceparent } from '../../core/http/traceContext.ts';
import { trace } from '@opentelemetry/api';
import { inChildSpan, inRequestSpan, startChildSpan, tracingActive } from '../../core/telemetry/spans.ts';
import { startTracing } from '../../core/telemetry/tracing.ts';
import { PRODUCTION_ENV } from '../harness/productionEnv.ts';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const OFF: TelemetryConfig = { otlpEndpoint: null, otlpHeaders: undefined, sampleRatio: 1 };

describe('telemetry configuration', () => {
  it('is off by default; the standard OTel variable is honoured when Tessera’s is unset', () => {
    expect(readTelemetryConfig({}, 'production')).toEqual(OFF);
    expect(readTelemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://otel:4318/v1/traces' }, 'development').otlpEndpoint).toBe(
      'http://otel:4318/v1/traces',
    );
    expect(
      readTelemetryConfig(
        { TESSERA_OTLP_ENDPOINT: 'https://collector.example/v1/traces', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://otel:4318/v1/traces' },
        'development',
      ).otlpEndpoint,
    ).toBe('https://collector.example/v1/traces');
    expect(readTelemetryConfig({ TESSERA_TRACE_SAMPLE_RATIO: '0.25' }, 'development').sampleRatio).toBe(0.25);
  });

  it('keeps the headers a Secret and parses them by name', () => {
    const config = readTelemetryConfig({ TESSERA_OTLP_HEADERS: 'Authorization=Bearer abc,x-team = ops' }, 'development');
    expect(JSON.stringify(config)).not.toContain('abc');
    expect(parseOtlpHeaders(config.otlpHeaders!)).toEqual({ authorization: 'Bearer abc', 'x-team': 'ops' });
  });

  it('refuses a bad endpoint, ratio or header list with a TypeError naming the variable and never the value', () => {
    expect(() => readTelemetryConfig({ TESSERA_OTLP_ENDPOINT: 'collector:4318' }, 'development')).toThrow(
      new TypeError("TESSERA_OTLP_ENDPOINT must be an http:// or https:// URL (the collector's OTLP/HTTP traces endpoint)"),
    );
    expect(() => readTelemetryConfig({ TESSERA_TRACE_SAMPLE_RATIO: '1.5' }, 'development')).toThrow(
      new TypeError('TESSERA_TRACE_SAMPLE_RATIO must be a number from 0 to 1; got "1.5"'),
    );
    expect(() => readTelemetryConfig({ TESSERA_OTLP_HEADERS: 'secret-token-without-name' }, 'development')).toThrow(
      new TypeError('TESSERA_OTLP_HEADERS must be name=value pairs separated by commas (header names, values not empty)'),
    );
    try {
      readTelemetryConfig({ TESSERA_OTLP_HEADERS: 'secret-token-without-name' }, 'development');
    } catch (error) {
      expect(String(error)).not.toContain('secret-token');
    }
  });

  it('refuses headers over plain http to another host in production, not to the loopback', () => {
    const headers = { TESSERA_OTLP_HEADERS: 'x-api-key=k' };
    expect(() => readTelemetryConfig({ ...headers, TESSERA_OTLP_ENDPOINT: 'http://collector:4318/v1/traces' }, 'production')).toThrow(
      new TypeError(
        'TESSERA_OTLP_HEADERS would travel in clear to collector:4318: TESSERA_OTLP_ENDPOINT must be https:// when TESSERA_ENV=production (http:// only to the loopback)',
      ),
    );
    expect(readTelemetryConfig({ ...headers, TESSERA_OTLP_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, 'production').otlpEndpoint).toBe(
      'http://127.0.0.1:4318/v1/traces',
    );
    expect(readTelemetryConfig({ ...headers, TESSERA_OTLP_ENDPOINT: 'http://collector:4318/v1/traces' }, 'development').otlpEndpoint).toBe(
      'http://collector:4318/v1/traces',
    );
  });

  it('is read by loadConfig: a production environment with a collector loads, with clear headers it is refused', () => {
    const collector = {
      TESSERA_OTLP_ENDPOINT: 'https://otlp.example.com/v1/traces',
      TESSERA_OTLP_HEADERS: 'x-api-key=k',
      TESSERA_TRACE_SAMPLE_RATIO: '0.1',
    };
    const { telemetry } = loadConfig({ ...PRODUCTION_ENV, ...collector });
    expect([telemetry.otlpEndpoint, telemetry.sampleRatio, String(telemetry.otlpHeaders)]).toEqual([
      'https://otlp.example.com/v1/traces',
      0.1,
      '[redacted]',
    ]);
    expect(() => loadConfig({ ...PRODUCTION_ENV, ...collector, TESSERA_OTLP_ENDPOINT: 'http://otlp.example.com/v1/traces' })).toThrow(
      /^TESSERA_OTLP_HEADERS would travel in clear to otlp\.example\.com/,
    );
  });
});

describe('tracing set-up', () => {
  it('off: nothing is registered, no span is made, the traceparent is continued as before', async () => {
    const tracing = startTracing(OFF, { serviceName: 'tessera-gateway' });
    expect([tracing.enabled, tracingActive()]).toEqual([false, false]);
    expect(startChildSpan('graphql.parse', CALLER)).toBeUndefined();
    // Off, the work gets the parent's traceparent back: its calls forward the request's.
    expect(await inChildSpan('tessera.capability', CALLER, {}, async (traceparent) => traceparent)).toBe(CALLER);
    const forwarded = await inRequestSpan('tessera.request', CALLER, {}, async (traceparent) => ({ status: 200, traceparent }));
    expect(parseTraceparent(forwarded.traceparent)).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', flags: '01' });
    expect(parseTraceparent(forwarded.traceparent)!.spanId).not.toBe('00f067aa0ba902b7');
    await tracing.shutdown();
  });

  it('on: one provider per process; the forwarded traceparent names the request span; a 5xx fails it; shutdown allows another', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(OFF, { serviceName: 'tessera-crm', exporter });
    expect(() => startTracing(OFF, { serviceName: 'again', exporter })).toThrow('tracing is already set up in this process');
    const answer = await inRequestSpan('tessera.subgraph', CALLER, { subgraph: 'crm' }, async (traceparent) => ({
      status: 503,
      traceparent,
      inside: await inChildSpan('tessera.capability', traceparent, {}, async (child) => child),
    }));
    const [capability, span] = exporter.getFinishedSpans();
    expect(answer.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span!.spanContext().spanId}-01`);
    // The child's traceparent names the child, whose parent is the request span.
    expect(answer.inside).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${capability!.spanContext().spanId}-01`);
    expect(capability!.parentSpanContext).toMatchObject({ spanId: span!.spanContext().spanId, isRemote: false });
    expect([span!.status.code, span!.attributes]).toEqual([2, { subgraph: 'crm', 'http.response.status_code': 503 }]);
    // Nothing is registered globally: libraries tracing through the API stay on its no-op tracer, and no async context is enabled.
    expect(trace.getTracer('@apollo/gateway').startSpan('gateway.plan').isRecording()).toBe(false);
    expect(span!.resource.attributes['service.name']).toBe('tessera-crm');
    await tracing.shutdown();
    expect(tracingActive()).toBe(false);
    const next = startTracing(OFF, { serviceName: 'tessera-erp', exporter: new InMemorySpanExporter() });
    expect(next.enabled).toBe(true);
    await next.shutdown();
  });

  it("follows the caller's sampled flag: an unsampled trace records nothing but still forwards a valid traceparent", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(OFF, { serviceName: 'tessera-gateway', exporter });
    const unsampled = CALLER.replace(/-01$/, '-00');
    const answer = await inRequestSpan('tessera.request', unsampled, {}, async (traceparent) => ({ status: 200, traceparent }));
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(parseTraceparent(answer.traceparent)).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', flags: '00' });
    await tracing.shutdown();
  });
});
