/**
 * Survivorship (docs/crosswalk.md#survivorship): for each attribute of a merged account, which of its
 * two source records gives the value the graph shows. A winner is a system name (that system's
 * record wins while it has a value), `survivor` (the record merged into), or `newest` (the record
 * its system changed last; the survivor when either time is unknown). A merge stores the rules it
 * was made with: the defaults (the deployment's: docs/crosswalk.md#configuration), overridden per attribute by the steward's choices, so a later
 * change of the defaults never rewrites a merged customer behind its steward's back.
 */
import { rejected } from '../../kernel/capability/rejection.ts';
import {
  BUILT_IN_SURVIVORSHIP,
  SURVIVORSHIP_FIELDS,
  survivorshipEnumOf,
  type SurvivorshipField,
  type SurvivorshipRules,
} from '../../../core/config/crosswalk.ts';

export { SURVIVORSHIP_FIELDS, type SurvivorshipField, type SurvivorshipRules };

/** The built-in rules of a merge that names none (`TESSERA_CROSSWALK_SURVIVORSHIP` replaces them: docs/crosswalk.md#configuration). */
export const DEFAULT_SURVIVORSHIP: SurvivorshipRules = BUILT_IN_SURVIVORSHIP;

/** The GraphQL enum value of each field (`ANNUAL_REVENUE`) and back. */
export const FIELD_OF_ENUM: Readonly<Record<string, SurvivorshipField>> = Object.fromEntries(
  SURVIVORSHIP_FIELDS.map((field) => [survivorshipEnumOf(field), field]),
);
export const ENUM_OF_FIELD: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(FIELD_OF_ENUM).map(([value, field]) => [field, value]),
);

export interface SurvivorshipChoice {
  /** The GraphQL enum value (`NAME`, `ANNUAL_REVENUE`, ...). */
  readonly field: string;
  readonly winner: string;
}

/**
 * The rules of a merge between records of `systems`: the `defaults` (the deployment's, from
 * `TESSERA_CROSSWALK_SURVIVORSHIP`) with `choices` over them. A winner
 * must be `survivor`, `newest` or one of the two records' systems (PRECONDITION_FAILED otherwise,
 * on `survivorship`); a default system neither record comes from leaves the survivor's value.
 */
export function mergeRules(
  choices: readonly SurvivorshipChoice[] | null | undefined,
  systems: readonly string[],
  defaults: SurvivorshipRules = DEFAULT_SURVIVORSHIP,
): SurvivorshipRules {
  const rules: Record<string, string> = { ...defaults };
  for (const choice of choices ?? []) {
    const field = FIELD_OF_ENUM[choice.field];
    const winner = choice.winner.trim().toLowerCase();
    if (!field) throw rejected('PRECONDITION_FAILED', `${choice.field} is not an attribute survivorship decides.`, 'survivorship');
    if (winner !== 'survivor' && winner !== 'newest' && !systems.includes(winner)) {
      throw rejected(
        'PRECONDITION_FAILED',
        `The winner of ${choice.field} must be survivor, newest or the system of one of the records (${systems.join(', ')}); got ${JSON.stringify(choice.winner)}.`,
        'survivorship',
      );
    }
    rules[field] = winner;
  }
  return rules as SurvivorshipRules;
}

/** A stored merge's rules as the graph lists them, in field order. */
export function choicesOf(stored: string): SurvivorshipChoice[] {
  const rules = JSON.parse(stored) as Partial<SurvivorshipRules>;
  return SURVIVORSHIP_FIELDS.filter((field) => rules[field] !== undefined).map((field) => ({
    field: ENUM_OF_FIELD[field]!,
    winner: rules[field]!,
  }));
}
