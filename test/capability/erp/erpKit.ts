/**
 * What the ERP capability suites share: the mutation documents (every payload field selected),
 * seeded customers found by querying, fixtures the other systems would hold (a SIGNED CRM contract
 * with its PSA delivery plan, a PSA billing draft) written straight into their databases, and
 * readers of what a call wrote in the ERP database (events, audit entries, row counts).
 */
import { randomUUID } from 'node:crypto';
import { HOURS_SCALE, parseScaled } from '../../../systems/kernel/decimal.ts';
import { mutate, newKey, pick, type Answer, type Money, type UserError } from '../../harness/capabilities.ts';
import { auditEntries, countRows, crmDb, erpDb, outboxEvents, psaDb, untimed, type OutboxEvent } from '../../harness/capabilityRows.ts';
import type { TestTessera } from '../../harness/startTestTessera.ts';

export {
  acceptedPayload as accepted,
  call,
  envelope,
  newKey,
  pick,
  refusedAnswer as refused,
  requestIdOf,
  type Money,
  type UserError,
} from '../../harness/capabilities.ts';
export { crmDb, erpDb, psaDb, type CrmDb, type ErpDb, type OutboxEvent, type PsaDb } from '../../harness/capabilityRows.ts';

const USER_ERRORS = 'userErrors { code message field } warnings { code message field } replayed';

export const INVOICE_FIELDS = `id invoiceNumber kind status legalEntity { id } customer { id } contract { id } project { id }
  invoiceDate dueDate postingPeriod { id name } currency
  lines { lineNumber description quantity unitPrice { amount currency } amount { amount currency } taxCode taxAmount { amount currency } }
  subtotal { amount currency } taxTotal { amount currency } total { amount currency } amountPaid { amount currency }
  amountCredited { amount currency } amountDue { amount currency } originalInvoice { id } aggregateVersion`;

export const PAYMENT_FIELDS = `id paymentNumber customer { id } legalEntity { id } receivedDate amount { amount currency }
  unappliedAmount { amount currency } method status aggregateVersion`;

export const SCHEDULE_FIELDS = `id project { id } method status allocatedAmount { amount currency } recognizedToDate { amount currency } aggregateVersion`;

export const TERMS_FIELDS = 'contract { id } paymentTerms poNumber poRequired taxProfile { id } activatedAt aggregateVersion';

const ACTIVATION_FIELDS = `contract { id status aggregateVersion } terms { ${TERMS_FIELDS} } revenueSchedules { ${SCHEDULE_FIELDS} }`;

export const ACTIVATE_V1 = `mutation Activate($input: ActivateContractInput!) {
  activateContract(input: $input) { ${ACTIVATION_FIELDS} ${USER_ERRORS} }
}`;

export const ACTIVATE_V2 = `mutation ActivateV2($input: ActivateContractV2Input!) {
  activateContractV2(input: $input) {
    __typename
    ... on ActivateContractSuccess { ${ACTIVATION_FIELDS} warnings { code message field } replayed }
    ... on CapabilityFailure { errors { code message field } replayed }
  }
}`;

export const RELEASE_V1 = `mutation Release($input: ReleaseInvoiceInput!) {
  releaseInvoice(input: $input) { invoice { ${INVOICE_FIELDS} } ${USER_ERRORS} }
}`;

export const RELEASE_V2 = `mutation ReleaseV2($input: ReleaseInvoiceV2Input!) {
  releaseInvoiceV2(input: $input) {
    __typename
    ... on ReleaseInvoiceSuccess { invoice { ${INVOICE_FIELDS} } warnings { code message field } replayed }
    ... on CapabilityFailure { errors { code message field } replayed }
  }
}`;

export const RECORD_PAYMENT = `mutation RecordPayment($input: RecordPaymentInput!) {
  recordPayment(input: $input) { payment { ${PAYMENT_FIELDS} } ${USER_ERRORS} }
}`;

export const APPLY_PAYMENT = `mutation ApplyPayment($input: ApplyPaymentInput!) {
  applyPayment(input: $input) {
    payment { ${PAYMENT_FIELDS} } invoice { ${INVOICE_FIELDS} } application { amountApplied { amount currency } appliedOn invoice { id } payment { id } }
    ${USER_ERRORS}
  }
}`;

export const ISSUE_CREDIT_MEMO = `mutation IssueCreditMemo($input: IssueCreditMemoInput!) {
  issueCreditMemo(input: $input) { creditMemo { ${INVOICE_FIELDS} } invoice { ${INVOICE_FIELDS} } ${USER_ERRORS} }
}`;

export const RECOGNIZE = `mutation Recognize($input: RecognizeRevenueForPeriodInput!) {
  recognizeRevenueForPeriod(input: $input) {
    period { id name status }
    lines { period { id } amount { amount currency } recognizedToDate { amount currency } status }
    revenueSchedules { ${SCHEDULE_FIELDS} }
    ${USER_ERRORS}
  }
}`;

/** A payload of the v1 shape: the entity fields, userErrors, warnings, replayed. */
export type Payload<Fields> = {
  readonly userErrors: readonly UserError[];
  readonly warnings: readonly UserError[];
  readonly replayed: boolean;
} & {
  readonly [K in keyof Fields]: Fields[K] | null;
};

/** The whole answer of a V2 call refused with one error (the CapabilityFailure member). */
export function failed(field: string, error: UserError, replayed = false): Answer {
  return { status: 200, body: { data: { [field]: { __typename: 'CapabilityFailure', errors: [error], replayed } } } };
}

/** The events one request wrote in the ERP outbox, by type then aggregate id (one call's events share their instant). */
export async function eventsOfRequest(tessera: TestTessera, requestId: string): Promise<OutboxEvent[]> {
  return (await outboxEvents(tessera, 'erp', 'correlation_id', requestId, 'byType')).map(untimed);
}

/** The ERP audit entries of one idempotency key, oldest first: [outcome, capability, version, errorCode]. */
export async function auditOf(tessera: TestTessera, idempotencyKey: string): Promise<[string, string, number, string | null][]> {
  return (await auditEntries(tessera, 'erp', idempotencyKey)).map((entry) => [
    entry.outcome,
    entry.capability,
    entry.version,
    entry.errorCode,
  ]);
}

const COUNTED = [
  'contract_terms',
  'erp_projects',
  'revenue_schedules',
  'revenue_schedule_lines',
  'invoices',
  'invoice_lines',
  'payments',
  'payment_applications',
  'document_sequences',
  'outbox_events',
] as const;

/** How many rows each table the ERP capabilities write holds, plus a fingerprint of the versioned ones. */
export async function erpState(tessera: TestTessera): Promise<Record<string, number | string>> {
  const db = erpDb(tessera);
  const state: Record<string, number | string> = await countRows(db, COUNTED);
  const versions = async (table: 'invoices' | 'payments' | 'revenue_schedules' | 'contract_terms') => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.sum<number>('aggregate_version').as('v'))
      .executeTakeFirstOrThrow();
    return Number(row.v);
  };
  state.invoiceVersions = await versions('invoices');
  state.paymentVersions = await versions('payments');
  state.scheduleVersions = await versions('revenue_schedules');
  state.termsVersions = await versions('contract_terms');
  return state;
}

/** A seeded customer's billing profile in one legal entity. */
export interface Customer {
  readonly accountId: string;
  readonly legalEntityId: string;
  readonly currency: string;
  readonly paymentTerms: string;
  readonly taxProfileId: string | null;
}

/** Every seeded billing profile, from the gateway. */
export async function seededCustomers(tessera: TestTessera): Promise<Customer[]> {
  const body = await tessera.query(
    `{ accounts(first: 500) { nodes { id billingProfiles { legalEntity { id } currency paymentTerms taxProfile { id } } } } }`,
  );
  const nodes = (
    body.data as {
      accounts: {
        nodes: {
          id: string;
          billingProfiles: { legalEntity: { id: string }; currency: string; paymentTerms: string; taxProfile: { id: string } | null }[];
        }[];
      };
    }
  ).accounts.nodes;
  return nodes.flatMap((node) =>
    node.billingProfiles.map((profile) => ({
      accountId: node.id,
      legalEntityId: profile.legalEntity.id,
      currency: profile.currency,
      paymentTerms: profile.paymentTerms,
      taxProfileId: profile.taxProfile?.id ?? null,
    })),
  );
}

const e4 = (amount: string): number => parseScaled(amount);

export interface LineSpec {
  readonly billingMethod: string;
  readonly amount?: string;
  readonly notToExceed?: string;
  readonly rateCardId?: string | null;
}

export interface ProjectSpec {
  readonly legalEntityId?: string;
  readonly plannedRevenue: string | null;
  readonly milestones?: readonly string[];
}

export interface ContractSpec {
  readonly customer: Customer;
  readonly billingMethod: string;
  readonly totalContractValue: string;
  readonly startDate?: string;
  readonly endDate?: string;
  readonly status?: string;
  /** The contract's currency (default: the customer's). */
  readonly currency?: string;
  readonly lines: readonly LineSpec[];
  readonly projects: readonly ProjectSpec[];
}

export interface ContractFixture {
  readonly contractId: string;
  readonly projectIds: readonly string[];
}

/**
 * A contract as the CRM holds it once signed (version 1), with the delivery plan the PSA holds for
 * it (lines, PLANNED projects, milestones), written into their databases.
 */
export async function contractFixture(tessera: TestTessera, spec: ContractSpec): Promise<ContractFixture> {
  const tag = randomUUID().replace(/-/g, '').slice(0, 12);
  const contractId = `ctr_t${tag}`;
  const currency = spec.currency ?? spec.customer.currency;
  const startDate = spec.startDate ?? '2027-01-04';
  const endDate = spec.endDate ?? '2027-12-17';
  await crmDb(tessera)
    .insertInto('contracts')
    .values({
      id: contractId,
      contract_number: `SOW-T-${tag}`,
      version: 1,
      title: `Test contract ${tag}`,
      status: spec.status ?? 'SIGNED',
      account_id: spec.customer.accountId,
      opportunity_id: null,
      legal_entity_id: spec.customer.legalEntityId,
      start_date: startDate,
      end_date: endDate,
      tcv_e4: e4(spec.totalContractValue),
      currency,
      billing_method: spec.billingMethod,
      signed_at: '2026-11-20T10:00:00.000Z',
      customer_signatory: 'Pat Signer',
      aggregate_version: 1,
      submitted_by: null,
      approved_by: null,
      approved_at: null,
      document_url: null,
      activated_at: null,
    })
    .execute();
  const psa = psaDb(tessera);
  if (spec.lines.length > 0) {
    await psa
      .insertInto('contract_lines')
      .values(
        spec.lines.map((line, index) => ({
          id: `cl_t${tag}_${index}`,
          contract_id: contractId,
          billing_method: line.billingMethod,
          amount_e4: line.amount ? e4(line.amount) : null,
          nte_e4: line.notToExceed ? e4(line.notToExceed) : null,
          currency,
          rate_card_id: line.rateCardId ?? null,
        })),
      )
      .execute();
  }
  const projectIds = spec.projects.map((_, index) => `prj_t${tag}_${index}`);
  for (const [index, project] of spec.projects.entries()) {
    await psa
      .insertInto('projects')
      .values({
        id: projectIds[index]!,
        code: `T-${tag}-${index}`,
        name: `Test project ${tag}/${index}`,
        status: 'PLANNED',
        type: 'CUSTOMER_BILLABLE',
        billing_method: spec.billingMethod,
        account_id: spec.customer.accountId,
        contract_id: contractId,
        legal_entity_id: project.legalEntityId ?? spec.customer.legalEntityId,
        start_date: startDate,
        end_date: endDate,
        currency,
        project_manager_id: null,
        budget_hours_e2: null,
        planned_revenue_e4: project.plannedRevenue === null ? null : e4(project.plannedRevenue),
        aggregate_version: 1,
      })
      .execute();
    const milestones = project.milestones ?? [];
    if (milestones.length > 0) {
      await psa
        .insertInto('milestones')
        .values(
          milestones.map((amount, m) => ({
            id: `ms_t${tag}_${index}_${m}`,
            project_id: projectIds[index]!,
            name: `Milestone ${m + 1}`,
            target_date: endDate,
            actual_date: null,
            amount_e4: e4(amount),
            currency,
            status: 'PLANNED',
            requires_sign_off: 0,
            approved_for_billing: 0,
            billing_status: 'UNAPPROVED',
            aggregate_version: 1,
          })),
        )
        .execute();
    }
  }
  return { contractId, projectIds };
}

export interface DraftItemSpec {
  readonly sourceType?: string;
  /** STANDARD unless said (DISBURSEMENT: an expense passed on outside the scope of tax). */
  readonly taxTreatment?: 'STANDARD' | 'DISBURSEMENT';
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly amount: string;
}

export interface DraftSpec {
  readonly projectId: string;
  readonly contractId: string | null;
  readonly legalEntityId: string;
  readonly accountId: string;
  readonly currency: string;
  readonly status?: string;
  readonly items: readonly DraftItemSpec[];
}

/** A billing draft as the PSA holds it after generation (IN_REVIEW unless said), its items claiming fresh sources. */
export async function draftFixture(tessera: TestTessera, spec: DraftSpec): Promise<string> {
  const tag = randomUUID().replace(/-/g, '').slice(0, 12);
  const id = `bd_t${tag}`;
  const db = psaDb(tessera);
  await db
    .insertInto('billing_drafts')
    .values({
      id,
      project_id: spec.projectId,
      contract_id: spec.contractId,
      legal_entity_id: spec.legalEntityId,
      account_id: spec.accountId,
      cutoff_date: '2026-11-15',
      status: spec.status ?? 'IN_REVIEW',
      summary_e4: spec.items.reduce((sum, item) => sum + e4(item.amount), 0),
      currency: spec.currency,
      invoice_id: null,
      aggregate_version: 1,
      invoice_number: null,
    })
    .execute();
  if (spec.items.length > 0) {
    await db
      .insertInto('billing_draft_items')
      .values(
        spec.items.map((item, index) => ({
          id: `bdi_t${tag}_${index}`,
          draft_id: id,
          source_type: item.sourceType ?? 'ADJUSTMENT',
          source_id: `src_t${tag}_${index}`,
          description: item.description,
          quantity_e2: parseScaled(item.quantity, HOURS_SCALE),
          unit_price_e4: e4(item.unitPrice),
          amount_e4: e4(item.amount),
          tax_treatment: item.taxTreatment ?? 'STANDARD',
        })),
      )
      .execute();
  }
  return id;
}

/** A fresh bank reference. */
export function bankReference(): string {
  return `BANK-${randomUUID().slice(0, 13).toUpperCase()}`;
}

/** A seeded contract as the billing suites need it. */
export interface SeededContract {
  readonly id: string;
  readonly status: string;
  readonly account: { readonly id: string };
  readonly legalEntity: { readonly id: string };
  readonly totalContractValue: { readonly currency: string };
  readonly paymentTerms: string | null;
  readonly poNumber: string | null;
  readonly poRequired: boolean;
  readonly projects: readonly { readonly id: string; readonly legalEntity: { readonly id: string } }[];
}

/** Seeded ACTIVE and SUSPENDED contracts with their ERP terms and PSA projects. */
export async function seededContracts(tessera: TestTessera): Promise<SeededContract[]> {
  const body = await tessera.query(`{ contracts(filter: { status: [ACTIVE, SUSPENDED] }, first: 100) { nodes {
    id status account { id } legalEntity { id } totalContractValue { currency } paymentTerms poNumber poRequired projects { id legalEntity { id } }
  } } }`);
  return (body.data as { contracts: { nodes: SeededContract[] } }).contracts.nodes;
}

/** An ACTIVE seeded contract of `legalEntityId` with one project that invoices can be released on. */
export function billableContract(contracts: readonly SeededContract[], legalEntityId: string): SeededContract {
  return pick(
    contracts,
    `ACTIVE ${legalEntityId} contract`,
    (c) =>
      c.status === 'ACTIVE' &&
      c.legalEntity.id === legalEntityId &&
      c.projects.length === 1 &&
      !(c.poRequired && c.poNumber === null) &&
      c.paymentTerms !== null,
  );
}

/** The billable ACTIVE UK01 seeded contract (see billableContract). */
export async function ukContract(tessera: TestTessera): Promise<SeededContract> {
  return billableContract(await seededContracts(tessera), 'le_UK01');
}

/** 7.50 h at 150.00, a 2,500.00 milestone and 0.25 h at 133.33: 3,658.33 net + 20% VAT (731.67) = 4,390.00 on a UK01 invoice. */
export const UK_ITEMS: readonly DraftItemSpec[] = [
  { description: 'Consulting', quantity: '7.50', unitPrice: '150.00', amount: '1125.00' },
  { description: 'Milestone', quantity: '1.00', unitPrice: '2500.00', amount: '2500.00' },
  { description: 'Travel time', quantity: '0.25', unitPrice: '133.33', amount: '33.33' },
];

/** An amount in GBP as the API answers it. */
export const gbp = (amount: string): Money => ({ amount, currency: 'GBP' });

/** A draft spec billing `items` on the contract's project. */
export function draftOn(contract: SeededContract, items: readonly DraftItemSpec[], overrides: Partial<DraftSpec> = {}): DraftSpec {
  return {
    projectId: contract.projects[0]!.id,
    contractId: contract.id,
    legalEntityId: contract.legalEntity.id,
    accountId: contract.account.id,
    currency: contract.totalContractValue.currency,
    items,
    ...overrides,
  };
}

export const RELEASED_INVOICE = `mutation Post($input: ReleaseInvoiceV2Input!) {
  releaseInvoiceV2(input: $input) { __typename ... on ReleaseInvoiceSuccess { invoice { id total { amount } aggregateVersion } } ... on CapabilityFailure { errors { code message } } }
}`;

/** Releases a fresh draft of `spec` as an invoice dated `invoiceDate`; returns its id, total and version. */
export async function postInvoice(
  tessera: TestTessera,
  spec: DraftSpec,
  invoiceDate = '2026-11-20',
): Promise<{ id: string; total: string; aggregateVersion: number }> {
  const draftId = await draftFixture(tessera, spec);
  const result = await mutate<{ __typename: string; invoice?: { id: string; total: { amount: string }; aggregateVersion: number } }>(
    tessera,
    RELEASED_INVOICE,
    { idempotencyKey: newKey(), billingDraftId: draftId, invoiceDate, expectedVersion: 1 },
  );
  const invoice = result.payload?.invoice;
  if (!invoice) throw new Error(`release failed: ${JSON.stringify(result.body)}`);
  return { id: invoice.id, total: invoice.total.amount, aggregateVersion: invoice.aggregateVersion };
}
