/**
 * `TESSERA_*` variables nobody reads (docs/production.md#unknown-variables). A misspelt variable
 * (the depth limit with two letters swapped) would otherwise be ignored without a word and the default would apply:
 * development warns about each one, production refuses to start.
 */
import { KNOWN_VARIABLE_PATTERNS, KNOWN_VARIABLES } from './knownVariables.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A `TESSERA_*` variable no module reads, and the known name nearest to it, if one is near. */
export interface UnknownVariable {
  readonly name: string;
  readonly suggestion: string | undefined;
}

/** Whether `name` is read by some module: listed, or of a listed family. */
export function isKnownVariable(name: string): boolean {
  return KNOWN_VARIABLES.has(name) || KNOWN_VARIABLE_PATTERNS.some((pattern) => pattern.test(name));
}

/** Every set `TESSERA_*` variable that is not known, sorted by name. */
export function unknownVariables(env: Env): readonly UnknownVariable[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('TESSERA_') && env[name] !== undefined && !isKnownVariable(name))
    .sort()
    .map((name) => ({ name, suggestion: nearestKnownVariable(name) }));
}

/** One line for one unknown variable: what happens to it and, when one is near, the name meant. */
export function unknownVariableMessage(variable: UnknownVariable): string {
  const hint = variable.suggestion ? ` (did you mean ${variable.suggestion}?)` : '';
  return `${variable.name} is not a Tessera variable and is ignored${hint}`;
}

/**
 * Development: the warnings to log, one per unknown variable. Production: throws a TypeError naming
 * every unknown variable, since a setting the operator believes applies but does not is unsafe there.
 */
export function checkUnknownVariables(env: Env, tesseraEnv: 'development' | 'production'): readonly string[] {
  const unknown = unknownVariables(env);
  if (unknown.length > 0 && tesseraEnv === 'production') {
    throw new TypeError(
      `TESSERA_ENV=production refuses unknown TESSERA_* variables: ${unknown.map(unknownVariableMessage).join('; ')}. ` +
        'Remove them or correct their names (README "Configuration").',
    );
  }
  return unknown.map(unknownVariableMessage);
}

/**
 * The known name at the smallest edit distance from `name`, when that distance is small enough to
 * be a typo: at most a third of the name after `TESSERA_` (a swapped or missing letter or two),
 * never more than 4. Family members are matched against the family's own example name.
 */
export function nearestKnownVariable(name: string): string | undefined {
  const tail = name.slice('TESSERA_'.length);
  const limit = Math.min(4, Math.max(1, Math.floor(tail.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of [...KNOWN_VARIABLES, ...FAMILY_EXAMPLES]) {
    const distance = editDistance(name, candidate, limit);
    if (distance <= limit && (!best || distance < best.distance || (distance === best.distance && candidate < best.name))) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}

/** How the families read in the README, so that a misspelt member is matched against a real name. */
const FAMILY_EXAMPLES = ['TESSERA_SUBGRAPH_CRM_URL', 'TESSERA_SUBGRAPH_PSA_URL', 'TESSERA_SUBGRAPH_ERP_URL', 'TESSERA_SUBGRAPH_PORT_CRM'];

/**
 * Levenshtein distance (insertions, deletions, substitutions; a swap of two letters counts 2),
 * stopping early once every path is above `limit` (then it returns `limit + 1`).
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowBest = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      rowBest = Math.min(rowBest, value);
    }
    if (rowBest > limit) return limit + 1;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit + 1);
}
