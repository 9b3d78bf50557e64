/**
 * The part of SOQL the Salesforce stand-in answers, as Salesforce documents it
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm):
 * `SELECT field, Relationship.field, ... FROM Object [WHERE condition] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]`
 * and `SELECT COUNT() FROM Object [WHERE condition]`
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_count.htm),
 * conditions of `=`, `!=`, `<`, `>`, `<=`, `>=`, `IN (...)`, `NOT IN (...)`, `LIKE` (case-insensitive, `\%` and `\_`
 * literal) over string, number, boolean, null, date and datetime literals, joined by AND, OR, NOT and
 * parentheses. Anything else is a MALFORMED_QUERY, as Salesforce answers it.
 *
 * Order and comparison of text as the ORDER BY and comparison-operator pages say
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm,
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm):
 * case-insensitive (the English locale compares the upper-cased UTF-8 values), nulls first unless
 * `NULLS LAST`; the record id (`Id`), a case-sensitive unique field, compares and orders as it is.
 */

export interface SelectQuery {
  readonly fields: readonly string[];
  /** `SELECT COUNT()`: the answer is the number of matching records, no records. */
  readonly count: boolean;
  readonly object: string;
  readonly where: Condition | null;
  readonly orderBy: readonly { readonly field: string; readonly descending: boolean; readonly nullsLast: boolean }[];
  readonly limit: number | null;
}

export type Condition =
  | { readonly op: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly op: 'not'; readonly operand: Condition }
  | { readonly op: 'compare'; readonly field: string; readonly comparator: string; readonly value: Literal; readonly quoted: boolean }
  | { readonly op: 'in'; readonly field: string; readonly values: readonly Literal[] };

type Literal = string | number | boolean | null;

export class MalformedQuery extends Error {}

const TOKEN =
  /\s*(?:('(?:\\.|[^'\\])*')|(\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2}))|(\d{4}-\d{2}-\d{2})|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w.]*)|(!=|<=|>=|=|<|>|\(|\)|,))/y;

function tokenize(soql: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < soql.length) {
    if (/^\s*$/.test(soql.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(soql);
    if (!match) throw new MalformedQuery(`unexpected token at ${TOKEN.lastIndex}`);
    tokens.push(match[0].trim());
  }
  return tokens;
}

export function parseSoql(soql: string): SelectQuery {
  const tokens = tokenize(soql);
  let at = 0;
  const peek = () => tokens[at];
  const next = () => {
    const token = tokens[at++];
    if (token === undefined) throw new MalformedQuery('unexpected end of query');
    return token;
  };
  const keyword = (word: string) => {
    if (peek()?.toUpperCase() === word) {
      at += 1;
      return true;
    }
    return false;
  };
  const expect = (word: string) => {
    if (!keyword(word)) throw new MalformedQuery(`expected ${word}, got ${peek() ?? 'the end'}`);
  };
  const literal = (): Literal => {
    const token = next();
    if (token.startsWith("'")) return token.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === '%' || c === '_' ? `\\${c}` : c));
    if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
    if (/^\d{4}-\d{2}-\d{2}/.test(token)) return token;
    if (token.toLowerCase() === 'null') return null;
    if (token.toLowerCase() === 'true' || token.toLowerCase() === 'false') return token.toLowerCase() === 'true';
    throw new MalformedQuery(`unexpected ${token}`);
  };
  const primary = (): Condition => {
    if (keyword('NOT')) return { op: 'not', operand: primary() };
    if (peek() === '(') {
      at += 1;
      const inner = disjunction();
      expect(')');
      return inner;
    }
    const field = next();
    const negated = keyword('NOT');
    if (negated || keyword('IN')) {
      if (negated) expect('IN');
      expect('(');
      const values: Literal[] = [literal()];
      while (keyword(',')) values.push(literal());
      expect(')');
      const list: Condition = { op: 'in', field, values };
      return negated ? { op: 'not', operand: list } : list;
    }
    const comparator = next().toUpperCase();
    if (!['=', '!=', '<', '>', '<=', '>=', 'LIKE'].includes(comparator)) throw new MalformedQuery(`unexpected ${comparator}`);
    const quoted = peek()?.startsWith("'") === true;
    return { op: 'compare', field, comparator, value: literal(), quoted };
  };
  const conjunction = (): Condition => {
    let left = primary();
    while (keyword('AND')) left = { op: 'and', left, right: primary() };
    return left;
  };
  const disjunction = (): Condition => {
    let left = conjunction();
    while (keyword('OR')) left = { op: 'or', left, right: conjunction() };
    return left;
  };

  expect('SELECT');
  const count = peek()?.toUpperCase() === 'COUNT' && tokens[at + 1] === '(' && tokens[at + 2] === ')';
  const fields: string[] = [];
  if (count) at += 3;
  else {
    fields.push(next());
    while (keyword(',')) fields.push(next());
  }
  expect('FROM');
  const object = next();
  const where = keyword('WHERE') ? disjunction() : null;
  const orderBy: { field: string; descending: boolean; nullsLast: boolean }[] = [];
  if (keyword('ORDER')) {
    if (count) throw new MalformedQuery('COUNT() cannot be ordered');
    expect('BY');
    do {
      const field = next();
      const descending = keyword('DESC');
      if (!descending) keyword('ASC');
      let nullsLast = false;
      if (keyword('NULLS')) {
        nullsLast = keyword('LAST');
        if (!nullsLast) expect('FIRST');
      }
      orderBy.push({ field, descending, nullsLast });
    } while (keyword(','));
  }
  const limit = keyword('LIMIT') ? Number(next()) : null;
  if (limit !== null && !(Number.isInteger(limit) && limit >= 0)) throw new MalformedQuery(`LIMIT must be a non-negative integer`);
  if (at !== tokens.length) throw new MalformedQuery(`unexpected ${peek()}`);
  return { fields, count, object, where, orderBy, limit };
}

/** Whether a record (read through `value`, which follows relationships) matches `condition`. */
export function matches(condition: Condition, value: (field: string) => unknown): boolean {
  switch (condition.op) {
    case 'and':
      return matches(condition.left, value) && matches(condition.right, value);
    case 'or':
      return matches(condition.left, value) || matches(condition.right, value);
    case 'not':
      return !matches(condition.operand, value);
    case 'in':
      return condition.values.some((literal) => equal(value(condition.field), literal));
    case 'compare': {
      const actual = value(condition.field);
      const expected = condition.value;
      if (condition.comparator === '=') return equal(actual, expected);
      if (condition.comparator === '!=') return !equal(actual, expected);
      if (condition.comparator === 'LIKE') return typeof actual === 'string' && likePattern(String(expected)).test(actual);
      if (actual === null || actual === undefined || expected === null) return false;
      if (condition.quoted) {
        const order = compareText(condition.field, String(actual), String(expected));
        return condition.comparator === '<'
          ? order < 0
          : condition.comparator === '>'
            ? order > 0
            : condition.comparator === '<='
              ? order <= 0
              : order >= 0;
      }
      const [a, b] = typeof expected === 'number' ? [Number(actual), expected] : [instant(String(actual)), instant(String(expected))];
      return condition.comparator === '<' ? a < b : condition.comparator === '>' ? a > b : condition.comparator === '<=' ? a <= b : a >= b;
    }
  }
}

/** Sorts `rows` by the query's ORDER BY (stable: ties keep their order), reading fields through `value`. */
export function ordered<R>(rows: readonly R[], orderBy: SelectQuery['orderBy'], value: (row: R, field: string) => unknown): R[] {
  return [...rows].sort((a, b) => {
    for (const order of orderBy) {
      const [x, y] = [value(a, order.field), value(b, order.field)];
      const [xNull, yNull] = [x === null || x === undefined, y === null || y === undefined];
      if (xNull || yNull) {
        if (xNull && yNull) continue;
        return (xNull ? -1 : 1) * (order.nullsLast ? -1 : 1);
      }
      const sign = order.descending ? -1 : 1;
      const compared = typeof x === 'number' && typeof y === 'number' ? x - y : compareText(order.field, String(x), String(y));
      if (compared !== 0) return sign * compared;
    }
    return 0;
  });
}

/** Text as Salesforce orders and compares it in an English locale: upper-cased, except the record id (case-sensitive). */
function compareText(field: string, a: string, b: string): number {
  const [x, y] = field === 'Id' ? [a, b] : [a.toUpperCase(), b.toUpperCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}

function equal(actual: unknown, expected: Literal): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof expected === 'boolean') return actual === expected;
  if (typeof expected === 'number') return Number(actual) === expected;
  return actual === expected;
}

/** SOQL datetimes compare as instants (`2026-03-02T09:00:00.000+0000` = `2026-03-02T09:00:00Z`). */
function instant(text: string): number {
  return Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function likePattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]!);
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 'is');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
