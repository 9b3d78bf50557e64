/**
 * Reconciliation end to end on the demo data (docs/reconciliation.md): runReconciliation through the
 * gateway reads the PSA and the ERP through their subgraphs. No capability lets the PSA and the ERP
 * part after a correction (docs/invariants.md#inv-11): an amount credit of an invoice posted from a
 * draft is refused (CREDIT_BY_LINES_REQUIRED), a void credits the sources in the PSA in the same call
 * and reconciliation finds nothing. A PSA that loses the credit afterwards (its time put back to
 * BILLED behind the capabilities' back, as a restore or a remote vendor could) is found with its
 * exact amounts, by the credit-memo rule and by conservation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../../auth/principal.ts';
import { psaDb } from '../../harness/capabilityRows.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';

const OPS: PrincipalClaims = {
  sub: 'ops-operator',
  scope: 'psa:read erp:read psa:write erp:write ops:read ops:write',
  legal_entities: '*',
};

const RUN = `mutation Run($input: RunReconciliationInput!) {
  runReconciliation(input: $input) {
    run { id trigger requestedBy legalEntityId period exceptionsFound exceptionsOpened checkedBillingDrafts checkedInvoices
      exceptions { id rule subjectType subjectId expected { amount currency } actual { amount currency } difference { amount } owner status } }
    userErrors { code message field } replayed
  }
}`;

interface Exception {
  id: string;
  rule: string;
  subjectType: string;
  subjectId: string;
  expected: { amount: string; currency: string };
  actual: { amount: string; currency: string };
  difference: { amount: string };
  owner: string;
  status: string;
}
interface Run {
  id: string;
  exceptionsFound: number;
  exceptionsOpened: number;
  checkedBillingDrafts: number;
  checkedInvoices: number;
  exceptions: Exception[];
}

describe('reconciliation on the demo data', () => {
  let tessera: TestTessera;
  let token: string;
  let us01: string;
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const body = await tessera.query(query, variables, token);
    expect(body.errors).toBeUndefined();
    return body.data as T;
  };
  const run = async (key: string, input: Record<string, unknown> = {}): Promise<Run> => {
    const data = await gql<{ runReconciliation: { run: Run; userErrors: unknown[] } }>(RUN, { input: { idempotencyKey: key, ...input } });
    expect(data.runReconciliation.userErrors).toEqual([]);
    return data.runReconciliation.run;
  };

  beforeAll(async () => {
    tessera = await startTestTessera();
    token = await tessera.token(OPS);
    const { legalEntities } = await gql<{ legalEntities: { id: string; code: string }[] }>('{ legalEntities { id code } }');
    us01 = legalEntities.find((entity) => entity.code === 'US01')!.id;
  }, 120_000);
  afterAll(() => tessera?.stop());

  it('finds the demo data consistent, a void consistent, and a PSA that lost the credit with its exact amounts', async () => {
    const baseline = await run('rec-baseline');
    // The demo data is consistent (docs/demo-data.md#what-holds-in-every-tier): its credit memo names
    // the invoice it credits, whose time the PSA shows CREDITED.
    expect(baseline.exceptions).toEqual([]);
    expect([baseline.exceptionsFound, baseline.exceptionsOpened]).toEqual([0, 0]);

    const { projects } = await gql<{
      projects: {
        nodes: {
          id: string;
          billingDrafts: { id: string; status: string; aggregateVersion: number; summaryAmount: { amount: string } }[];
        }[];
      };
    }>(
      `query($le: ID) { projects(filter: { legalEntityId: $le }, first: 100) { nodes { id billingDrafts { id status aggregateVersion summaryAmount { amount } } } } }`,
      { le: us01 },
    );
    const project = projects.nodes.find((node) => node.billingDrafts.some((draft) => draft.status === 'IN_REVIEW'))!;
    const draft = project.billingDrafts.find((candidate) => candidate.status === 'IN_REVIEW')!;
    const released = await gql<{
      releaseInvoiceV2: { invoice?: { id: string; aggregateVersion: number; total: { amount: string } }; errors?: unknown };
    }>(
      `mutation($input: ReleaseInvoiceV2Input!) { releaseInvoiceV2(input: $input) {
        ... on ReleaseInvoiceSuccess { invoice { id aggregateVersion total { amount } } } ... on CapabilityFailure { errors { code message } } } }`,
      {
        input: {
          idempotencyKey: 'rec-release',
          billingDraftId: draft.id,
          invoiceDate: '2026-11-15',
          expectedVersion: draft.aggregateVersion,
        },
      },
    );
    const invoice = released.releaseInvoiceV2.invoice!;
    expect(released.releaseInvoiceV2.errors).toBeUndefined();

    const afterRelease = await run('rec-after-release');
    expect(afterRelease.exceptionsOpened).toBe(0);
    expect(afterRelease.exceptionsFound).toBe(baseline.exceptionsFound);

    const amountCredit = await gql<{ issueCreditMemo: { userErrors: { code: string }[] } }>(
      `mutation($input: IssueCreditMemoInput!) { issueCreditMemo(input: $input) { userErrors { code message } } }`,
      {
        input: {
          idempotencyKey: 'rec-credit',
          invoiceId: invoice.id,
          amount: invoice.total.amount,
          reason: 'disputed',
          expectedVersion: invoice.aggregateVersion,
          creditDate: '2026-11-15',
        },
      },
    );
    expect(amountCredit.issueCreditMemo.userErrors.map((error) => error.code)).toEqual(['CREDIT_BY_LINES_REQUIRED']);
    const voided = await gql<{ voidInvoice: { __typename: string; invoice?: { status: string } } }>(
      `mutation($input: VoidInvoiceInput!) { voidInvoice(input: $input) {
        __typename ... on VoidInvoiceSuccess { invoice { status } } ... on CapabilityFailure { errors { code message } } } }`,
      {
        input: {
          idempotencyKey: 'rec-void',
          invoiceId: invoice.id,
          expectedVersion: invoice.aggregateVersion,
          reason: 'disputed',
          voidDate: '2026-11-15',
          action: 'CREDIT',
        },
      },
    );
    expect(voided.voidInvoice).toEqual({ __typename: 'VoidInvoiceSuccess', invoice: { status: 'CREDITED' } });
    // The void credited the sources in the PSA in the same call: nothing parts.
    const afterVoid = await run('rec-after-void', { legalEntityId: us01 });
    expect(afterVoid.exceptions.filter((exception) => !baseline.exceptions.some((old) => old.id === exception.id))).toEqual([]);

    // Drift behind the capabilities' back: the PSA shows the credited sources BILLED again.
    const psa = psaDb(tessera);
    const items = await psa
      .selectFrom('billing_draft_items')
      .select(['source_type', 'source_id'])
      .where('draft_id', '=', draft.id)
      .execute();
    const ids = (type: string) => items.filter((item) => item.source_type === type).map((item) => item.source_id);
    if (ids('TIME_SPLIT').length > 0)
      await psa.updateTable('time_entries').set({ billing_status: 'BILLED' }).where('id', 'in', ids('TIME_SPLIT')).execute();
    if (ids('MILESTONE').length > 0)
      await psa.updateTable('milestones').set({ billing_status: 'BILLED' }).where('id', 'in', ids('MILESTONE')).execute();

    const drift = await run('rec-after-credit', { legalEntityId: us01 });
    const fresh = drift.exceptions.filter((exception) => !baseline.exceptions.some((old) => old.id === exception.id));
    const memo = fresh.filter((exception) => exception.rule === 'CREDIT_MEMO_VS_SOURCES');
    // US01 bills no tax: the full gross credit is the invoice's net, the draft's summary.
    expect(memo).toEqual([
      expect.objectContaining({
        subjectType: 'Invoice',
        subjectId: invoice.id,
        expected: { amount: draft.summaryAmount.amount, currency: 'USD' },
        actual: { amount: '0.00', currency: 'USD' },
        owner: 'BILLING_OPERATIONS',
        status: 'OPEN',
      }),
    ]);
    const conservation = fresh.filter((exception) => exception.rule === 'CONSERVATION');
    expect(conservation.length).toBeGreaterThan(0);
    expect(conservation.every((exception) => exception.subjectId.startsWith(`${project.id}@`))).toBe(true);
    const cents = (amount: string) => Math.round(Number(amount) * 100);
    expect(conservation.reduce((sum, exception) => sum + cents(exception.difference.amount), 0)).toBe(-cents(draft.summaryAmount.amount));
    expect(fresh.map((exception) => exception.rule).sort()).toEqual(
      [...conservation.map(() => 'CONSERVATION'), 'CREDIT_MEMO_VS_SOURCES'].sort(),
    );

    // Found again, the exceptions stay one each.
    const again = await run('rec-again', { legalEntityId: us01 });
    expect(again.exceptionsOpened).toBe(0);
    expect(again.exceptions.map((exception) => exception.id).sort()).toEqual(drift.exceptions.map((exception) => exception.id).sort());
  }, 120_000);
});
