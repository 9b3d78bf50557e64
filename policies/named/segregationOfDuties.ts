import { definePolicy } from '../namedPolicy.ts';

/**
 * Segregation of duties (docs/invariants.md#inv-8): whoever approves a record must be a person other than
 * the one who submitted it, and other than the person it is about (a timecard's resource). Before
 * planning the caller only needs to be someone (a subject to compare); the comparison with the
 * record is made where the record is, by the capability, which answers SEGREGATION_OF_DUTIES.
 */
export const segregationOfDuties = definePolicy({
  name: 'segregationOfDuties',
  description: 'an approver is not the submitter, nor the person the record is about',
  admits: (principal) => principal !== null,
});

/** Whether `approver` may approve a record submitted by `submittedBy` about `subjects` (ids, emails). */
export function isIndependentApprover(approver: string, submittedBy: string | null, subjects: readonly (string | null)[] = []): boolean {
  const same = (a: string | null) => a !== null && a.toLowerCase() === approver.toLowerCase();
  return !same(submittedBy) && !subjects.some(same);
}
