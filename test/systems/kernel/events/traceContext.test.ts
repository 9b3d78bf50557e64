import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  continueTrace,
  correlationIdFrom,
  isValidCorrelationId,
  newTraceparent,
  parseTraceparent,
  traceIdOf,
} from '../../../../core/http/traceContext.ts';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceparent', () => {
  it('parses a valid header and refuses invalid ones', () => {
    expect(parseTraceparent(VALID)).toEqual({
      version: '00',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
    for (const bad of [
      undefined,
      null,
      '',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // upper case
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // zero trace id
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // zero span id
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // forbidden version
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', // version 00 has four fields
      '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', // short trace id
      '00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01',
    ]) {
      expect(parseTraceparent(bad)).toBeNull();
    }
    // A later version may carry more fields; its first four are read.
    expect(parseTraceparent(`01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more`)?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('continues a valid trace with its trace id and flags and a new span id; starts a new one otherwise', () => {
    const next = continueTrace(VALID);
    expect(next).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(parseTraceparent(next)!.spanId).not.toBe('00f067aa0ba902b7');
    const later = continueTrace('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more');
    expect(later).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-00$/);
    const fresh = continueTrace('garbage');
    expect(parseTraceparent(fresh)).not.toBeNull();
    expect(traceIdOf(fresh)).not.toBe(traceIdOf(continueTrace('garbage')));
  });

  it('makes only valid traceparents', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const made = newTraceparent();
        expect(parseTraceparent(made)).toMatchObject({ version: '00', flags: '00' });
        expect(parseTraceparent(continueTrace(made))!.traceId).toBe(traceIdOf(made));
      }),
      { numRuns: 200 },
    );
  });
});

describe('correlation id', () => {
  it('keeps a bounded id of safe characters, falls back to the request id otherwise', () => {
    expect(correlationIdFrom('deal-42:q1.2025_x', 'req-1')).toBe('deal-42:q1.2025_x');
    expect(correlationIdFrom('x'.repeat(128), 'req-1')).toBe('x'.repeat(128));
    for (const bad of [undefined, null, '', 'x'.repeat(129), 'a b', 'a\nb', 'é', 'a/b', '<script>']) {
      expect(correlationIdFrom(bad, 'req-1')).toBe('req-1');
      expect(isValidCorrelationId(bad)).toBe(false);
    }
  });
});
