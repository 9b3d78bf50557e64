/**
 * The ERP capabilities on PostgreSQL (when TESSERA_TEST_POSTGRES_URL is set): the paths that
 * differ by engine. Unique violations under a race (a second release of one draft, a second
 * payment with one bank reference) become their business codes; document numbers come from the
 * upserted counter; sums come back as exact numbers; recognition posts its lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../harness/onPostgres.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import type { TempStore } from '../../harness/tempDatabase.ts';
import {
  ACTIVATE_V2,
  APPLY_PAYMENT,
  ISSUE_CREDIT_MEMO,
  RECOGNIZE,
  RECORD_PAYMENT,
  RELEASE_V2,
  bankReference,
  call,
  contractFixture,
  draftFixture,
  erpDb,
  gbp,
  newKey,
  pick,
  seededCustomers,
  type Customer,
  type UserError,
} from './erpKit.ts';

onPostgres('ERP capabilities', (makeStore) => {
  let store: TempStore;
  let tessera: TestTessera;
  let uk: Customer;
  let ukCard: string;

  beforeAll(async () => {
    store = await makeStore();
    tessera = await startTestTessera({ scale: 's', store });
    uk = pick(
      await seededCustomers(tessera),
      'UK01 customer taxed at the entity rate',
      (c) => c.legalEntityId === 'le_UK01' && c.taxProfileId === 'tax_02',
    );
    const body = await tessera.query('{ rateCards { id legalEntity { id } customer { id } } }');
    ukCard = pick(
      (body.data as { rateCards: { id: string; legalEntity: { id: string }; customer: { id: string } | null }[] }).rateCards,
      'UK01 card',
      (card) => card.legalEntity.id === 'le_UK01' && card.customer === null,
    ).id;
  });
  afterAll(async () => {
    await tessera?.stop();
    await store?.remove();
  });

  describe('ERP capabilities on PostgreSQL', () => {
    it('activate, release (racing twice), pay (a racing duplicate refused), credit and recognize, with exact figures', async () => {
      const fixture = await contractFixture(tessera, {
        customer: uk,
        billingMethod: 'TIME_AND_MATERIALS',
        totalContractValue: '10000.00',
        lines: [{ billingMethod: 'TIME_AND_MATERIALS', rateCardId: ukCard }],
        projects: [{ plannedRevenue: '3000.00' }, { plannedRevenue: '6000.00' }],
      });
      const activation = await call<{ __typename: string; revenueSchedules: { id: string; allocatedAmount: unknown }[] }>(
        tessera,
        ACTIVATE_V2,
        {
          idempotencyKey: newKey(),
          contractId: fixture.contractId,
          expectedVersion: 1,
        },
      );
      expect(activation.payload?.revenueSchedules.map((s) => s.allocatedAmount)).toEqual([gbp('3333.33'), gbp('6666.67')]);

      const draftId = await draftFixture(tessera, {
        projectId: fixture.projectIds[0]!,
        contractId: fixture.contractId,
        legalEntityId: 'le_UK01',
        accountId: uk.accountId,
        currency: 'GBP',
        items: [{ sourceType: 'TIME_SPLIT', description: 'Time', quantity: '10.00', unitPrice: '123.45', amount: '1234.50' }],
      });
      const releases = await Promise.all(
        [1, 2].map(() =>
          call<{
            __typename: string;
            invoice?: { id: string; invoiceNumber: string; total: unknown; taxTotal: unknown };
            errors?: UserError[];
          }>(tessera, RELEASE_V2, { idempotencyKey: newKey(), billingDraftId: draftId, invoiceDate: '2026-11-20', expectedVersion: 1 }),
        ),
      );
      const posted = releases.find((r) => r.payload?.__typename === 'ReleaseInvoiceSuccess')!.payload!.invoice!;
      const refusedRelease = releases.find((r) => r.payload?.__typename === 'CapabilityFailure')?.payload?.errors;
      expect(refusedRelease?.map((e) => e.code)).toEqual(['SOURCE_ALREADY_BILLED']);
      expect(posted).toMatchObject({ invoiceNumber: 'UK01-INV-2026-000001', taxTotal: gbp('246.90'), total: gbp('1481.40') });
      expect(
        await erpDb(tessera).selectFrom('invoices').select('id').where('source_billing_draft_id', '=', draftId).execute(),
      ).toHaveLength(1);

      const reference = bankReference();
      const payments = await Promise.all(
        [1, 2].map(() =>
          call<{ payment: { id: string } | null; userErrors: UserError[] }>(tessera, RECORD_PAYMENT, {
            idempotencyKey: newKey(),
            legalEntityId: 'le_UK01',
            accountId: uk.accountId,
            amount: '1000.00',
            currency: 'GBP',
            receivedDate: '2026-11-24',
            method: 'WIRE',
            bankReference: reference,
          }),
        ),
      );
      expect(payments.map((p) => p.payload?.userErrors.map((e) => e.code)).sort()).toEqual([[], ['DUPLICATE_PAYMENT']]);
      const paymentId = payments.find((p) => p.payload?.payment)!.payload!.payment!.id;
      const applied = await call<{ invoice: unknown; payment: unknown }>(tessera, APPLY_PAYMENT, {
        idempotencyKey: newKey(),
        paymentId,
        invoiceId: posted.id,
        amount: '1000.00',
        expectedVersion: 1,
      });
      expect(applied.payload?.invoice).toMatchObject({ status: 'PARTIALLY_PAID', amountDue: gbp('481.40'), aggregateVersion: 2 });
      expect(applied.payload?.payment).toMatchObject({ status: 'APPLIED', unappliedAmount: gbp('0.00') });
      // An amount credit is for an invoice that billed no PSA source (docs/invariants.md#inv-11): the draft link cleared, as on a manual invoice.
      await erpDb(tessera).updateTable('invoices').set({ source_billing_draft_id: null }).where('id', '=', posted.id).execute();
      const credited = await call<{ invoice: unknown; creditMemo: unknown }>(tessera, ISSUE_CREDIT_MEMO, {
        idempotencyKey: newKey(),
        invoiceId: posted.id,
        amount: '481.40',
        reason: 'Settled',
        expectedVersion: 2,
        creditDate: '2026-11-25',
      });
      expect(credited.payload?.creditMemo).toMatchObject({
        invoiceNumber: 'UK01-CM-2026-000001',
        subtotal: gbp('-401.17'),
        taxTotal: gbp('-80.23'),
      });
      expect(credited.payload?.invoice).toMatchObject({ status: 'CREDITED', amountDue: gbp('0.00') });

      const periods = await tessera.query('{ legalEntity(id: "le_UK01") { periods(status: OPEN) { id name } } }');
      const november = pick(
        (periods.data as { legalEntity: { periods: { id: string; name: string }[] } }).legalEntity.periods,
        'November',
        (p) => p.name === '2026-11',
      );
      const run = await call<{ revenueSchedules: { id: string; recognizedToDate: unknown; status: string }[] }>(tessera, RECOGNIZE, {
        idempotencyKey: newKey(),
        legalEntityId: 'le_UK01',
        periodId: november.id,
      });
      // 1,234.50 invoiced less 401.17 credited: 833.33 recognized on the first project's schedule.
      expect(run.payload?.revenueSchedules.find((s) => s.id === activation.payload!.revenueSchedules[0]!.id)).toMatchObject({
        status: 'IN_PROGRESS',
        recognizedToDate: gbp('833.33'),
      });
    });
  });
});
