import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id when it is safe to log and forward; otherwise makes one. */
export function requestIdFrom(header: string | undefined | null): string {
  return header && SAFE_ID.test(header) ? header : randomUUID();
}
