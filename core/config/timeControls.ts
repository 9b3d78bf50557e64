/**
 * The time controls of `submitTimecard` (docs/invariants.md#time-controls, docs/capabilities.md#submittimecard):
 * - `TESSERA_TIME_WEEKLY_MAX_HOURS` (80): the most hours a person books in one ISO week (Monday to
 *   Sunday) across every project, a whole number from 1 to 168 (TIME_WEEKLY_LIMIT_EXCEEDED above it).
 * - `TESSERA_TIME_FUTURE_DAYS` (7): how many days after today (UTC) a work date may be, or `off` for
 *   no limit (TIME_IN_FUTURE beyond it). Seven lets a person submit the whole current week before
 *   leaving on Friday, whatever their time zone; 0 allows today at the latest.
 * The day's limit is not configurable: a day has 24 hours (TIME_DAILY_LIMIT_EXCEEDED).
 */
import { wholeNumber } from './parse.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface TimeControlsConfig {
  /** `TESSERA_TIME_WEEKLY_MAX_HOURS`: hours a person may book in one ISO week, across projects. @default 80 */
  readonly weeklyMaxHours: number;
  /** `TESSERA_TIME_FUTURE_DAYS`: days after today a work date may be; null when `off`. @default 7 */
  readonly futureDays: number | null;
}

export const TIME_CONTROL_DEFAULTS: TimeControlsConfig = Object.freeze({ weeklyMaxHours: 80, futureDays: 7 });

/** A week has 168 hours: a larger maximum would mean nothing. */
const WEEK_HOURS = 168;

export function readTimeControlsConfig(env: Env): TimeControlsConfig {
  const weeklyMaxHours = wholeNumber(env, 'TESSERA_TIME_WEEKLY_MAX_HOURS', TIME_CONTROL_DEFAULTS.weeklyMaxHours, 1);
  if (weeklyMaxHours > WEEK_HOURS) {
    throw new TypeError(`TESSERA_TIME_WEEKLY_MAX_HOURS must be at most ${WEEK_HOURS} (a week's hours); got ${weeklyMaxHours}`);
  }
  const future = env.TESSERA_TIME_FUTURE_DAYS?.trim();
  const futureDays = future === 'off' ? null : wholeNumber(env, 'TESSERA_TIME_FUTURE_DAYS', TIME_CONTROL_DEFAULTS.futureDays!, 0);
  return Object.freeze({ weeklyMaxHours, futureDays });
}
