/**
 * The month-end billing run on the `m` data, through the gateway: every time-and-materials
 * project with approved time ready to bill gets its draft, one after the other. Each draft is
 * set-based (the same number of statements whatever its number of sources), claims exactly the
 * sources that were ready (its time, and the approved expenses the demo data has ready on it), and
 * no source twice. Its speed is measured by `npm run bench:billing`.
 */
import type { LogEvent } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemName as SubgraphName } from '../../../systems/systems.ts';
import { parseScaled } from '../../../systems/kernel/decimal.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import { GENERATE_DRAFT, call, psaDb, type BillingDraft, type Payload } from './psaKit.ts';

const CUTOFF = '2026-11-15';
let tessera: TestTessera;
let statements = 0;

beforeAll(async () => {
  tessera = await startTestTessera({
    scale: 'm',
    onQuery: (system: SubgraphName, _event: LogEvent) => {
      if (system === 'psa') statements += 1;
    },
  });
});
afterAll(() => tessera?.stop());

describe('the month-end billing run (m data)', () => {
  it('drafts every T&M project with time ready to bill, set-based, each source claimed once', async () => {
    const db = psaDb(tessera);
    const ready = await db
      .selectFrom('time_entries')
      .innerJoin('projects', 'projects.id', 'time_entries.project_id')
      .select(['projects.id as project', 'time_entries.id as entry', 'time_entries.billable_e4 as amount'])
      .where('projects.billing_method', '=', 'TIME_AND_MATERIALS')
      .where('projects.status', 'in', ['ACTIVE', 'CLOSING'])
      .where('time_entries.billing_status', '=', 'READY_TO_BILL')
      .where('time_entries.entry_date', '<=', CUTOFF)
      .execute();
    const expected = new Map<string, { entries: Set<string>; totalE4: number }>();
    for (const row of ready) {
      const project = expected.get(row.project) ?? { entries: new Set<string>(), totalE4: 0 };
      project.entries.add(row.entry);
      project.totalE4 += row.amount;
      expected.set(row.project, project);
    }
    const projects = [...expected.keys()].sort();
    expect(projects.length).toBeGreaterThan(50);
    // Their approved billable expenses ready by the cut-off go on the same drafts (docs/demo-data.md#expenses).
    const expenses = await db
      .selectFrom('expenses')
      .select(['project_id as project', 'id', 'billable_e4 as amount'])
      .where('project_id', 'in', projects)
      .where('billing_status', '=', 'READY_TO_BILL')
      .where('expense_date', '<=', CUTOFF)
      .execute();
    for (const row of expenses) {
      const project = expected.get(row.project)!;
      project.entries.add(row.id);
      project.totalE4 += row.amount;
    }
    expect(expenses.length).toBeGreaterThan(0);

    // One call that bills nothing first: the first capability call of a process probes the SQL engine once.
    const [first] = projects;
    expect(
      (await call(tessera, GENERATE_DRAFT, { idempotencyKey: `warm-up:${first}`, projectId: first, cutoffDate: '2000-01-31' })).payload
        ?.userErrors,
    ).toEqual([{ code: 'NOTHING_TO_BILL', message: `Project ${first} has nothing ready to bill up to 2000-01-31.`, field: 'cutoffDate' }]);
    const outcomes: { project: string; code: string; draft: BillingDraft | null; statements: number }[] = [];
    for (const project of projects) {
      const before = statements;
      const result = await call(tessera, GENERATE_DRAFT, {
        idempotencyKey: `month-end:${project}`,
        projectId: project,
        cutoffDate: CUTOFF,
      });
      expect(result.body.errors).toBeUndefined();
      const payload = result.payload as Payload;
      const draft = (payload.billingDraft ?? null) as BillingDraft | null;
      outcomes.push({ project, code: payload.userErrors[0]?.code ?? 'OK', draft, statements: statements - before });
    }
    const drafted = outcomes.filter((outcome) => outcome.draft !== null);

    // Every project with time ready is drafted: none of them is on credit hold or at its cap.
    expect(outcomes.filter((outcome) => outcome.draft === null)).toEqual([]);
    for (const { project, draft } of drafted) {
      const own = expected.get(project)!;
      expect(new Set(draft!.items.map((item) => item.sourceId))).toEqual(own.entries);
      expect(parseScaled(draft!.summaryAmount.amount)).toBe(own.totalE4);
    }
    // Set-based: a draft takes the same statements whatever its number of sources (one more to sum
    // the contract's billed-to-date when its line has a cap, one more to claim expenses when it has some).
    const capped = new Set(
      (
        await db
          .selectFrom('contract_lines')
          .innerJoin('projects', 'projects.contract_id', 'contract_lines.contract_id')
          .select('projects.id')
          .where('contract_lines.nte_e4', 'is not', null)
          .execute()
      ).map((row) => row.id),
    );
    const extra = (o: (typeof drafted)[number]) =>
      (capped.has(o.project) ? 1 : 0) + (o.draft!.items.some((item) => item.sourceType === 'EXPENSE') ? 1 : 0);
    const base = drafted[0]!.statements - extra(drafted[0]!);
    expect(drafted.map((o) => o.statements - extra(o))).toEqual(drafted.map(() => base));
    expect(new Set(drafted.map((o) => o.draft!.items.length)).size).toBeGreaterThan(10);
    const claims = await db.selectFrom('billing_draft_items').select(['source_type', 'source_id']).execute();
    expect(new Set(claims.map((claim) => `${claim.source_type}:${claim.source_id}`)).size).toBe(claims.length);
    // The run was the only writer: a retried job replays its drafts instead of billing again.
    const retried = await call(tessera, GENERATE_DRAFT, {
      idempotencyKey: `month-end:${drafted[0]!.project}`,
      projectId: drafted[0]!.project,
      cutoffDate: CUTOFF,
    });
    expect(retried.payload?.replayed).toBe(true);
  });
});
