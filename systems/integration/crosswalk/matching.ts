/**
 * The crosswalk's match rules (docs/crosswalk.md#match-rules): when two accounts of two CRMs may be
 * the same customer. Names are compared normalized (case, accents, punctuation and legal suffixes
 * such as Ltd, Inc, GmbH or SA do not count), websites by their web domain (no scheme, no `www.`),
 * tax ids by their letters and digits. Each rule that holds adds to a score out of 100 and names
 * its reason. Pure functions: the candidates query feeds them what the CRM answers.
 */

/**
 * Legal forms and the corporate words that go with them, dropped from the end of a name ("Acme
 * Holdings GmbH & Co. KG" is "acme"): one firm's CRM says "Northstar Capital Group", the other's
 * "Northstar Capital Incorporated".
 */
const LEGAL_SUFFIXES = new Set([
  'ab', 'ag', 'as', 'asa', 'bv', 'co', 'company', 'corp', 'corporation', 'cv', 'gmbh', 'group', 'holding', 'holdings', 'inc',
  'incorporated', 'kg', 'kk', 'limited', 'llc', 'llp', 'lp', 'ltd', 'ltda', 'nv', 'oy', 'oyj', 'plc', 'pte', 'pty', 'sa', 'sab',
  'sarl', 'sas', 'se', 'spa', 'srl', 'ug', 'and',
]); // prettier-ignore

/**
 * The name as the rules compare it: lower case without accents, `&` as `and`, the dots of
 * abbreviations joined (`S.A.` is `sa`), any other punctuation a space, a leading `the` and trailing
 * legal suffixes dropped (never the last word). Idempotent.
 */
export function normalizeName(name: string): string {
  const words = plain(plain(name))
    .replace(/&/g, ' and ')
    .replace(/['’`]/g, '')
    // The dots of a one-letter abbreviation (S.A., U.K.) join its letters.
    .replace(/(?<![\p{L}\p{N}])(\p{L})\.(?=\p{L}(?![\p{L}\p{N}]))/gu, '$1')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  while (words.length > 1 && words[0] === 'the') words.shift();
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  return words.join(' ');
}

/** Lower case without accents (twice: lower-casing may compose what decomposing took apart). */
function plain(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The web domain of a website (`https://www.Acme.com/about` is `acme.com`); null when it names none. */
export function webDomain(website: string | null | undefined): string | null {
  if (!website) return null;
  const host = website
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^/@]*@/, '')
    .split(/[/?#:]/)[0]!
    .replace(/\.$/, '')
    .replace(/^www\d*\./, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
}

/** A tax id as compared: its letters and digits, upper case; null when shorter than 5 (not an id). */
export function normalizeTaxId(taxId: string | null | undefined): string | null {
  const value = (taxId ?? '').toUpperCase().replace(/[^A-Z0-9]/g, '');
  return value.length >= 5 ? value : null;
}

/** What the rules read of one account. */
export interface MatchRecord {
  readonly id: string;
  readonly system: string;
  readonly name: string;
  readonly website: string | null;
  readonly taxId: string | null;
}

export type MatchReason = 'SAME_TAX_ID' | 'SAME_DOMAIN' | 'SAME_NAME' | 'SIMILAR_NAME';

export interface MatchScore {
  /** 0 to 100. */
  readonly score: number;
  /** The rules that held, strongest first. */
  readonly reasons: readonly MatchReason[];
}

/** The points each rule adds (docs/crosswalk.md#match-rules); the score is capped at 100. */
export const MATCH_POINTS = { SAME_TAX_ID: 60, SAME_DOMAIN: 40, SAME_NAME: 50, SIMILAR_NAME: 30 } as const;

/** The share of name words two names must have in common to be SIMILAR_NAME. */
const SIMILAR_NAME_OVERLAP = 0.5;

interface Keys {
  readonly name: string;
  readonly words: ReadonlySet<string>;
  readonly domain: string | null;
  readonly taxId: string | null;
}

function keysOf(record: MatchRecord): Keys {
  const name = normalizeName(record.name);
  return {
    name,
    words: new Set(name.split(' ').filter((w) => w !== '')),
    domain: webDomain(record.website),
    taxId: normalizeTaxId(record.taxId),
  };
}

function scoreKeys(a: Keys, b: Keys): MatchScore {
  const reasons: MatchReason[] = [];
  if (a.taxId !== null && a.taxId === b.taxId) reasons.push('SAME_TAX_ID');
  if (a.domain !== null && a.domain === b.domain) reasons.push('SAME_DOMAIN');
  if (a.name !== '' && a.name === b.name) reasons.push('SAME_NAME');
  else if (overlap(a.words, b.words) >= SIMILAR_NAME_OVERLAP) reasons.push('SIMILAR_NAME');
  return {
    score: Math.min(
      100,
      reasons.reduce((sum, reason) => sum + MATCH_POINTS[reason], 0),
    ),
    reasons,
  };
}

/** Shared words over all words (Jaccard). */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}

/** How alike two accounts are under the match rules. */
export function matchScore(a: MatchRecord, b: MatchRecord): MatchScore {
  return scoreKeys(keysOf(a), keysOf(b));
}

export interface MatchCandidate extends MatchScore {
  readonly left: MatchRecord;
  readonly right: MatchRecord;
}

/**
 * The pairs of one record of `left` and one of `right` (two systems) scoring at least `minScore`,
 * best first (then by ids). Only pairs sharing a tax id, a domain or a name word are scored, so
 * two CRMs of thousands of accounts are compared in about the time of reading them.
 */
export function matchCandidates(left: readonly MatchRecord[], right: readonly MatchRecord[], minScore: number): MatchCandidate[] {
  const rightKeys = right.map((record) => ({ record, keys: keysOf(record) }));
  const index = new Map<string, number[]>();
  rightKeys.forEach(({ keys }, position) => {
    for (const key of blockingKeys(keys, () => true)) {
      const list = index.get(key);
      if (list) list.push(position);
      else index.set(key, [position]);
    }
  });
  // A word most names share ("education", "capital") pairs everything with everything: a name is
  // looked up by its rarer words (its rarest when it has no rare one), its whole name, domain and tax id.
  const frequency = (word: string) => index.get(`w:${word}`)?.length ?? 0;
  const candidates: MatchCandidate[] = [];
  for (const record of left) {
    const keys = keysOf(record);
    const rarest = Math.min(...[...keys.words].map(frequency));
    const seen = new Set<number>();
    const searched = (word: string) => frequency(word) <= Math.max(COMMON_WORD, rarest);
    for (const key of blockingKeys(keys, searched)) for (const position of index.get(key) ?? []) seen.add(position);
    for (const position of seen) {
      const other = rightKeys[position]!;
      if (other.record.system === record.system) continue;
      const score = scoreKeys(keys, other.keys);
      if (score.score >= minScore && score.score > 0) candidates.push({ left: record, right: other.record, ...score });
    }
  }
  return candidates.sort((a, b) => b.score - a.score || compare(a.left.id, b.left.id) || compare(a.right.id, b.right.id));
}

/** How many names of the other side a word may be in and still be looked up by. */
const COMMON_WORD = 50;

function blockingKeys(keys: Keys, searched: (word: string) => boolean): string[] {
  const out = [...keys.words].filter(searched).map((word) => `w:${word}`);
  out.push(`n:${keys.name}`);
  if (keys.domain !== null) out.push(`d:${keys.domain}`);
  if (keys.taxId !== null) out.push(`t:${keys.taxId}`);
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
