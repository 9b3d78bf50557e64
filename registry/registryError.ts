/**
 * The registry's errors: a catalog code (core/errors.ts), a message for a person, and for a failed
 * check the report. The HTTP API answers them with the code's status; the CLI prints them and exits 1.
 */
import { ERROR_CODES, type ErrorCode } from '../core/errors.ts';
import type { CheckReport } from './types.ts';

export type RegistryErrorCode = Extract<ErrorCode, `REGISTRY_${string}`>;

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    /** Set for REGISTRY_CHECK_FAILED: what failed and what to do. */
    readonly report: CheckReport | null = null,
  ) {
    super(message);
    this.name = 'RegistryError';
  }

  /** The HTTP status the catalog gives the code. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
