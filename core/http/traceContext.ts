/**
 * W3C Trace Context and the correlation id (docs/events.md#trace-context): one trace runs from the
 * gateway request through subgraph calls, outbox events and saga steps.
 *
 * `traceparent` is `<version>-<trace id>-<parent span id>-<flags>`: lower-case hex of 2, 32, 16
 * and 2 digits; version `ff`, an all-zero trace id and an all-zero span id are invalid; version
 * `00` has exactly these four fields, a later version may append more (they are dropped when the
 * trace is continued, as version 00). Every hop that continues a trace keeps its trace id and
 * flags and gives it a new span id (its own span).
 */
import { randomBytes } from 'node:crypto';

export const TRACEPARENT_HEADER = 'traceparent';
export const CORRELATION_ID_HEADER = 'x-correlation-id';

export interface TraceParent {
  readonly version: string;
  /** 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lower-case hex digits, not all zero: the span of the caller. */
  readonly spanId: string;
  /** 2 lower-case hex digits (`01`: sampled). */
  readonly flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The parsed header, or null when it is missing or not a valid traceparent. */
export function parseTraceparent(header: string | null | undefined): TraceParent | null {
  if (!header || header.length > 512) return null;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || traceId === ZERO_TRACE || spanId === ZERO_SPAN) return null;
  if (version === '00' && rest !== undefined) return null;
  return { version, traceId, spanId, flags };
}

export function formatTraceparent(trace: TraceParent): string {
  return `${trace.version}-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

/** A new span id: 16 random hex digits, never all zero. */
export function newSpanId(): string {
  return nonZeroHex(8);
}

/** A new trace (not sampled: Tessera records no spans of its own; a caller's trace keeps its flags). */
export function newTraceparent(): string {
  return formatTraceparent({ version: '00', traceId: nonZeroHex(16), spanId: newSpanId(), flags: '00' });
}

/** The incoming trace continued with a new span id, or a new trace when `header` is missing or invalid. */
export function continueTrace(header: string | null | undefined): string {
  const parent = parseTraceparent(header);
  return parent
    ? formatTraceparent({ version: '00', traceId: parent.traceId, spanId: newSpanId(), flags: parent.flags })
    : newTraceparent();
}

/** The trace id of a traceparent, or null when it is not valid. */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  return parseTraceparent(traceparent)?.traceId ?? null;
}

const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Whether `value` is usable as a correlation id: 1 to 128 of `A-Z a-z 0-9 . _ : -` (safe to log, forward and store). */
export function isValidCorrelationId(value: string | null | undefined): value is string {
  return typeof value === 'string' && SAFE_CORRELATION_ID.test(value);
}

/** The caller's correlation id when it is valid; otherwise `fallback` (the request id). */
export function correlationIdFrom(header: string | null | undefined, fallback: string): string {
  return isValidCorrelationId(header) ? header : fallback;
}

function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (/[1-9a-f]/.test(hex)) return hex;
  }
}
