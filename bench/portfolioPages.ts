/**
 * What `bench/portfolio.ts` asks and computes, apart from the processes it runs: the portfolio
 * dashboard's query as a page (`first`/`after`), a client's walk over the pages of the active
 * projects, and the cost per project. `test/bench/portfolioPages.test.ts` checks them.
 */
import { MAX_PAGE_SIZE } from '../systems/kernel/pagination.ts';
import { PORTFOLIO } from './queries.ts';

/**
 * The portfolio dashboard (`PORTFOLIO` of `queries.ts`, the same fields) as one page of the active
 * projects. `Query.projects` answers at most MAX_PAGE_SIZE (500) nodes a request, so more is
 * paged with `after` the previous page's `endCursor`, as a client pages it.
 */
export const PORTFOLIO_PAGE = asPage(PORTFOLIO);

/** `query` with its `first: 500` made `$first`/`$after` and the page info selected; throws if its shape changed. */
function asPage(query: string): string {
  const page = query
    .replace('query Portfolio {', 'query PortfolioPage($first: Int!, $after: String) {')
    .replace(
      'first: 500) {\n    totalCount\n',
      'first: $first, after: $after) {\n    totalCount\n    pageInfo { hasNextPage endCursor }\n',
    );
  if (!page.includes('$after) {') || !page.includes('pageInfo'))
    throw new Error('bench/queries.ts PORTFOLIO changed: make PORTFOLIO_PAGE again');
  return page;
}

/** How many projects a walk asks for: a number, or every active project. */
export type PortfolioSize = number | 'all';

/** `--sizes 10,100,1000,all`, checked. */
export function parseSizes(text: string): PortfolioSize[] {
  return text.split(',').map((part) => {
    if (part === 'all') return 'all';
    const size = Number(part);
    if (!Number.isInteger(size) || size < 1)
      throw new TypeError(`--sizes takes positive whole numbers and "all"; got ${JSON.stringify(part)}`);
    return size;
  });
}

/** What one walk answered: the projects and the requests (pages) it took. */
export interface Walk {
  readonly projects: number;
  readonly pages: number;
}

/** Sends one page request (the query's variables) and resolves with the response body, parsed. */
export type PostPage = (variables: { first: number; after: string | null }) => Promise<unknown>;

interface PageBody {
  readonly data?: { projects?: { nodes: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null };
  readonly errors?: unknown;
}

/**
 * Asks the first `size` active projects ('all': every one) page by page, at most `maxPage` a
 * request, each page after the previous one's cursor, until it has them or there is no next page.
 * An answer with errors or without the connection rejects (the benchmark counts it as an error).
 */
export async function walkPortfolio(post: PostPage, size: PortfolioSize, maxPage: number = MAX_PAGE_SIZE): Promise<Walk> {
  let remaining = size === 'all' ? Number.POSITIVE_INFINITY : size;
  let after: string | null = null;
  let projects = 0;
  let pages = 0;
  while (remaining > 0) {
    const body = (await post({ first: Math.min(remaining, maxPage), after })) as PageBody;
    const connection = body.data?.projects;
    if (body.errors !== undefined || !connection) throw new Error(`page ${pages + 1}: ${JSON.stringify(body).slice(0, 300)}`);
    pages += 1;
    projects += connection.nodes.length;
    remaining -= connection.nodes.length;
    if (!connection.pageInfo.hasNextPage || connection.nodes.length === 0) break;
    after = connection.pageInfo.endCursor;
  }
  return { projects, pages };
}

/** CPU milliseconds per project answered (null without a CPU reading or without projects). */
export function cpuMsPerProject(cpuSeconds: number | null, projects: number): number | null {
  return cpuSeconds === null || projects === 0 ? null : (cpuSeconds * 1000) / projects;
}

/** `value` to `digits` decimals, or a dash where there is no value. */
export function figure(value: number | null, digits = 1): string {
  return value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** Lines of a table, the first column left-aligned and the others right-aligned. */
export function alignedTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)];
}
