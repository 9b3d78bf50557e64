/**
 * Tessera's span helpers (docs/observability.md#traces). Every helper first asks whether tracing
 * is on in this process (`tracing.ts` sets it): off, it runs the work as it is and makes no span
 * object, so tracing that is not configured costs a boolean test per hook. On, spans are children
 * of the span active in the async context, and a request's span continues the caller's
 * `traceparent`: the ids in the span and in the header forwarded to the next hop are the same.
 */
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { continueTrace, formatTraceparent, parseTraceparent } from '../http/traceContext.ts';

const TRACER_NAME = 'tessera';

let active = false;

/** Set by `startTracing` and its shutdown only. */
export function setTracingActive(on: boolean): void {
  active = on;
}

/** Whether spans are made in this process. */
export function tracingActive(): boolean {
  return active;
}

/** The W3C traceparent naming `span`: what a hop forwards so that the next hop's span is its child. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return formatTraceparent({ version: '00', traceId, spanId, flags: traceFlags.toString(16).padStart(2, '0') });
}

/** The traceparent of the span active here (a subgraph fetch's); null when tracing is off or no span is active. */
export function activeTraceparent(): string | null {
  if (!active) return null;
  const span = trace.getActiveSpan();
  return span && trace.isSpanContextValid(span.spanContext()) ? traceparentOf(span) : null;
}

/** Adds attributes to the span active here, if tracing is on and one is. */
export function annotateActiveSpan(attributes: Attributes): void {
  if (active) trace.getActiveSpan()?.setAttributes(attributes);
}

/** Marks the span active here as failed (a subgraph fetch whose failure is answered as errors, not thrown). */
export function failActiveSpan(error: unknown, attributes: Attributes = {}): void {
  if (!active) return;
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttributes(attributes);
  failSpan(span, error);
}

/** Records `error` on `span` and sets its status to ERROR, with the catalog code when the error has one. */
export function failSpan(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  if (typeof code === 'string') span.setAttribute('tessera.error.code', code);
}

/** A child span of the active one, not made active (for work that starts and ends in different hooks); undefined when tracing is off. */
export function startSpan(name: string, attributes: Attributes = {}): Span | undefined {
  return active ? trace.getTracer(TRACER_NAME).startSpan(name, { attributes }) : undefined;
}

/** Runs `work` in a child span of the active one, active while it runs; off, runs it alone. */
export async function inSpan<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!active) return work();
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * One incoming request's span (kind SERVER), continuing the caller's `traceparent` when it is
 * valid (a new trace otherwise). `serve` runs with the span active and receives the traceparent
 * its own calls forward (this span's). Off, `serve` gets the caller's trace continued with a new
 * span id, as before tracing existed (docs/events.md#trace-context). A status of 500 or more, or a
 * throw, sets the span's status to ERROR; `describe` adds attributes once the answer is known.
 */
export async function inRequestSpan<T extends { readonly status?: number | undefined }>(
  name: string,
  header: string | null | undefined,
  attributes: Attributes,
  serve: (traceparent: string) => Promise<T>,
  describe?: (result: T) => Attributes,
): Promise<T> {
  if (!active) return serve(continueTrace(header));
  const caller = parseTraceparent(header);
  const parent = caller
    ? trace.setSpanContext(ROOT_CONTEXT, {
        traceId: caller.traceId,
        spanId: caller.spanId,
        traceFlags: parseInt(caller.flags, 16),
        isRemote: true,
      })
    : ROOT_CONTEXT;
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  try {
    const result = await context.with(trace.setSpan(parent, span), () => serve(traceparentOf(span)));
    const status = result.status ?? 200;
    span.setAttributes({ 'http.response.status_code': status, ...describe?.(result) });
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return result;
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}
