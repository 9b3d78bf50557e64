/**
 * The `Idempotency-Key` request header (IETF draft-ietf-httpapi-idempotency-key-header): the key
 * of a request that carries one mutation, as an alternative to the `idempotencyKey` input field.
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** A key is 1..255 visible ASCII characters (a UUID or ULID fits; whitespace and control characters do not). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function isValidIdempotencyKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}
