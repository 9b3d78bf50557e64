/**
 * The project documents its own domain in docs/, and the code cites it by heading anchor. This
 * suite keeps the two together: every docs page the index names exists, every citation of a docs
 * page in a TypeScript file (and every link between docs pages) resolves to a heading of that page,
 * and the error page lists the whole error catalog as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../core/errors.ts';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const DOCS = path.join(ROOT, 'docs');
/** Folders that hold no source of ours. */
const SKIPPED = new Set(['node_modules', 'data', 'coverage', 'dist']);

/** The pages the issue asks for; the index may name more. */
const REQUIRED_PAGES = [
  'README.md',
  'model.md',
  'ownership.md',
  'state-machines.md',
  'capabilities.md',
  'invariants.md',
  'errors.md',
  'metrics.md',
  'demo-data.md',
];

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** Every file under `dir` whose name ends with `extension`, skipping dot folders and SKIPPED. */
function filesUnder(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full, extension);
    return entry.name.endsWith(extension) ? [full] : [];
  });
}

/** GitHub's anchor of a heading: markup dropped, lower case, punctuation removed, spaces to '-'. */
function anchorOf(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a markdown page, outside code fences; repeated headings get -1, -2, ... as on GitHub. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = anchorOf(heading[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

interface Citation {
  readonly from: string;
  readonly page: string;
  readonly anchor: string | null;
}

function anchorsOfPage(page: string): Set<string> | null {
  const file = path.join(DOCS, page);
  return fs.existsSync(file) ? anchorsOf(read(file)) : null;
}

function unresolved(citations: readonly Citation[]): string[] {
  return citations.flatMap((citation) => {
    const anchors = anchorsOfPage(citation.page);
    if (anchors === null) return [`${citation.from}: docs/${citation.page} does not exist`];
    if (citation.anchor !== null && !anchors.has(citation.anchor)) {
      return [`${citation.from}: docs/${citation.page} has no heading #${citation.anchor}`];
    }
    return [];
  });
}

describe('docs/', () => {
  it('has every page the issue asks for, and every page its index names', () => {
    const index = read(path.join(DOCS, 'README.md'));
    const named = [...index.matchAll(/\]\(([a-z-]+\.md)\)/g)].map((match) => match[1]!);
    for (const page of [...REQUIRED_PAGES, ...named]) expect(fs.existsSync(path.join(DOCS, page)), `docs/${page}`).toBe(true);
    for (const page of REQUIRED_PAGES.filter((p) => p !== 'README.md')) expect(named, `the index names ${page}`).toContain(page);
  });

  it('resolves every docs citation in the TypeScript sources to a heading', () => {
    const citations = filesUnder(ROOT, '.ts').flatMap((file) =>
      [...read(file).matchAll(/docs\/([a-z-]+\.md)(?:#([a-z0-9-]+))?/g)].map((match) => ({
        from: path.relative(ROOT, file),
        page: match[1]!,
        anchor: match[2] ?? null,
      })),
    );
    // The code does cite the docs (a broken pattern must not pass by finding nothing).
    expect(citations.length).toBeGreaterThan(40);
    expect(unresolved(citations)).toEqual([]);
  });

  it('resolves every link between docs pages', () => {
    const citations = filesUnder(DOCS, '.md').flatMap((file) =>
      [...read(file).matchAll(/\]\(([a-z-]+\.md)?(?:#([^)\s]+))?\)/g)]
        .filter((match) => match[1] !== undefined || match[2] !== undefined)
        .map((match) => ({ from: path.relative(ROOT, file), page: match[1] ?? path.basename(file), anchor: match[2] ?? null })),
    );
    expect(unresolved(citations)).toEqual([]);
  });

  it('lists every code of the error catalog with its status, action and meaning', () => {
    const rows = new Map(
      [...read(path.join(DOCS, 'errors.md')).matchAll(/^\| `([A-Z0-9_]+)` \| (\d+) \| ([a-z]+) \| (.+?) \| (.+) \|$/gm)].map((match) => [
        match[1]!,
        { status: Number(match[2]), action: match[3], meaning: match[4], raisedBy: match[5]! },
      ]),
    );
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      const expected = { status: entry.status, action: entry.action, meaning: entry.meaning, raisedBy: expect.any(String) };
      expect(rows.get(code), code).toEqual(expected);
    }
    expect([...rows.keys()].filter((code) => !Object.hasOwn(ERROR_CODES, code))).toEqual([]);
  });
});

describe('anchorOf', () => {
  it('makes the anchors GitHub makes', () => {
    expect(anchorOf('Timecard and billing status')).toBe('timecard-and-billing-status');
    expect(anchorOf('INV-11')).toBe('inv-11');
    expect(anchorOf('`ContractLine`')).toBe('contractline');
    expect(anchorOf('Billing draft & invoice (v2)')).toBe('billing-draft--invoice-v2');
    expect([...anchorsOf('## Fixtures\n```\n## not a heading\n```\n## Fixtures\n')]).toEqual(['fixtures', 'fixtures-1']);
  });
});
