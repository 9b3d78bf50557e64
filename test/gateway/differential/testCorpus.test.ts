/**
 * Every query of the project's own tests through both executors (issue 14, docs/executor.md#equivalence):
 * the query documents found in `test/**\/*.ts`, `bench/queries.ts` and the README's ```graphql blocks
 * (testCorpus.ts), each operation sent by two callers (every scope the schema's policies name, and
 * `psa:read` alone, so fields are denied) to two embedded Tesseras over one seeded store, one per
 * executor. Status and body text must be identical.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClientSchema, getIntrospectionQuery, Kind, parse, print, type IntrospectionQuery } from 'graphql';
import * as benchQueries from '../../../bench/queries.ts';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { expectSame, RequestTally } from './assertions.ts';
import type { Answer } from './harness.ts';
import { buildCorpus, readmeLiterals, variablesFor, type CorpusCase, type Seeds } from './testCorpus.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The least number of cases the corpus may have: it extracts 234 today (2026-12);
 * 80% of that, so that a change to the extraction (or to the tests) that loses many documents fails here.
 */
const FLOOR = 185;
/**
 * The share of the all-scopes caller's cases that must answer without an error, so that the
 * generated variables reach data (226 of 234 did when this was written; the others are the tests'
 * deliberate refusals: ids that do not exist, bounds, bad dates).
 */
const ANSWERED_SHARE = 0.9;

/** Every scope a `@requiresScopes` of the schema names, but the gateway's own `tessera:system`. */
function schemaScopes(): string[] {
  const scopes = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.graphql')) {
        for (const [, list] of fs.readFileSync(file, 'utf8').matchAll(/@requiresScopes\(scopes: (\[[^)]*\])\)/g)) {
          for (const [, scope] of list!.matchAll(/"([^"]+)"/g)) scopes.add(scope!);
        }
      }
    }
  };
  walk(path.join(ROOT, 'schema'));
  scopes.delete('tessera:system');
  return [...scopes].sort();
}

const CALLERS = {
  'all scopes': { sub: 'corpus-all', scope: schemaScopes().join(' '), legal_entities: '*' },
  'psa:read only': { sub: 'corpus-narrow', scope: 'psa:read', legal_entities: '*' },
} satisfies Record<string, PrincipalClaims>;
type Caller = keyof typeof CALLERS;

/**
 * Records of the seed, each with `__typename`: the first of each type is the id a variable of that
 * type gets. The project is a staffed, billable, active one, as projectQueries.test.ts's `ids()`.
 */
const SEEDS = `query Seeds {
  projects(filter: { status: [ACTIVE], type: [CUSTOMER_BILLABLE] }, first: 50) {
    nodes {
      __typename id
      legalEntity { __typename id }
      customer { __typename id opportunities { __typename id } contacts { __typename id } contracts { __typename id } }
      contract { __typename id }
      assignments(status: [CONFIRMED, ACTIVE]) { __typename id resource { __typename id } role { __typename id } }
      timecards(first: 1) { __typename id weekStart }
      invoices { __typename id payments { payment { __typename id } } }
      billingDrafts { __typename id }
      milestones { __typename id }
      expenses(first: 1) { nodes { __typename id } }
    }
  }
  rateCards { __typename id }
}`;

interface SeedProject {
  id: string;
  customer: { id: string } | null;
  assignments: { resource: { id: string } | null }[];
  timecards: { weekStart: string }[];
}

/** The first id of each `__typename` in `value`, depth first. */
function idsByType(value: unknown, into = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) for (const item of value) idsByType(item, into);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.__typename === 'string' && typeof record.id === 'string' && !into.has(record.__typename)) {
      into.set(record.__typename, record.id);
    }
    for (const child of Object.values(record)) idsByType(child, into);
  }
  return into;
}

/** The subgraph requests an instance's gateway made (by URL, with their query), since the last case began. */
type FetchLog = { subgraph: string; query: string }[];
const fetched = { plan: [] as FetchLog, apollo: [] as FetchLog };
const recording =
  (log: FetchLog) =>
  (fetcher: Fetcher): Fetcher =>
  (url, init) => {
    log.push({ subgraph: url, query: typeof init?.body === 'string' ? ((JSON.parse(init.body) as { query?: string }).query ?? '') : '' });
    return fetcher(url, init);
  };

// The corpus is read against the API schema the gateway serves (introspected), so the cases are known
// before the tests are collected.
const store = tempSqliteStore();
const { plan, schema, corpus } = await (async () => {
  let instance: TestTessera | undefined;
  try {
    instance = await startTestTessera({ store, scale: 's', wrapFetcher: recording(fetched.plan) });
    const introspection = await instance.query(getIntrospectionQuery());
    const served = buildClientSchema(introspection.data as IntrospectionQuery);
    return { plan: instance, schema: served, corpus: buildCorpus(ROOT, served) };
  } catch (error) {
    await instance?.stop();
    await store.remove();
    throw error;
  }
})();
let apollo: TestTessera | undefined;
const tokens = new Map<TestTessera, Record<Caller, string>>();
let seeds: Seeds;

beforeAll(async () => {
  // The second instance finds the store seeded and serves the same records.
  apollo = await startTestTessera({ store, scale: 's', config: { executor: 'apollo' }, wrapFetcher: recording(fetched.apollo) });
  for (const instance of [plan, apollo]) {
    const entries = await Promise.all(
      Object.entries(CALLERS).map(async ([caller, claims]) => [caller, await instance.token(claims)] as const),
    );
    tokens.set(instance, Object.fromEntries(entries) as Record<Caller, string>);
  }
  const body = await plan.query(SEEDS);
  const nodes = (body.data as { projects: { nodes: SeedProject[] } }).projects.nodes;
  const project = nodes.find((node) => node.customer && node.assignments.some((assignment) => assignment.resource))!;
  // A month with time written: the week of its first timecard listed (another project's when it has none).
  const weekStart = [project, ...nodes].flatMap((node) => node.timecards)[0]?.weekStart ?? '2026-10-01';
  seeds = {
    // The chosen project's records first, then the others'.
    ids: idsByType([project, body.data]),
    fallbackId: project.id,
    month: weekStart.slice(0, 7),
  };
}, 120_000);
afterAll(async () => {
  await plan.stop();
  await apollo?.stop();
  await store.remove();
});

/** One instance's answer to a case, by a caller: HTTP status, the body as sent, and the subgraph requests made for it. */
async function answer(instance: TestTessera, log: FetchLog, request: Record<string, unknown>, caller: Caller): Promise<Answer> {
  log.length = 0;
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${tokens.get(instance)![caller]}`,
    },
    body: JSON.stringify(request),
  });
  const text = await response.text();
  const requests: Record<string, number> = {};
  for (const { subgraph } of log) requests[subgraph] = (requests[subgraph] ?? 0) + 1;
  return { status: response.status, text, body: JSON.parse(text) as unknown, requests, fetches: [...log] };
}

const tally = new RequestTally();
/** The all-scopes caller's cases, and those the plan executor answered without an error. */
const allScopes = { cases: 0, answered: 0 };
const rows = corpus.cases.flatMap((testCase) =>
  (Object.keys(CALLERS) as Caller[]).map((caller) => ({
    name: `${testCase.source}${testCase.operationName ? ` ${testCase.operationName}` : ''} (${caller})`,
    testCase,
    caller,
  })),
);

describe("every query of the project's tests through the plan executor and @apollo/gateway's", () => {
  it(`extracts at least ${FLOOR} cases, the README's examples and the benchmark's queries among them`, () => {
    const { skippedGraphqlLike, ...counts } = corpus.counts;
    console.log('test corpus', { ...counts, skippedGraphqlLike: skippedGraphqlLike.length });
    expect(corpus.cases.length).toBeGreaterThanOrEqual(FLOOR);
    const documents = new Set(corpus.cases.map((testCase) => testCase.document));
    const readme = readmeLiterals(ROOT).map((example) => print(parse(example.text)));
    const bench = (Object.values(benchQueries) as unknown[])
      .filter((value): value is string => typeof value === 'string')
      .map((text) => parse(text))
      .filter((document) => document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION))
      .map((document) => print(document));
    expect(readme.length).toBeGreaterThan(0);
    expect(bench.length).toBeGreaterThan(0);
    expect([...readme, ...bench].filter((document) => !documents.has(document))).toEqual([]);
  });

  it.each(rows)('$name', async ({ testCase, caller }: { testCase: CorpusCase; caller: Caller }) => {
    const variables = variablesFor(schema, testCase, seeds);
    const request = { query: testCase.document, variables, ...(testCase.operationName ? { operationName: testCase.operationName } : {}) };
    const [planned, apollos] = await Promise.all([
      answer(plan, fetched.plan, request, caller),
      answer(apollo!, fetched.apollo, request, caller),
    ]);
    // The same status and body (the same text once parsed and written again: key order included), and
    // no more subgraph requests from the plan executor; errors of different fetches may come in
    // another order (docs/executor.md#equivalence).
    if (caller === 'all scopes') {
      allScopes.cases += 1;
      if ((planned.body as { errors?: unknown }).errors === undefined) allScopes.answered += 1;
    }
    expectSame(tally.add({ fixture: `${testCase.source} (${caller})`, request, faults: [], plan: planned, apollo: apollos }));
  });

  it('each instance ran its own executor, and the generated variables reached data', async () => {
    console.log(tally.report('test corpus'), allScopes);
    expect(allScopes.cases).toBe(corpus.cases.length);
    expect(allScopes.answered).toBeGreaterThanOrEqual(Math.ceil(ANSWERED_SHARE * allScopes.cases));
    const executed = async (instance: TestTessera) => {
      const text = await (await fetch(new URL('/metrics', instance.url))).text();
      return text.split('\n').filter((line) => line.startsWith('tessera_executor_requests_total{'));
    };
    // The plan executor ran everything (no fallback); with @apollo/gateway's nothing is counted (docs/executor.md#fallback).
    expect((await executed(plan)).map((line) => line.replace(/ \d+$/, ''))).toEqual([
      'tessera_executor_requests_total{engine="plan",reason=""}',
    ]);
    expect(await executed(apollo!)).toEqual([]);
  });
});
