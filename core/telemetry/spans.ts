/**
 * Tessera's span helpers (docs/observability.md#traces). Every helper first asks whether tracing
 * is on in this process (`tracing.ts` sets the tracer): off, it runs the work as it is and makes no
 * span object, so tracing that is not configured costs a boolean test per hook.
 *
 * A span's parent is always passed explicitly, as the W3C traceparent of the span it hangs under
 * (what the request's scope carries: `RequestScope.traceparent`), never looked up in an async
 * context. Node 20's `AsyncLocalStorage` runs promise hooks on every promise of the process once it
 * is enabled, which alone costs more throughput than issue 11's whole hardening budget; carrying
 * the parent in the request's scope costs nothing. So the ids in the spans and in the headers
 * forwarded to the next hop are the same by construction: a hop forwards `traceparentOf(span)`.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { continueTrace, formatTraceparent, parseTraceparent } from '../http/traceContext.ts';

let tracer: Tracer | null = null;

/** Set by `startTracing` (its tracer) and its shutdown (null) only. */
export function setTracer(next: Tracer | null): void {
  tracer = next;
}

/** Whether spans are made in this process. */
export function tracingActive(): boolean {
  return tracer !== null;
}

/** The W3C traceparent naming `span`: what a hop forwards so that the next hop's span is its child. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return formatTraceparent({ version: '00', traceId, spanId, flags: traceFlags.toString(16).padStart(2, '0') });
}

/**
 * The context whose span is the one `traceparent` names (a root context when it names none):
 * `remote` for a caller's header, local for a span of this process carried in a request's scope.
 */
function parentContext(traceparent: string | null | undefined, remote: boolean): Context {
  const parent = parseTraceparent(traceparent);
  if (!parent) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parent.traceId,
    spanId: parent.spanId,
    traceFlags: parseInt(parent.flags, 16),
    isRemote: remote,
  });
}

/** Records `error` on `span` and sets its status to ERROR, with the catalog code when the error has one. */
export function failSpan(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  if (typeof code === 'string') span.setAttribute('tessera.error.code', code);
}

/**
 * A child of the span `parent` names (a request scope's traceparent), for work that starts and ends
 * in different hooks; undefined when tracing is off. The caller ends it.
 */
export function startChildSpan(name: string, parent: string, attributes: Attributes = {}): Span | undefined {
  return tracer?.startSpan(name, { attributes }, parentContext(parent, false));
}

/**
 * Runs `work` in a child of the span `parent` names; `work` gets the traceparent its own children
 * and the calls it makes hang under (the new span's). Off, `work` runs alone and gets `parent` back.
 */
export async function inChildSpan<T>(
  name: string,
  parent: string,
  attributes: Attributes,
  work: (traceparent: string) => Promise<T>,
): Promise<T> {
  const span = startChildSpan(name, parent, attributes);
  if (!span) return work(parent);
  try {
    return await work(traceparentOf(span));
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * One incoming request's span (kind SERVER), continuing the caller's `traceparent` when it is
 * valid (a new trace otherwise). `serve` receives the traceparent its own spans hang under and its
 * calls forward (this span's). Off, `serve` gets the caller's trace continued with a new span id,
 * as before tracing existed (docs/events.md#trace-context). A status of 500 or more, or a throw,
 * sets the span's status to ERROR; `describe` adds attributes once the answer is known.
 */
export async function inRequestSpan<T extends { readonly status?: number | undefined }>(
  name: string,
  header: string | null | undefined,
  attributes: Attributes,
  serve: (traceparent: string) => Promise<T>,
  describe?: (result: T) => Attributes,
): Promise<T> {
  if (!tracer) return serve(continueTrace(header));
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parentContext(header, true));
  try {
    const result = await serve(traceparentOf(span));
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
