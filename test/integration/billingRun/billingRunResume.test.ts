/**
 * A billing run killed in the middle resumes with exactly the effects of an uninterrupted run
 * (docs/processes.md#billing-run): the answer of a draft or a release is lost after the system
 * committed it (the driver's process dies there), the run is advanced again by a new driver (a
 * restart) and every step replays under its key: one draft and one invoice per project. A run
 * whose invoice date falls in a period that is not OPEN holds every draft in review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingRunPeers, type BillingRunPeers } from '../../../systems/integration/billingRun/peerCalls.ts';
import { insertRun, projectsOf, runById } from '../../../systems/integration/billingRun/runStore.ts';
import { startBillingRunFixture, type BillingRunFixture } from './billingRunFixture.ts';

const RUN = {
  legalEntityId: 'le_US01',
  cutoffDate: '2026-11-30',
  invoiceDate: '2026-11-30',
  trigger: 'MANUAL',
  startedBy: 'test',
  correlationId: 'corr-1',
} as const;

describe('billing run after a kill', () => {
  let fixture: BillingRunFixture;
  beforeAll(async () => {
    fixture = await startBillingRunFixture();
  }, 60_000);
  afterAll(async () => fixture?.stop());

  it('resumes after answers lost inside a draft and inside a release: one draft and one invoice per project', async () => {
    const real = billingRunPeers(fixture.peers);
    const lost: string[] = [];
    // The process dies after the PSA committed prj_00010's draft, and after the ERP posted prj_00008's invoice.
    const dying: BillingRunPeers = {
      ...real,
      async generateDraft(key, projectId, cutoff) {
        const answer = await real.generateDraft(key, projectId, cutoff);
        if (projectId === 'prj_00010') {
          lost.push(key);
          throw new Error('killed after the draft committed');
        }
        return answer;
      },
      async releaseInvoice(key, draftId, invoiceDate, version) {
        const answer = await real.releaseInvoice(key, draftId, invoiceDate, version);
        if (key.endsWith(':prj_00008')) {
          lost.push(key);
          throw new Error('killed after the invoice was posted');
        }
        return answer;
      },
    };
    const run = await insertRun(fixture.db, RUN, fixture.clock());
    expect(await fixture.driver(dying).drain()).toBe(1);
    expect(lost.sort()).toEqual([`process:${run.id}:draft:prj_00010`, `process:${run.id}:release:prj_00008`]);
    expect((await runById(fixture.db, run.id)).phase).toBe('BILLING');
    const stopped = await projectsOf(fixture.db, run.id);
    expect(stopped.map((row) => [row.project_id, row.status, row.attempts])).toEqual([
      ['prj_00008', 'DRAFTED', 1],
      ['prj_00010', 'PENDING', 1],
      ['prj_00011', 'RELEASED', 0],
    ]);

    // Restart: a new driver over the same tables and the real peers.
    expect(await fixture.driver(real).drain()).toBe(1);
    const rows = await projectsOf(fixture.db, run.id);
    expect(rows.map((row) => [row.project_id, row.status, row.draft_amount_e4, row.invoice_total_e4])).toEqual([
      ['prj_00008', 'RELEASED', 262675000, 262675000],
      ['prj_00010', 'RELEASED', 203275000, 203275000],
      ['prj_00011', 'RELEASED', 135493300, 135493300],
    ]);
    expect((await runById(fixture.db, run.id)).status).toBe('COMPLETED');

    const drafts = await fixture
      .psa()
      .selectFrom('billing_drafts')
      .select(['project_id', fixture.psa().fn.countAll().as('n')])
      .where('cutoff_date', '=', '2026-11-30')
      .groupBy('project_id')
      .orderBy('project_id')
      .execute();
    expect(drafts.map((d: { project_id: string; n: unknown }) => [d.project_id, Number(d.n)])).toEqual([
      ['prj_00008', 1],
      ['prj_00010', 1],
      ['prj_00011', 1],
    ]);
    const invoices = await fixture
      .erp()
      .selectFrom('invoices')
      .select(['source_billing_draft_id'])
      .where(
        'source_billing_draft_id',
        'in',
        rows.map((row) => row.billing_draft_id!),
      )
      .execute();
    expect(invoices.map((i: { source_billing_draft_id: string }) => i.source_billing_draft_id).sort()).toEqual(
      rows.map((row) => row.billing_draft_id).sort(),
    );
    expect(rows.every((row) => row.invoice_id !== null)).toBe(true);
  });
});

describe('billing run in a period that is not open', () => {
  let fixture: BillingRunFixture;
  beforeAll(async () => {
    fixture = await startBillingRunFixture();
    await fixture
      .erp()
      .updateTable('accounting_periods')
      .set({ status: 'SOFT_CLOSED' })
      .where('legal_entity_id', '=', 'le_US01')
      .where('name', '=', '2026-11')
      .execute();
  }, 60_000);
  afterAll(async () => fixture?.stop());

  it('drafts every project and holds each draft in review, for finance to open the period', async () => {
    const run = await insertRun(fixture.db, RUN, fixture.clock());
    await fixture.driver().drain();
    const rows = await projectsOf(fixture.db, run.id);
    expect(rows.map((row) => [row.project_id, row.status, row.draft_amount_e4, row.invoice_id, row.reason_code, row.owner])).toEqual([
      ['prj_00008', 'HELD', 262675000, null, 'PERIOD_CLOSED', 'ERP finance'],
      ['prj_00010', 'HELD', 203275000, null, 'PERIOD_CLOSED', 'ERP finance'],
      ['prj_00011', 'HELD', 135493300, null, 'PERIOD_CLOSED', 'ERP finance'],
    ]);
    expect(rows[0]!.reason).toBe('Period 2026-11 of the invoice date 2026-11-30 is SOFT_CLOSED: the draft stays in review.');
    const drafts = await fixture
      .psa()
      .selectFrom('billing_drafts')
      .select('status')
      .where(
        'id',
        'in',
        rows.map((row) => row.billing_draft_id!),
      )
      .execute();
    expect(drafts.map((d: { status: string }) => d.status)).toEqual(['IN_REVIEW', 'IN_REVIEW', 'IN_REVIEW']);
    expect((await runById(fixture.db, run.id)).status).toBe('COMPLETED');
  });
});
