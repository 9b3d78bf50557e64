/**
 * releaseInvoice through the gateway, v1 (payload, deprecated) and V2 (result union): a PSA
 * billing draft becomes a POSTED ERP invoice (number per legal entity and year, tax per line,
 * due date from the payment terms, posting period) and the PSA records the draft INVOICED.
 * Every guard refused with its code and field (nothing written on either side), no double
 * billing (also under a race), replays and key reuse.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  RELEASE_V1,
  RELEASE_V2,
  auditOf,
  billableContract,
  call,
  contractFixture,
  draftFixture,
  draftOn as billingDraft,
  envelope,
  erpDb,
  erpState,
  eventsOfRequest,
  failed,
  newKey,
  pick,
  psaDb,
  refused,
  requestIdOf,
  seededContracts,
  seededCustomers,
  type Customer,
  type DraftItemSpec,
  type DraftSpec,
  type SeededContract,
  type UserError,
} from './erpKit.ts';

let tessera: TestTessera;
let customers: Customer[];
let ukActive: SeededContract;
let usActive: SeededContract;
let suspended: SeededContract;
let prospectId: string;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  customers = await seededCustomers(tessera);
  const contracts = await seededContracts(tessera);
  ukActive = billableContract(contracts, 'le_UK01');
  usActive = billableContract(contracts, 'le_US01');
  suspended = pick(contracts, 'SUSPENDED contract', (c) => c.status === 'SUSPENDED' && c.projects.length === 1);
  const body = await tessera.query('{ accounts(filter: { type: [PROSPECT] }, first: 50) { nodes { id } } }');
  prospectId = pick(
    (body.data as { accounts: { nodes: { id: string }[] } }).accounts.nodes,
    'prospect',
    (a) => !customers.some((c) => c.accountId === a.id),
  ).id;
});
afterAll(() => tessera?.stop());

/** 7.50 h at 150.00, a 2,500.00 milestone and 0.25 h at 133.33: 3,658.33 net; 20% VAT per line 225.00 + 500.00 + 6.67. */
const ITEMS: DraftItemSpec[] = [
  { sourceType: 'TIME_SPLIT', description: '2026-11-02 Senior Consultant', quantity: '7.50', unitPrice: '150.00', amount: '1125.00' },
  { sourceType: 'MILESTONE', description: 'Design sign-off', quantity: '1.00', unitPrice: '2500.00', amount: '2500.00' },
  { sourceType: 'ADJUSTMENT', description: 'Travel time', quantity: '0.25', unitPrice: '133.33', amount: '33.33' },
];

function draftOn(contract: SeededContract, overrides: Partial<DraftSpec> = {}): DraftSpec {
  return billingDraft(contract, ITEMS, overrides);
}

const TERM_DAYS: Record<string, number> = { NET_15: 15, NET_30: 30, NET_45: 45, NET_60: 60 };

function plusDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

async function nextNumber(legalEntityId: string, code: string, year: number): Promise<string> {
  const row = await erpDb(tessera)
    .selectFrom('document_sequences')
    .select('last_number')
    .where('id', '=', `${legalEntityId}:INV:${year}`)
    .executeTakeFirst();
  return `${code}-INV-${year}-${String((row?.last_number ?? 0) + 1).padStart(6, '0')}`;
}

async function draftState(id: string): Promise<unknown> {
  const body = await tessera.query(`query ($id: ID!) { billingDraft(id: $id) { status aggregateVersion invoice { id } } }`, { id });
  return (body.data as { billingDraft: unknown }).billingDraft;
}

async function taxCodeOf(contract: SeededContract): Promise<{ code: string; id: string }> {
  const db = erpDb(tessera);
  const terms = await db
    .selectFrom('contract_terms')
    .select('tax_profile_id')
    .where('contract_id', '=', contract.id)
    .executeTakeFirstOrThrow();
  const tax = await db.selectFrom('tax_profiles').selectAll().where('id', '=', terms.tax_profile_id!).executeTakeFirstOrThrow();
  return { code: tax.default_tax_code, id: tax.id };
}

const money = (amount: string, currency: string) => ({ amount, currency });

describe('releaseInvoiceV2', () => {
  it('posts the draft as a numbered, taxed invoice due by the contract terms, and the PSA records it INVOICED', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive));
    const number = await nextNumber('le_UK01', 'UK01', 2026);
    const { code: taxCode } = await taxCodeOf(ukActive);
    const key = newKey();
    const result = await call<{ invoice: { id: string } }>(tessera, RELEASE_V2, {
      idempotencyKey: key,
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 1,
    });
    const invoiceId = result.payload?.invoice.id;
    const gbp = (amount: string) => money(amount, 'GBP');
    const line = (n: number, item: DraftItemSpec, tax: string) => ({
      lineNumber: n,
      description: item.description,
      quantity: item.quantity,
      unitPrice: gbp(item.unitPrice),
      amount: gbp(item.amount),
      taxCode,
      taxAmount: gbp(tax),
    });
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        data: {
          releaseInvoiceV2: {
            __typename: 'ReleaseInvoiceSuccess',
            invoice: {
              id: invoiceId,
              invoiceNumber: number,
              kind: 'INVOICE',
              status: 'POSTED',
              legalEntity: { id: 'le_UK01' },
              customer: { id: ukActive.account.id },
              contract: { id: ukActive.id },
              project: { id: ukActive.projects[0]!.id },
              invoiceDate: '2026-11-20',
              dueDate: plusDays('2026-11-20', TERM_DAYS[ukActive.paymentTerms!]!),
              postingPeriod: { id: expect.stringMatching(/^per_/) as unknown, name: '2026-11' },
              currency: 'GBP',
              lines: [line(1, ITEMS[0]!, '225.00'), line(2, ITEMS[1]!, '500.00'), line(3, ITEMS[2]!, '6.67')],
              subtotal: gbp('3658.33'),
              taxTotal: gbp('731.67'),
              total: gbp('4390.00'),
              amountPaid: gbp('0.00'),
              amountCredited: gbp('0.00'),
              amountDue: gbp('4390.00'),
              originalInvoice: null,
              aggregateVersion: 1,
            },
            warnings: [],
            replayed: false,
          },
        },
      },
    });
    expect(taxCode).toBe('GB-VAT-STD');
    expect(await draftState(draftId)).toEqual({ status: 'INVOICED', aggregateVersion: 2, invoice: { id: invoiceId } });
    const psaDraft = await psaDb(tessera)
      .selectFrom('billing_drafts')
      .select(['invoice_number'])
      .where('id', '=', draftId)
      .executeTakeFirstOrThrow();
    expect(psaDraft.invoice_number).toBe(number);
    expect(await eventsOfRequest(tessera, requestIdOf(result))).toEqual([
      {
        type: 'InvoiceReleased',
        aggregateType: 'Invoice',
        aggregateId: invoiceId,
        aggregateVersion: 1,
        correlationId: requestIdOf(result),
        legalEntityId: 'le_UK01',
        payload: {
          invoiceId,
          invoiceNumber: number,
          billingDraftId: draftId,
          projectId: ukActive.projects[0]!.id,
          contractId: ukActive.id,
          accountId: ukActive.account.id,
          invoiceDate: '2026-11-20',
          dueDate: plusDays('2026-11-20', TERM_DAYS[ukActive.paymentTerms!]!),
          postingPeriodId: expect.stringMatching(/^per_/) as unknown,
          subtotal: gbp('3658.33'),
          taxTotal: gbp('731.67'),
          total: gbp('4390.00'),
          status: 'POSTED',
          resumed: false,
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([['SUCCEEDED', 'erp.releaseInvoice', 2, null]]);
    const step = await psaDb(tessera)
      .selectFrom('idempotency_records')
      .select(['principal_sub', 'capability', 'status'])
      .where('idempotency_key', '=', `erp.releaseInvoice:${draftId}`)
      .execute();
    expect(step).toEqual([{ principal_sub: 'system:erp', capability: 'psa.recordBillingDraftInvoiced', status: 'COMPLETED' }]);
  });

  it('numbers invoices gaplessly per legal entity and year', async () => {
    const first = await nextNumber('le_US01', 'US01', 2027);
    const numbers: string[] = [];
    for (const date of ['2027-01-05', '2027-01-06']) {
      const draftId = await draftFixture(tessera, draftOn(usActive));
      const result = await call<{ invoice: { invoiceNumber: string } }>(tessera, RELEASE_V2, {
        idempotencyKey: newKey(),
        billingDraftId: draftId,
        invoiceDate: date,
        expectedVersion: 1,
      });
      numbers.push(result.payload!.invoice.invoiceNumber);
    }
    const n = Number(first.slice(-6));
    expect(numbers).toEqual([first, `US01-INV-2027-${String(n + 1).padStart(6, '0')}`]);
  });
});

describe('a release whose ERP part was lost after the PSA recorded it', () => {
  it('is re-posted by the retry under the invoice id and number the PSA recorded; numbering goes on after it', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive));
    const number = await nextNumber('le_UK01', 'UK01', 2026);
    // What the PSA holds when its step committed but its answer never reached the ERP (rolled back).
    await psaDb(tessera)
      .updateTable('billing_drafts')
      .set({ status: 'INVOICED', invoice_id: 'inv_lost_answer', invoice_number: number, aggregate_version: 2 })
      .where('id', '=', draftId)
      .execute();
    const retry = await call<{ __typename: string; invoice: { id: string; invoiceNumber: string; total: unknown } }>(tessera, RELEASE_V2, {
      idempotencyKey: newKey(),
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 1,
    });
    expect(retry.payload).toMatchObject({
      __typename: 'ReleaseInvoiceSuccess',
      invoice: { id: 'inv_lost_answer', invoiceNumber: number, status: 'POSTED', total: money('4390.00', 'GBP') },
    });
    const [event] = await eventsOfRequest(tessera, requestIdOf(retry));
    expect(event).toMatchObject({ type: 'InvoiceReleased', aggregateId: 'inv_lost_answer', payload: { resumed: true } });
    expect(await draftState(draftId)).toEqual({ status: 'INVOICED', aggregateVersion: 2, invoice: { id: 'inv_lost_answer' } });
    // The number is taken: the next invoice gets the one after it.
    expect(await nextNumber('le_UK01', 'UK01', 2026)).toBe(`UK01-INV-2026-${String(Number(number.slice(-6)) + 1).padStart(6, '0')}`);
    // Complete now: another release is SOURCE_ALREADY_BILLED.
    const again = await call<{ errors: UserError[] }>(tessera, RELEASE_V2, {
      idempotencyKey: newKey(),
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 2,
    });
    expect(again.payload?.errors.map((e) => e.code)).toEqual(['SOURCE_ALREADY_BILLED']);
  });
});

describe('a GENERATED draft', () => {
  it('is released like one in review', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive, { status: 'GENERATED', items: [ITEMS[1]!] }));
    const result = await call<{ __typename: string; invoice: Record<string, unknown> }>(tessera, RELEASE_V2, {
      idempotencyKey: newKey(),
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 1,
    });
    expect(result.payload).toMatchObject({
      __typename: 'ReleaseInvoiceSuccess',
      invoice: { status: 'POSTED', total: money('3000.00', 'GBP') },
    });
    expect(await draftState(draftId)).toMatchObject({ status: 'INVOICED' });
  });
});

describe('the audit trail', () => {
  it('lists each call of the capability with its version and outcome (scope audit:read)', async () => {
    const key = newKey();
    await call(tessera, RELEASE_V2, { idempotencyKey: key, billingDraftId: 'bd_audited', invoiceDate: '2026-11-20', expectedVersion: 1 });
    const auditor = await tessera.token({ sub: 'auditor', scope: 'audit:read', legal_entities: '*' });
    const body = await tessera.query(
      `{ erpAuditLog(filter: { capability: "erp.releaseInvoice", outcome: [REJECTED] }, first: 500) {
      nodes { capability version idempotencyKey outcome errorCode principal } } }`,
      {},
      auditor,
    );
    const entries = (body.data as { erpAuditLog: { nodes: { idempotencyKey: string }[] } }).erpAuditLog.nodes.filter(
      (entry) => entry.idempotencyKey === key,
    );
    expect(entries).toEqual([
      {
        capability: 'erp.releaseInvoice',
        version: 2,
        idempotencyKey: key,
        outcome: 'REJECTED',
        errorCode: 'NOT_FOUND',
        principal: 'test-admin',
      },
    ]);
  });
});

describe('releaseInvoice v1', () => {
  it('posts without expectedVersion and answers the deprecated payload with Deprecation and Sunset headers', async () => {
    const draftId = await draftFixture(tessera, draftOn(usActive, { items: [ITEMS[0]!] }));
    const { code } = await taxCodeOf(usActive);
    const result = await call<{ invoice: Record<string, unknown>; userErrors: UserError[] }>(tessera, RELEASE_V1, {
      idempotencyKey: newKey(),
      billingDraftId: draftId,
      invoiceDate: '2026-11-30',
    });
    expect(result.payload?.userErrors).toEqual([]);
    expect(result.payload?.invoice).toMatchObject({
      status: 'POSTED',
      subtotal: money('1125.00', 'USD'),
      taxTotal: money('0.00', 'USD'),
      total: money('1125.00', 'USD'),
      dueDate: plusDays('2026-11-30', TERM_DAYS[usActive.paymentTerms!]!),
      lines: [
        {
          lineNumber: 1,
          description: ITEMS[0]!.description,
          quantity: '7.50',
          unitPrice: money('150.00', 'USD'),
          amount: money('1125.00', 'USD'),
          taxCode: code,
          taxAmount: money('0.00', 'USD'),
        },
      ],
    });
    expect(result.headers.get('deprecation')).toBe(`@${Date.parse('2026-11-01T00:00:00Z') / 1000}`);
    expect(result.headers.get('sunset')).toBe('Wed, 30 Jun 2027 00:00:00 GMT');
  });
});

describe('every guard refuses with its code and field; nothing is written in the ERP or the PSA', () => {
  async function expectRefused(draftId: string, error: UserError, input: Record<string, unknown> = {}): Promise<void> {
    const before = await erpState(tessera);
    const draftBefore = await draftState(draftId).catch(() => null);
    const v2 = await call(tessera, RELEASE_V2, {
      idempotencyKey: newKey(),
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 1,
      ...input,
    });
    expect(envelope(v2)).toEqual(failed('releaseInvoiceV2', error));
    const v1 = await call(tessera, RELEASE_V1, { idempotencyKey: newKey(), billingDraftId: draftId, invoiceDate: '2026-11-20', ...input });
    expect(envelope(v1)).toEqual(refused('releaseInvoice', ['invoice'], error));
    expect(await erpState(tessera)).toEqual(before);
    expect(await draftState(draftId).catch(() => null)).toEqual(draftBefore);
  }

  it('NOT_FOUND for an unknown draft', async () => {
    await expectRefused('bd_nope', { code: 'NOT_FOUND', message: 'BillingDraft "bd_nope" was not found.', field: 'billingDraftId' });
  });

  it('NOT_FOUND for a draft of a legal entity the caller may not see', async () => {
    const draftId = await draftFixture(tessera, draftOn(usActive));
    const result = await call(
      tessera,
      RELEASE_V2,
      { idempotencyKey: newKey(), billingDraftId: draftId, invoiceDate: '2026-11-20', expectedVersion: 1 },
      {
        claims: { sub: 'uk-finance', scope: 'crm:read psa:read erp:read erp:write', legal_entities: ['UK01'] },
      },
    );
    expect(envelope(result)).toEqual(
      failed('releaseInvoiceV2', { code: 'NOT_FOUND', message: `BillingDraft "${draftId}" was not found.`, field: 'billingDraftId' }),
    );
  });

  it.each(['DISCARDED', 'RELEASED'])('INVALID_STATE_TRANSITION for a %s draft', async (status) => {
    const draftId = await draftFixture(tessera, draftOn(ukActive, { status }));
    await expectRefused(draftId, {
      code: 'INVALID_STATE_TRANSITION',
      message: `Billing draft ${draftId} is ${status}: releaseInvoice cannot invoice it.`,
      field: 'billingDraftId',
    });
  });

  it('SOURCE_ALREADY_BILLED for a draft already invoiced', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive));
    const first = await call(tessera, RELEASE_V2, {
      idempotencyKey: newKey(),
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 1,
    });
    expect((first.payload as { __typename: string }).__typename).toBe('ReleaseInvoiceSuccess');
    await expectRefused(
      draftId,
      { code: 'SOURCE_ALREADY_BILLED', message: `Billing draft ${draftId} is already invoiced.`, field: 'billingDraftId' },
      { expectedVersion: 2 },
    );
  });

  it('VERSION_CONFLICT when the draft moved since it was read', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive));
    const before = await erpState(tessera);
    const result = await call(tessera, RELEASE_V2, {
      idempotencyKey: newKey(),
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 3,
    });
    expect(envelope(result)).toEqual(
      failed('releaseInvoiceV2', {
        code: 'VERSION_CONFLICT',
        message: 'BillingDraft is at version 1, not 3: it changed since you read it. Read it again, then decide.',
        field: 'expectedVersion',
      }),
    );
    expect(await erpState(tessera)).toEqual(before);
  });

  it.each([
    ['2026-09-15', 'Period 2026-09 of UK01 is CLOSED.'],
    ['2026-10-15', 'Period 2026-10 of UK01 is SOFT_CLOSED.'],
    ['2031-01-15', 'Legal entity UK01 has no accounting period for 2031-01-15.'],
  ])('PERIOD_CLOSED for an invoice dated %s', async (invoiceDate, message) => {
    const draftId = await draftFixture(tessera, draftOn(ukActive));
    await expectRefused(draftId, { code: 'PERIOD_CLOSED', message, field: 'invoiceDate' }, { invoiceDate });
  });

  it('LEGAL_ENTITY_MISMATCH when the draft is of another legal entity than its contract and project', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive, { legalEntityId: 'le_US01' }));
    await expectRefused(draftId, {
      code: 'LEGAL_ENTITY_MISMATCH',
      message: 'The invoice would be in le_US01, the contract is in le_UK01, the project in le_UK01.',
      field: 'billingDraftId',
    });
  });

  it('CURRENCY_MISMATCH when the draft is not in the contract currency', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive, { currency: 'EUR' }));
    await expectRefused(draftId, {
      code: 'CURRENCY_MISMATCH',
      message: 'The draft is in EUR, the contract in GBP.',
      field: 'billingDraftId',
    });
  });

  it('CONTRACT_NOT_ACTIVE for a suspended contract, or a draft without a contract', async () => {
    const onSuspended = await draftFixture(tessera, draftOn(suspended));
    await expectRefused(onSuspended, {
      code: 'CONTRACT_NOT_ACTIVE',
      message: `Contract ${suspended.id} is SUSPENDED.`,
      field: 'billingDraftId',
    });
    const noContract = await draftFixture(tessera, draftOn(ukActive, { contractId: null }));
    await expectRefused(noContract, {
      code: 'CONTRACT_NOT_ACTIVE',
      message: `Billing draft ${noContract} bills no contract.`,
      field: 'billingDraftId',
    });
  });

  it("CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY when the draft's customer has no billing profile there", async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive, { accountId: prospectId }));
    await expectRefused(draftId, {
      code: 'CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY',
      message: `Customer ${prospectId} has no billing profile in legal entity UK01.`,
      field: 'billingDraftId',
    });
  });

  it('PRECONDITION_FAILED when the draft totals zero or less, or has no items', async () => {
    const zero = await draftFixture(
      tessera,
      draftOn(ukActive, {
        items: [
          { description: 'Work', quantity: '1.00', unitPrice: '100.00', amount: '100.00' },
          { description: 'Goodwill', quantity: '-1.00', unitPrice: '100.00', amount: '-100.00' },
        ],
      }),
    );
    await expectRefused(zero, {
      code: 'PRECONDITION_FAILED',
      message: `Billing draft ${zero} totals 0.00 GBP: only a positive total is invoiced.`,
      field: 'billingDraftId',
    });
    const empty = await draftFixture(tessera, draftOn(ukActive, { items: [] }));
    await expectRefused(empty, {
      code: 'PRECONDITION_FAILED',
      message: `Billing draft ${empty} totals 0.00 GBP: only a positive total is invoiced.`,
      field: 'billingDraftId',
    });
  });

  describe('on a contract whose ERP terms finance keyed by hand', () => {
    let contractId: string;
    let projectId: string;
    const prospect = (): Customer => ({
      accountId: prospectId,
      legalEntityId: 'le_UK01',
      currency: 'GBP',
      paymentTerms: '',
      taxProfileId: null,
    });

    beforeAll(async () => {
      const fixture = await contractFixture(tessera, {
        customer: prospect(),
        status: 'ACTIVE',
        billingMethod: 'FIXED_FEE',
        totalContractValue: '5000.00',
        lines: [{ billingMethod: 'FIXED_FEE', amount: '5000.00' }],
        projects: [{ plannedRevenue: '5000.00' }],
      });
      contractId = fixture.contractId;
      projectId = fixture.projectIds[0]!;
      await erpDb(tessera)
        .insertInto('billing_profiles')
        .values({
          id: 'bp_test_release',
          account_id: prospectId,
          legal_entity_id: 'le_UK01',
          customer_number: 'UK01-CTEST2',
          currency: 'GBP',
          payment_terms: '',
          credit_hold: 0,
          tax_profile_id: null,
          aggregate_version: 1,
        })
        .execute();
    });

    const draft = () =>
      draftFixture(tessera, { projectId, contractId, legalEntityId: 'le_UK01', accountId: prospectId, currency: 'GBP', items: ITEMS });
    const setTerms = async (values: { payment_terms: string; po_required: number; po_number: string | null }) => {
      const db = erpDb(tessera);
      await db.deleteFrom('contract_terms').where('contract_id', '=', contractId).execute();
      await db
        .insertInto('contract_terms')
        .values({ contract_id: contractId, tax_profile_id: null, activated_at: null, aggregate_version: 1, ...values })
        .execute();
    };

    it('PO_REQUIRED when the terms require a PO and hold none', async () => {
      await setTerms({ payment_terms: 'NET_30', po_required: 1, po_number: null });
      const draftId = await draft();
      await expectRefused(draftId, {
        code: 'PO_REQUIRED',
        message: `Contract ${contractId} requires a purchase order number.`,
        field: 'billingDraftId',
      });
    });

    it('PAYMENT_TERMS_MISSING when neither the terms nor the profile has payment terms', async () => {
      await setTerms({ payment_terms: '', po_required: 0, po_number: null });
      const draftId = await draft();
      await expectRefused(draftId, {
        code: 'PAYMENT_TERMS_MISSING',
        message: `No payment terms for contract ${contractId}.`,
        field: 'billingDraftId',
      });
    });

    it('TAX_PROFILE_UNRESOLVED when no tax profile applies', async () => {
      await setTerms({ payment_terms: 'NET_30', po_required: 0, po_number: null });
      const draftId = await draft();
      const db = erpDb(tessera);
      const le = await db.selectFrom('legal_entities').select('tax_profile_id').where('id', '=', 'le_UK01').executeTakeFirstOrThrow();
      await db.updateTable('legal_entities').set({ tax_profile_id: null }).where('id', '=', 'le_UK01').execute();
      try {
        await expectRefused(draftId, {
          code: 'TAX_PROFILE_UNRESOLVED',
          message: `No tax profile applies to customer ${prospectId} in UK01 (neither the customer's nor the legal entity's).`,
          field: 'billingDraftId',
        });
      } finally {
        await db.updateTable('legal_entities').set({ tax_profile_id: le.tax_profile_id }).where('id', '=', 'le_UK01').execute();
      }
    });
  });
});

describe('no double billing', () => {
  it('two releases of one draft racing under different keys post one invoice; the other is SOURCE_ALREADY_BILLED', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive));
    const results = await Promise.all(
      [1, 2].map(() =>
        call<Record<string, unknown>>(tessera, RELEASE_V2, {
          idempotencyKey: newKey(),
          billingDraftId: draftId,
          invoiceDate: '2026-11-20',
          expectedVersion: 1,
        }),
      ),
    );
    const kinds = results.map((result) => (result.payload as { __typename: string }).__typename).sort();
    expect(kinds).toEqual(['CapabilityFailure', 'ReleaseInvoiceSuccess']);
    const failure = results.find((result) => (result.payload as { __typename: string }).__typename === 'CapabilityFailure')!;
    expect((failure.payload as { errors: UserError[] }).errors.map((e) => [e.code, e.field])).toEqual([
      ['SOURCE_ALREADY_BILLED', 'billingDraftId'],
    ]);
    const invoices = await erpDb(tessera).selectFrom('invoices').select('id').where('source_billing_draft_id', '=', draftId).execute();
    expect(invoices).toHaveLength(1);
  });
});

describe('idempotency', () => {
  it('the same key and input replays the stored invoice; no second invoice, no event', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive));
    const input = { idempotencyKey: newKey(), billingDraftId: draftId, invoiceDate: '2026-11-20', expectedVersion: 1 };
    const first = await call(tessera, RELEASE_V2, input);
    const before = await erpState(tessera);
    const again = await call(tessera, RELEASE_V2, input);
    expect(envelope(again)).toEqual({
      status: 200,
      body: { data: { releaseInvoiceV2: { ...(first.payload as object), replayed: true } } },
    });
    expect(await erpState(tessera)).toEqual(before);
    expect(await eventsOfRequest(tessera, requestIdOf(again))).toEqual([]);
  });

  it('the same key with another input or version is IDEMPOTENCY_KEY_REUSED', async () => {
    const draftId = await draftFixture(tessera, draftOn(ukActive));
    const key = newKey();
    await call(tessera, RELEASE_V1, { idempotencyKey: key, billingDraftId: draftId, invoiceDate: '2026-11-20', expectedVersion: 1 });
    const reused = {
      message: 'The idempotency key was already used for a different erp.releaseInvoice request. Use a new key for a new request.',
      extensions: { code: 'IDEMPOTENCY_KEY_REUSED', serviceName: 'erp' },
    };
    const v2 = await call(tessera, RELEASE_V2, {
      idempotencyKey: key,
      billingDraftId: draftId,
      invoiceDate: '2026-11-20',
      expectedVersion: 1,
    });
    expect(envelope(v2)).toEqual({ status: 200, body: { errors: [{ ...reused, path: ['releaseInvoiceV2'] }], data: null } });
    const otherDate = await call(tessera, RELEASE_V1, {
      idempotencyKey: key,
      billingDraftId: draftId,
      invoiceDate: '2026-11-21',
      expectedVersion: 1,
    });
    expect(envelope(otherDate)).toEqual({ status: 200, body: { errors: [{ ...reused, path: ['releaseInvoice'] }], data: null } });
  });
});
