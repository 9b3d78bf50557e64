import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from '../../systems/kernel/capability/requestHash.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: 'x' }], c: undefined } })).toBe('{"a":{"d":[2,{"y":"x","z":null}]},"b":1}');
  });

  it('honours toJSON (dates) and refuses values JSON cannot carry', () => {
    expect(canonicalJson({ at: new Date('2025-01-31T10:00:00.000Z') })).toBe('{"at":"2025-01-31T10:00:00.000Z"}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});

describe('requestHash', () => {
  it('is the sha256 of {capability, version, input}, independent of key order', () => {
    const hash = requestHash('erp.postInvoice', 1, { id: 'inv_1', amount: '10.00' });
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(requestHash('erp.postInvoice', 1, { amount: '10.00', id: 'inv_1' })).toBe(hash);
    expect(requestHash('erp.postInvoice', 2, { id: 'inv_1', amount: '10.00' })).not.toBe(hash);
    expect(requestHash('erp.voidInvoice', 1, { id: 'inv_1', amount: '10.00' })).not.toBe(hash);
  });
});
