/**
 * Business-rule failures of a capability: an effect throws `rejected(...)`, the runner undoes
 * the effect's rows, stores the rejection under the idempotency key and answers it in the
 * payload's `userErrors` with a catalog code, a sentence for a human and the input field at fault.
 */
import type { ErrorCode } from '../../../core/errors.ts';
import type { CapabilityRejection } from './types.ts';

export class CapabilityRejected extends Error {
  constructor(readonly rejection: CapabilityRejection) {
    super(rejection.message);
    this.name = 'CapabilityRejected';
  }
}

export function rejected(code: ErrorCode, message: string, field?: string): CapabilityRejected {
  return new CapabilityRejected(field === undefined ? { code, message } : { code, message, field });
}

/** `expectedVersion` (when the input gives one, or `required`) must equal the aggregate's version. */
export function checkVersion(
  entity: string,
  current: number,
  expected: number | null | undefined,
  options: { required?: boolean } = {},
): void {
  if (expected === null || expected === undefined) {
    if (options.required)
      throw rejected('VERSION_CONFLICT', `${entity}: expectedVersion is required (the aggregateVersion you read).`, 'expectedVersion');
    return;
  }
  if (expected !== current) {
    throw rejected(
      'VERSION_CONFLICT',
      `${entity} is at version ${current}, not ${expected}: it changed since you read it. Read it again, then decide.`,
      'expectedVersion',
    );
  }
}

/** A record the caller cannot see answers exactly like a missing one. */
export function notFoundRejection(entity: string, id: string, field: string): CapabilityRejected {
  return rejected('NOT_FOUND', `${entity} ${JSON.stringify(id)} was not found.`, field);
}
