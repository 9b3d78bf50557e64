/**
 * The read the time controls need (docs/invariants.md#time-controls): a person's time on their
 * other timecards, whatever the project, summed per date.
 */

/** Hours (e2) a person booked on one date. */
export interface DatedHours {
  readonly date: string;
  readonly hoursE2: number;
}

export interface TimeControlReads {
  /**
   * Not scoped (every project takes the person's hours, whoever asks): the resource's hours per
   * date from `from` to `to` (both included, one week at most) on every timecard except the
   * REJECTED ones (sent back to be redone) and those on `exceptProjectId` (the week's timecard
   * being submitted, whose entries the submission replaces). By date; dates without time absent.
   */
  resourceHoursByDate(resourceId: string, from: string, to: string, exceptProjectId: string): Promise<DatedHours[]>;
}
