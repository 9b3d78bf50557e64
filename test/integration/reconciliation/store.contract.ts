/** Reconciliation's store (docs/reconciliation.md#exceptions), the same suite on SQLite and PostgreSQL. */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scopeAllowing } from '../../../policies/recordScope.ts';
import { closeDatabase, openDatabase } from '../../../systems/kernel/database.ts';
import { createTablesMigration } from '../../../systems/kernel/tableSpec.ts';
import type { Mismatch } from '../../../systems/integration/reconciliation/rules.ts';
import { createReconciliationReads, recordRun, resolveException } from '../../../systems/integration/reconciliation/store.ts';
import { reconciliationTables, type ReconciliationTables } from '../../../systems/integration/reconciliation/tables.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';

const ALL = scopeAllowing({ legalEntity: null, account: null });
const UK_ONLY = scopeAllowing({ legalEntity: ['le_uk'], account: null });
const CHECKED = { billingDrafts: 2, invoices: 2, creditedInvoices: 1, projectPeriods: 3 };

const drift = (expectedE4: number, actualE4: number): Mismatch => ({
  rule: 'CREDIT_MEMO_VS_SOURCES',
  subjectType: 'Invoice',
  subjectId: 'inv_1',
  legalEntityId: 'le_us',
  currency: 'USD',
  expectedE4,
  actualE4,
  owner: 'BILLING_OPERATIONS',
  detail: 'credited',
});

export function reconciliationStoreSuite(makeStore: () => Promise<TempStore>): void {
  let temp: TempStore;
  let db: Kysely<ReconciliationTables>;
  beforeAll(async () => {
    temp = await makeStore();
    db = await openDatabase<ReconciliationTables>({ store: temp.store, name: 'integration' });
    await createTablesMigration(reconciliationTables).up(db as Kysely<unknown>);
  });
  afterAll(async () => {
    await closeDatabase(db as Kysely<unknown>);
    await temp.remove();
  });

  const run = (mismatches: Mismatch[], at: string) =>
    db.transaction().execute((trx) =>
      recordRun(trx, {
        trigger: 'ON_DEMAND',
        requestedBy: 'ops',
        legalEntityId: null,
        period: null,
        startedAt: new Date(at),
        finishedAt: new Date(at),
        checked: CHECKED,
        mismatches,
      }),
    );

  it('keeps one open exception per rule and subject across runs, reopens after a resolution, and scopes by legal entity', async () => {
    const first = await run([drift(1_000_000, 0)], '2026-11-15T10:00:00.000Z');
    expect([first.exceptions_found, first.exceptions_opened, first.checked_project_periods]).toEqual([1, 1, 3]);
    const second = await run([drift(1_500_000, 0)], '2026-11-16T10:00:00.000Z');
    expect([second.exceptions_found, second.exceptions_opened]).toEqual([1, 0]);

    const reads = createReconciliationReads(db, ALL);
    const page = await reads.exceptionsPage({ status: 'OPEN' }, { first: 10, afterId: null });
    expect(page.total).toBe(1);
    const [open] = page.rows;
    expect(open).toMatchObject({
      run_id: first.id,
      last_run_id: second.id,
      expected_e4: 1_500_000,
      actual_e4: 0,
      first_seen_at: '2026-11-15T10:00:00.000Z',
      last_seen_at: '2026-11-16T10:00:00.000Z',
      status: 'OPEN',
    });
    expect((await reads.exceptionsOfRuns([first.id, second.id])).map((row) => row.found_by_run_id).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    expect((await createReconciliationReads(db, UK_ONLY).exceptionsByIds([open!.id])).length).toBe(0);
    expect(await resolveException(db, UK_ONLY, open!.id, { note: 'x', by: 'ops', at: new Date() })).toBeNull();

    const resolved = await resolveException(db, ALL, open!.id, {
      note: 'PSA sources marked',
      by: 'ops',
      at: new Date('2026-11-17T00:00:00Z'),
    });
    expect(resolved).toMatchObject({
      changed: true,
      exception: { status: 'RESOLVED', resolution_note: 'PSA sources marked', resolved_by: 'ops' },
    });
    expect((await resolveException(db, ALL, open!.id, { note: 'again', by: 'ops', at: new Date() }))?.changed).toBe(false);

    const third = await run([drift(1_500_000, 0)], '2026-11-18T10:00:00.000Z');
    expect(third.exceptions_opened).toBe(1);
    const all = await reads.exceptionsPage({}, { first: 10, afterId: null });
    expect(all.rows.map((row) => row.status).sort()).toEqual(['OPEN', 'RESOLVED']);
  });
}
