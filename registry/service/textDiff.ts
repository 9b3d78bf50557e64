/**
 * A unified line diff (`--- crm v3`, `+++ crm v4`, `@@ -a,b +c,d @@` hunks with three lines of
 * context), the way `diff -u` and `git diff` show it, for the registry's version diffs.
 * The edit script is a longest common subsequence of the lines, computed on what lies between
 * the common head and tail (a schema change usually touches a few lines of a long file).
 */

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

const CONTEXT = 3;
/**
 * Above this many cells the LCS table would cost more memory than a diff is worth: the changed
 * middle is then shown as removed and added whole (still a correct diff, just not the shortest).
 */
const MAX_TABLE_CELLS = 16_000_000;

/** The unified diff of `before` and `after`; '' when they are equal. */
export function unifiedDiff(before: string, after: string, beforeLabel: string, afterLabel: string): string {
  const a = linesOf(before);
  const b = linesOf(after);
  const ops = editScript(a, b);
  if (ops.every((op) => op.kind === ' ')) return '';
  return [`--- ${beforeLabel}`, `+++ ${afterLabel}`, ...hunks(ops)].join('\n') + '\n';
}

function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const same = (lines: readonly string[]) => lines.map((line): Op => ({ kind: ' ', line }));
  return [
    ...same(a.slice(0, head)),
    ...middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...same(a.slice(a.length - tail)),
  ];
}

/** The LCS edit script of two line lists with no common head or tail. */
function middle(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const removed = a.map((line): Op => ({ kind: '-', line }));
  const added = b.map((line): Op => ({ kind: '+', line }));
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_TABLE_CELLS) return [...removed, ...added];
  // lcs[i * (m + 1) + j]: the LCS length of a[i..] and b[j..].
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++]! });
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) {
      ops.push({ kind: '-', line: a[i++]! });
    } else {
      ops.push({ kind: '+', line: b[j++]! });
    }
  }
  while (i < n) ops.push({ kind: '-', line: a[i++]! });
  while (j < m) ops.push({ kind: '+', line: b[j++]! });
  return ops;
}

/** Groups the script into hunks: each change with CONTEXT lines around it, close ones merged. */
function hunks(ops: readonly Op[]): string[] {
  const changes = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const out: string[] = [];
  let start = 0;
  while (start < changes.length) {
    let end = start;
    // Two changes whose contexts touch or overlap share a hunk.
    while (end + 1 < changes.length && changes[end + 1]! - changes[end]! <= 2 * CONTEXT + 1) end++;
    const from = Math.max(0, changes[start]! - CONTEXT);
    const to = Math.min(ops.length, changes[end]! + CONTEXT + 1);
    out.push(...hunk(ops, from, to));
    start = end + 1;
  }
  return out;
}

function hunk(ops: readonly Op[], from: number, to: number): string[] {
  // Line numbers (1-based) where the hunk starts in each file: the lines before it, plus one.
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops.slice(0, from)) {
    if (op.kind !== '+') oldLine++;
    if (op.kind !== '-') newLine++;
  }
  const body = ops.slice(from, to);
  const oldCount = body.filter((op) => op.kind !== '+').length;
  const newCount = body.filter((op) => op.kind !== '-').length;
  // diff -u's conventions: an empty side names the line before the hunk; a count of 1 is left out.
  const range = (line: number, count: number) => (count === 1 ? `${line}` : `${count === 0 ? line - 1 : line},${count}`);
  return [`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`, ...body.map((op) => `${op.kind}${op.line}`)];
}
