/**
 * What a registry route answers, before it is written: a status, headers and a body. Errors are
 * `{ "error": { "code", "message", "report"? } }` with the catalog's status (docs/registry.md#http-api).
 */
import { ERROR_CODES, type ErrorCode } from '../../core/errors.ts';
import type { CheckReport } from '../types.ts';

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Undefined for 204 and 304. */
  readonly body: string | Buffer | undefined;
}

/** An error a route answers with: a catalog code, a message for a person, extra headers (`allow`, `www-authenticate`). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

export function noContent(): Reply {
  return { status: 204, headers: { 'cache-control': 'no-store' }, body: undefined };
}

export function errorReply(
  code: ErrorCode,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  report: CheckReport | null = null,
): Reply {
  return json(ERROR_CODES[code].status, { error: { code, message, ...(report ? { report } : {}) } }, headers);
}
