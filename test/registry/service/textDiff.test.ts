/** The registry's unified diff, checked against what GNU `diff -u` prints for the same files (headers aside). */
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../../registry/service/textDiff.ts';

const text = (...lines: string[]) => lines.map((line) => `${line}\n`).join('');
const diff = (before: string, after: string) => unifiedDiff(before, after, 'crm v3', 'crm v4');

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(diff(text('a', 'b'), text('a', 'b'))).toBe('');
  });

  it('keeps three lines of context and splits changes far apart into hunks', () => {
    const before = text('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm');
    const after = text('a', 'B', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n');
    expect(diff(before, after)).toBe(
      text('--- crm v3', '+++ crm v4', '@@ -1,5 +1,5 @@', ' a', '-b', '+B', ' c', ' d', ' e', '@@ -11,3 +11,4 @@', ' k', ' l', ' m', '+n'),
    );
  });

  it('merges changes at most six lines apart into one hunk, and splits them at seven', () => {
    const before = text('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
    expect(diff(before, text('A', 'b', 'c', 'd', 'e', 'f', 'g', 'I', 'i', 'j'))).toBe(
      text('--- crm v3', '+++ crm v4', '@@ -1,10 +1,10 @@', '-a', '+A', ' b', ' c', ' d', ' e', ' f', ' g', '-h', '+I', ' i', ' j'),
    );
    expect(diff(before, text('A', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'I', 'j'))).toBe(
      text(
        '--- crm v3',
        '+++ crm v4',
        '@@ -1,4 +1,4 @@',
        '-a',
        '+A',
        ' b',
        ' c',
        ' d',
        '@@ -6,5 +6,5 @@',
        ' f',
        ' g',
        ' h',
        '-i',
        '+I',
        ' j',
      ),
    );
  });

  it('numbers an insertion and a removal in the middle like diff -u', () => {
    expect(diff(text('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), text('a', 'b', 'X', 'c', 'd', 'e', 'f', 'g', 'h'))).toBe(
      text('--- crm v3', '+++ crm v4', '@@ -1,5 +1,6 @@', ' a', ' b', '+X', ' c', ' d', ' e'),
    );
    expect(diff(text('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'), text('a', 'b', 'c', 'd', 'f', 'g', 'h', 'i'))).toBe(
      text('--- crm v3', '+++ crm v4', '@@ -2,7 +2,6 @@', ' b', ' c', ' d', '-e', ' f', ' g', ' h'),
    );
  });

  it('names the line before an empty side and leaves out a count of one', () => {
    expect(diff(text('x'), '')).toBe(text('--- crm v3', '+++ crm v4', '@@ -1 +0,0 @@', '-x'));
    expect(diff('', text('x', 'y'))).toBe(text('--- crm v3', '+++ crm v4', '@@ -0,0 +1,2 @@', '+x', '+y'));
  });

  it('keeps a longest common subsequence of the lines', () => {
    expect(diff(text('a', 'b', 'c'), text('c', 'b', 'a'))).toBe(
      text('--- crm v3', '+++ crm v4', '@@ -1,3 +1,3 @@', '-a', '-b', ' c', '+b', '+a'),
    );
    expect(diff(text('type A {', '  x: Int', '  y: Int', '}'), text('type A {', '  y: Int', '  z: Int', '}'))).toBe(
      text('--- crm v3', '+++ crm v4', '@@ -1,4 +1,4 @@', ' type A {', '-  x: Int', '   y: Int', '+  z: Int', ' }'),
    );
  });
});
