/**
 * The month-end billing run through the gateway on the `s` data (docs/processes.md#billing-run):
 * started by `startBillingRun` (idempotent; a second run of the same cut-off refused while one
 * runs), advanced by its driver, reported by `billingRun(id)` with exact amounts per project and
 * currency. US01's customer acc_00018 is put on credit hold (its project is HELD before a draft)
 * and the contract of prj_00011 requires a purchase order it does not have (the ERP refuses the
 * release: REFUSED, its draft stays in review); prj_00008 is drafted and invoiced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBillingRunFixture, type BillingRunFixture } from './billingRunFixture.ts';

const OPS = { sub: 'olga.ops@tessera.example', scope: 'ops:read ops:write', legal_entities: ['US01', 'UK01'] };
const UK_OPS = { sub: 'uma.ops@tessera.example', scope: 'ops:read', legal_entities: ['UK01'] };

const START = `mutation ($input: StartBillingRunInput!) {
  startBillingRun(input: $input) { billingRun { id legalEntityId cutoff invoiceDate status trigger startedBy } userErrors { code message field } replayed }
}`;
const REPORT = `query ($id: ID!) { billingRun(id: $id) {
  id status phase cutoff invoiceDate
  counts { projects pending drafted released held refused nothingToBill }
  totals { currency billed { amount currency } invoiced { amount } held { amount } refused { amount } projectsBilled projectsHeld projectsRefused }
  projects { projectId projectCode customerId status billingDraftId draftAmount { amount currency } invoiceId invoiceNumber invoiceTotal { amount }
    reasonCode reason owner draftKey releaseKey }
  reconciliation { status note }
} }`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('month-end billing run', () => {
  let fixture: BillingRunFixture;
  let ops: string;

  beforeAll(async () => {
    fixture = await startBillingRunFixture();
    ops = await fixture.tessera.token(OPS);
    await fixture.erp().updateTable('billing_profiles').set({ credit_hold: 1 }).where('account_id', '=', 'acc_00018').execute();
    const { contract_id } = await fixture
      .psa()
      .selectFrom('projects')
      .select('contract_id')
      .where('id', '=', 'prj_00011')
      .executeTakeFirstOrThrow();
    await fixture
      .erp()
      .updateTable('contract_terms')
      .set({ po_required: 1, po_number: null })
      .where('contract_id', '=', contract_id)
      .execute();
  }, 60_000);
  afterAll(async () => fixture?.stop());

  const start = async (input: Json, token = ops): Promise<Json> => {
    const body = await fixture.tessera.query(START, { input }, token);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return (body.data as Json).startBillingRun;
  };
  const report = async (id: string, token = ops): Promise<Json> => {
    const body = await fixture.tessera.query(REPORT, { id }, token);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    return (body.data as Json).billingRun;
  };

  it('bills, holds and refuses per project, idempotently, and reports exact amounts', async () => {
    const input = { idempotencyKey: 'month-end-US01-2026-11', legalEntityId: 'le_US01', cutoff: '2026-11-30' };
    const started = await start(input);
    expect(started.userErrors).toEqual([]);
    expect(started.replayed).toBe(false);
    expect(started.billingRun).toMatchObject({
      legalEntityId: 'le_US01',
      cutoff: '2026-11-30',
      invoiceDate: '2026-11-30',
      status: 'RUNNING',
      trigger: 'MANUAL',
      startedBy: OPS.sub,
    });
    const id = started.billingRun.id as string;

    // Same key: the same run, replayed. Another key while it runs: refused with a code.
    const again = await start(input);
    expect(again.replayed).toBe(true);
    expect(again.billingRun.id).toBe(id);
    const second = await start({ ...input, idempotencyKey: 'month-end-US01-2026-11-bis' });
    expect(second.billingRun).toBeNull();
    expect(second.userErrors).toEqual([
      {
        code: 'BILLING_RUN_IN_PROGRESS',
        message: `Billing run ${id} of le_US01 for the cut-off 2026-11-30 is still running (LISTING).`,
        field: 'cutoff',
      },
    ]);

    expect(await fixture.driver().drain()).toBe(1);
    const run = await report(id);
    expect(run).toMatchObject({ status: 'COMPLETED', phase: 'REPORTED' });
    expect(run.counts).toEqual({ projects: 3, pending: 0, drafted: 0, released: 1, held: 1, refused: 1, nothingToBill: 0 });
    expect(run.totals).toEqual([
      {
        currency: 'USD',
        billed: { amount: '26267.50', currency: 'USD' },
        invoiced: { amount: '26267.50' },
        held: { amount: '0.00' },
        refused: { amount: '13549.33' },
        projectsBilled: 1,
        projectsHeld: 1,
        projectsRefused: 1,
      },
    ]);
    const [billed, held, refused] = run.projects as [Json, Json, Json];
    expect(billed).toMatchObject({
      projectId: 'prj_00008',
      projectCode: 'US01-0004',
      status: 'RELEASED',
      draftAmount: { amount: '26267.50', currency: 'USD' },
      invoiceNumber: 'US01-INV-2026-000001',
      invoiceTotal: { amount: '26267.50' },
      reasonCode: null,
      owner: null,
      draftKey: `process:${id}:draft:prj_00008`,
      releaseKey: `process:${id}:release:prj_00008`,
    });
    expect(held).toMatchObject({
      projectId: 'prj_00010',
      customerId: 'acc_00018',
      status: 'HELD',
      billingDraftId: null,
      draftAmount: null,
      invoiceId: null,
      reasonCode: 'CUSTOMER_ON_CREDIT_HOLD',
      reason: 'Customer acc_00018 is on credit hold in le_US01: billing is blocked.',
      owner: 'ERP credit control',
    });
    expect(refused).toMatchObject({
      projectId: 'prj_00011',
      status: 'REFUSED',
      draftAmount: { amount: '13549.33', currency: 'USD' },
      invoiceId: null,
      reasonCode: 'PO_REQUIRED',
      owner: 'ERP finance',
    });
    expect(run.reconciliation).toEqual({ status: 'NOT_RUN', note: 'No reconciliation run is wired into this deployment.' });

    // In the systems: one draft and one invoice for the billed project; the refused draft still in review.
    const drafts = await fixture
      .psa()
      .selectFrom('billing_drafts')
      .select(['id', 'status'])
      .where('id', 'in', [billed.billingDraftId, refused.billingDraftId])
      .orderBy('id')
      .execute();
    expect(Object.fromEntries(drafts.map((d: Json) => [d.id, d.status]))).toEqual({
      [billed.billingDraftId]: 'INVOICED',
      [refused.billingDraftId]: 'IN_REVIEW',
    });
    const invoices = await fixture
      .erp()
      .selectFrom('invoices')
      .select(['id', 'total_e4'])
      .where('source_billing_draft_id', '=', billed.billingDraftId)
      .execute();
    expect(invoices).toEqual([{ id: billed.invoiceId, total_e4: 262675000 }]);

    // Finished: the same cut-off may run again. Nothing is left to bill but the held customer's time
    // (the other two still show work not invoiced: the refused draft's, and time of other states).
    const rerun = await start({ ...input, idempotencyKey: 'month-end-US01-2026-11-rerun' });
    expect(rerun.userErrors).toEqual([]);
    expect(await fixture.driver().drain()).toBe(1);
    const after = await report(rerun.billingRun.id);
    expect(after.counts).toEqual({ projects: 3, pending: 0, drafted: 0, released: 0, held: 1, refused: 0, nothingToBill: 2 });
    expect(after.projects.map((p: Json) => [p.projectId, p.status, p.reasonCode])).toEqual([
      ['prj_00008', 'NOTHING_TO_BILL', 'NOTHING_TO_BILL'],
      ['prj_00010', 'HELD', 'CUSTOMER_ON_CREDIT_HOLD'],
      ['prj_00011', 'NOTHING_TO_BILL', 'NOTHING_TO_BILL'],
    ]);
  });

  it('reports an entity with nothing billable, and shows a run only to operators of its legal entity', async () => {
    const started = await start({ idempotencyKey: 'month-end-UK01-2026-11', legalEntityId: 'le_UK01', cutoff: '2026-11-30' });
    await fixture.driver().drain();
    const run = await report(started.billingRun.id);
    expect(run.counts).toEqual({ projects: 0, pending: 0, drafted: 0, released: 0, held: 0, refused: 0, nothingToBill: 0 });
    expect(run.totals).toEqual([]);
    expect(run.status).toBe('COMPLETED');

    const uk = await fixture.tessera.token(UK_OPS);
    const runs = await fixture.tessera.query('{ billingRuns { legalEntityId cutoff status } }', {}, uk);
    expect(runs.errors).toBeUndefined();
    expect((runs.data as Json).billingRuns).toEqual([{ legalEntityId: 'le_UK01', cutoff: '2026-11-30', status: 'COMPLETED' }]);
    const refused = await fixture.tessera.query(
      START,
      { input: { idempotencyKey: 'uk-no-write', legalEntityId: 'le_UK01', cutoff: '2026-12-31' } },
      uk,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
