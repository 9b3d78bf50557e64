/**
 * The differential verdict: both gateways gave the same HTTP status and the same body (deep equal,
 * then the same text once parsed and written again, which also compares the key order of `data`
 * and of each error), and the plan executor made at most as many requests to each subgraph. Each
 * failure names the fixture, the query, its variables and faults, and shows where the bodies part.
 *
 * Two differences are allowed (docs/executor.md#equivalence): the order of errors from different
 * fetches (`@apollo/gateway` lists them in the order its subgraph answers came in, the plan
 * executor by level and plan order; the errors themselves must be identical), and, after a merged
 * entity request was answered `data: null` (a whole `_entities` field failed), the fetches it
 * carried sent again one by one.
 */
import { expect } from 'vitest';
import type { Fault } from './faults.ts';
import type { Comparison } from './harness.ts';

/** A body as its text once parsed and written again: what must be identical, key order included. */
function canonical(body: unknown, text: string): string {
  return body === undefined ? text : JSON.stringify(body);
}

/** Whether the bodies are the same but for the order of their errors. */
function onlyErrorOrderDiffers(apollo: unknown, plan: unknown): boolean {
  const sorted = (body: unknown) => {
    const { errors, ...rest } = (body ?? {}) as { errors?: unknown[] };
    return JSON.stringify({ ...rest, errors: errors?.map((error) => JSON.stringify(error)).sort() });
  };
  return sorted(apollo) === sorted(plan);
}

/** A body for a line diff: each top-level key in its order, `errors` one error a line, the rest pretty. */
function diffable(body: unknown, text: string): string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body === undefined ? text : JSON.stringify(body, null, 2);
  return Object.entries(body)
    .flatMap(([key, value]) =>
      key === 'errors' && Array.isArray(value)
        ? ['errors:', ...value.map((error) => `  ${JSON.stringify(error)}`)]
        : [
            `${key}:`,
            ...JSON.stringify(value, null, 2)
              .split('\n')
              .map((line) => `  ${line}`),
          ],
    )
    .join('\n');
}

/** What a difference is, when it is only one of order. */
function orderHint(apollo: unknown, plan: unknown): string {
  const sorted = (body: unknown) => {
    const { errors, ...rest } = (body ?? {}) as { errors?: unknown[] };
    return JSON.stringify({ ...rest, errors: errors?.map((error) => JSON.stringify(error)).sort() });
  };
  const keySorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(keySorted)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([key, child]) => [key, keySorted(child)]),
          )
        : value;
  if (JSON.stringify(keySorted(apollo)) === JSON.stringify(keySorted(plan))) return '\n(the same content: only the key order differs)';
  if (sorted(apollo) === sorted(plan)) return '\n(the same data and errors: only the order of the errors differs)';
  return '';
}

/** The most diff lines a failure shows. */
const DIFF_LINES = 80;
/** Above this many differing lines on a side, the diff shows both sides whole instead of aligning them. */
const ALIGNED_LINES = 3000;

/** The lines in which `a` and `b` differ, aligned on their longest common subsequence. */
function alignedLines(a: readonly string[], b: readonly string[]): string[] {
  if (a.length > ALIGNED_LINES || b.length > ALIGNED_LINES) return [...a.map((line) => `- ${line}`), ...b.map((line) => `+ ${line}`)];
  const width = b.length + 1;
  const common = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i * width + j] =
        a[i] === b[j] ? common[(i + 1) * width + j + 1]! + 1 : Math.max(common[(i + 1) * width + j]!, common[i * width + j + 1]!);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(`  ${a[i]}`);
      i += 1;
      j += 1;
    } else if (j < b.length && (i === a.length || common[i * width + j + 1]! >= common[(i + 1) * width + j]!)) {
      lines.push(`+ ${b[j]}`);
      j += 1;
    } else {
      lines.push(`- ${a[i]}`);
      i += 1;
    }
  }
  return lines;
}

/** Where `apollo` and `plan` differ, line by line with three lines of context: `-` apollo, `+` plan. */
export function lineDiff(apollo: string, plan: string): string {
  const a = apollo.split('\n');
  const b = plan.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1;
  if (start === a.length && start === b.length) return '(no difference)';
  const from = Math.max(0, start - 3);
  const lines = [
    ...a.slice(from, start).map((line) => `  ${line}`),
    ...alignedLines(a.slice(start, a.length - end), b.slice(start, b.length - end)),
    ...a.slice(a.length - end, a.length - end + 3).map((line) => `  ${line}`),
  ];
  const cut = lines.length > DIFF_LINES ? [`... ${lines.length - DIFF_LINES} more lines`] : [];
  return [`@@ line ${from + 1} @@`, ...lines.slice(0, DIFF_LINES), ...cut].join('\n');
}

function describeFault(fault: Fault): string {
  if ('coordinate' in fault)
    return `${fault.subgraph} ${fault.coordinate} ${fault.error ? `throws "${fault.error.message}"` : 'is null'}${fault.where ? ` where ${fault.where.which}` : ''}`;
  return `${fault.subgraph}${fault.only ? ` (${fault.only} fetches)` : ''} answers ${JSON.stringify(fault.answer)}`;
}

/** The request, faults and subgraph requests of `comparison`, for a failure message. */
export function describeComparison(comparison: Comparison): string {
  const { request, faults, apollo, plan } = comparison;
  return [
    `fixture ${comparison.fixture}, query:`,
    request.query,
    `variables: ${JSON.stringify(request.variables ?? {})}${request.operationName ? `, operationName: ${request.operationName}` : ''}`,
    ...faults.map((fault) => `fault: ${describeFault(fault)}`),
    `subgraph requests: apollo ${JSON.stringify(apollo.requests)}, plan ${JSON.stringify(plan.requests)}`,
  ].join('\n');
}

/** Fails unless both gateways answered alike (status, body, key order) and plan fetched no more than apollo. */
export function expectSame(comparison: Comparison): void {
  const { apollo, plan } = comparison;
  const about = describeComparison(comparison);
  const sameBody = canonical(apollo.body, apollo.text) === canonical(plan.body, plan.text);
  if (apollo.status !== plan.status || (!sameBody && !onlyErrorOrderDiffers(apollo.body, plan.body))) {
    const diff = lineDiff(diffable(apollo.body, apollo.text), diffable(plan.body, plan.text));
    const hint = orderHint(apollo.body, plan.body);
    expect.fail(`${about}\nstatus: apollo ${apollo.status}, plan ${plan.status}${hint}\nbody (- apollo, + plan):\n${diff}`);
  }
  // Root mutation fields run one after another: the mutation fetches go out in the same order.
  const mutations = (answer: typeof apollo) =>
    answer.fetches.filter((fetch) => fetch.query.startsWith('mutation')).map((fetch) => fetch.subgraph);
  expect(mutations(plan), `${about}\nthe order of the mutation fetches`).toEqual(mutations(apollo));
  // A merged request answered without data is followed by its fetches one by one: at most one request more per merged one.
  const merged = (subgraph: string) =>
    plan.fetches.filter((fetch) => fetch.subgraph === subgraph && fetch.query.includes('_1:_entities(')).length;
  for (const [subgraph, count] of Object.entries(plan.requests)) {
    if (count > (apollo.requests[subgraph] ?? 0) + merged(subgraph)) {
      expect.fail(`${about}\nthe plan executor made ${count} requests to ${subgraph}, apollo ${apollo.requests[subgraph] ?? 0}`);
    }
  }
}

/** Subgraph requests per executor over a run, printed at the end of a file (issue 14 reports requests per query). */
export class RequestTally {
  private readonly totals = { queries: 0, apollo: 0, plan: 0 };

  add(comparison: Comparison): Comparison {
    const sum = (requests: Readonly<Record<string, number>>) => Object.values(requests).reduce((total, count) => total + count, 0);
    this.totals.queries += 1;
    this.totals.apollo += sum(comparison.apollo.requests);
    this.totals.plan += sum(comparison.plan.requests);
    return comparison;
  }

  report(label: string): string {
    const { queries, apollo, plan } = this.totals;
    return `${label}: ${queries} requests compared; subgraph requests apollo ${apollo}, plan ${plan}`;
  }
}
