/**
 * The crosswalk of two CRMs (docs/crosswalk.md#configuration):
 * - `TESSERA_CROSSWALK_SURVIVORSHIP` (unset: the built-in defaults below): which source record wins
 *   each attribute of a merged account when a merge names no winner for it, as a compact list
 *   `FIELD=winner,...` (`NAME=hubspot,WEBSITE=newest`). A field is an attribute survivorship decides,
 *   named as in the graph (`ANNUAL_REVENUE`; case ignored); a winner is `survivor`, `newest` or a CRM
 *   (`salesforce`, `hubspot`). Fields it does not name keep the built-in default. Read strictly: an
 *   unknown field, an unknown winner, a field named twice or an empty entry refuses the start, naming it.
 * - `TESSERA_CROSSWALK_LINK_CACHE_TTL_MS` (30000): how long the composite CRM (`TESSERA_CRM_SYSTEM=both`)
 *   keeps the crosswalk's links before asking the integration system again, at the latest: a merge
 *   or unmerge event clears them sooner. 0 keeps none (every read asks).
 * Stored merges keep the rules they were made with: changing the defaults changes only later merges.
 */
import { wholeNumber } from './parse.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** The attributes survivorship decides (the CRM Account's own fields: docs/model.md#account). */
export const SURVIVORSHIP_FIELDS = ['name', 'website', 'industry', 'segment', 'type', 'annualRevenue', 'employeeCount'] as const;

export type SurvivorshipField = (typeof SURVIVORSHIP_FIELDS)[number];
export type SurvivorshipRules = Readonly<Record<SurvivorshipField, string>>;

/** The winners a default may name: the two rules, then the CRMs a crosswalk links. */
export const SURVIVORSHIP_WINNERS = ['survivor', 'newest', 'salesforce', 'hubspot'] as const;

/** The rules of a merge that names none, unless configured: the parent's Salesforce wins its master data, the newest website wins. */
export const BUILT_IN_SURVIVORSHIP: SurvivorshipRules = Object.freeze({
  name: 'salesforce',
  website: 'newest',
  industry: 'salesforce',
  segment: 'salesforce',
  type: 'survivor',
  annualRevenue: 'salesforce',
  employeeCount: 'salesforce',
});

/** `annualRevenue` is `ANNUAL_REVENUE`: the graph's name of an attribute (the `SurvivorshipField` enum). */
export function survivorshipEnumOf(field: SurvivorshipField): string {
  return field.replace(/[A-Z]/g, (ch) => `_${ch}`).toUpperCase();
}

export interface CrosswalkConfig {
  /** `TESSERA_CROSSWALK_SURVIVORSHIP` over the built-in defaults. */
  readonly survivorship: SurvivorshipRules;
  /** `TESSERA_CROSSWALK_LINK_CACHE_TTL_MS`: 0 caches nothing. @default 30000 */
  readonly linkCacheTtlMs: number;
}

export const LINK_CACHE_TTL_MS = 30_000;

const SURVIVORSHIP = 'TESSERA_CROSSWALK_SURVIVORSHIP';

export function readCrosswalkConfig(env: Env): CrosswalkConfig {
  return Object.freeze({
    survivorship: parseSurvivorship(env[SURVIVORSHIP]),
    linkCacheTtlMs: wholeNumber(env, 'TESSERA_CROSSWALK_LINK_CACHE_TTL_MS', LINK_CACHE_TTL_MS, 0),
  });
}

function parseSurvivorship(raw: string | undefined): SurvivorshipRules {
  const text = raw?.trim();
  if (!text) return BUILT_IN_SURVIVORSHIP;
  const byEnum = new Map(SURVIVORSHIP_FIELDS.map((field) => [survivorshipEnumOf(field), field]));
  const rules: Record<string, string> = { ...BUILT_IN_SURVIVORSHIP };
  const named = new Set<string>();
  const refuse = (entry: string, why: string) => new TypeError(`${SURVIVORSHIP} entry ${JSON.stringify(entry)}: ${why}`);
  for (const part of text.split(',')) {
    const entry = part.trim();
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) throw refuse(entry, 'expected FIELD=winner (e.g. NAME=hubspot)');
    const field = byEnum.get(entry.slice(0, eq).trim().toUpperCase());
    const winner = entry
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (!field) throw refuse(entry, `the field must be one of ${[...byEnum.keys()].join(', ')}`);
    if (!(SURVIVORSHIP_WINNERS as readonly string[]).includes(winner)) {
      throw refuse(entry, `the winner must be one of ${SURVIVORSHIP_WINNERS.join(', ')}`);
    }
    if (named.has(field)) throw refuse(entry, `${survivorshipEnumOf(field)} is named twice`);
    named.add(field);
    rules[field] = winner;
  }
  return Object.freeze(rules as SurvivorshipRules);
}
