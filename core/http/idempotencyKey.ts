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

/**
 * The key of an `Idempotency-Key` header: the draft makes it a structured-field string
 * (`"8e03978e-…"`); a bare token is accepted too. `null` when absent; throws RangeError when malformed.
 */
export function idempotencyKeyFromHeader(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  const key = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  if (!isValidIdempotencyKey(key))
    throw new RangeError('The Idempotency-Key header must be 1 to 255 visible ASCII characters, e.g. a UUID.');
  return key;
}
