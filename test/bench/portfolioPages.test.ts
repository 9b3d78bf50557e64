/**
 * The portfolio benchmark's client (bench/portfolioPages.ts): how it pages the active projects
 * (`first` at most 500 a request, `after` the previous page's cursor), what it counts, and the cost
 * per project it prints (README "Portfolio dashboard").
 */
import { describe, expect, it } from 'vitest';
import {
  alignedTable,
  cpuMsPerProject,
  figure,
  parseSizes,
  PORTFOLIO_PAGE,
  walkPortfolio,
  type PostPage,
} from '../../bench/portfolioPages.ts';

/** A server of `total` projects paged by index: the cursor is the index of the last node sent. */
function pagedServer(total: number): { post: PostPage; asked: { first: number; after: string | null }[] } {
  const asked: { first: number; after: string | null }[] = [];
  const post: PostPage = async (variables) => {
    asked.push(variables);
    const start = variables.after === null ? 0 : Number(variables.after) + 1;
    const end = Math.min(total, start + variables.first);
    const nodes = Array.from({ length: end - start }, (_, i) => ({ code: `P${start + i}` }));
    return {
      data: {
        projects: { totalCount: total, pageInfo: { hasNextPage: end < total, endCursor: end > start ? String(end - 1) : null }, nodes },
      },
    };
  };
  return { post, asked };
}

describe('PORTFOLIO_PAGE', () => {
  it('is the dashboard query of bench/queries.ts with its page size and cursor as variables', () => {
    expect(PORTFOLIO_PAGE).toBe(`query PortfolioPage($first: Int!, $after: String) {
  projects(filter: { status: [ACTIVE] }, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      code name
      customer { name }
      contract { totalContractValue { amount currency } }
      staffCount
      billedToDate { amount currency }
    }
  }
}`);
  });
});

describe('walkPortfolio', () => {
  it('asks first 10 in one request', async () => {
    const server = pagedServer(2086);
    expect(await walkPortfolio(server.post, 10)).toEqual({ projects: 10, pages: 1 });
    expect(server.asked).toEqual([{ first: 10, after: null }]);
  });

  it("pages 1,000 as two requests of 500, the second after the first one's cursor", async () => {
    const server = pagedServer(2086);
    expect(await walkPortfolio(server.post, 1000)).toEqual({ projects: 1000, pages: 2 });
    expect(server.asked).toEqual([
      { first: 500, after: null },
      { first: 500, after: '499' },
    ]);
  });

  it('walks all the projects until there is no next page', async () => {
    const server = pagedServer(2086);
    expect(await walkPortfolio(server.post, 'all')).toEqual({ projects: 2086, pages: 5 });
    expect(server.asked.map((a) => a.after)).toEqual([null, '499', '999', '1499', '1999']);
    expect(server.asked.every((a) => a.first === 500)).toBe(true);
  });

  it('stops at the last project when fewer than asked exist, and asks all of `m` in one request', async () => {
    expect(await walkPortfolio(pagedServer(220).post, 1000)).toEqual({ projects: 220, pages: 1 });
    expect(await walkPortfolio(pagedServer(220).post, 'all')).toEqual({ projects: 220, pages: 1 });
    expect(await walkPortfolio(pagedServer(0).post, 'all')).toEqual({ projects: 0, pages: 1 });
  });

  it('honours a smaller page size', async () => {
    const server = pagedServer(25);
    expect(await walkPortfolio(server.post, 'all', 10)).toEqual({ projects: 25, pages: 3 });
    expect(server.asked.map((a) => a.first)).toEqual([10, 10, 10]);
  });

  it('rejects an answer with errors or without the connection', async () => {
    const failing: PostPage = async () => ({ data: { projects: null }, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] });
    await expect(walkPortfolio(failing, 10)).rejects.toThrow(
      'page 1: {"data":{"projects":null},"errors":[{"message":"no","extensions":{"code":"FORBIDDEN"}}]}',
    );
    await expect(walkPortfolio(async () => ({}), 10)).rejects.toThrow('page 1: {}');
  });
});

describe('the figures', () => {
  it('parses the sizes', () => {
    expect(parseSizes('10,100,1000,all')).toEqual([10, 100, 1000, 'all']);
    expect(() => parseSizes('10,0')).toThrow('--sizes takes positive whole numbers and "all"; got "0"');
    expect(() => parseSizes('ten')).toThrow('--sizes takes positive whole numbers and "all"; got "ten"');
  });

  it('prices CPU per project answered', () => {
    expect(cpuMsPerProject(0.5, 2000)).toBe(0.25);
    expect(cpuMsPerProject(null, 2000)).toBeNull();
    expect(cpuMsPerProject(0.5, 0)).toBeNull();
  });

  it('prints figures and aligned tables', () => {
    expect(figure(146.94)).toBe('146.9');
    expect(figure(0.2821, 0)).toBe('0');
    expect(figure(null)).toBe('–');
    expect(figure(Number.NaN)).toBe('–');
    expect(
      alignedTable(
        ['case', 'p50'],
        [
          ['m all', '20.1'],
          ['l first 10', '3.5'],
        ],
      ),
    ).toEqual(['case         p50', '----------  ----', 'm all       20.1', 'l first 10   3.5']);
  });
});
