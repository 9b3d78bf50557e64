/**
 * Facts the ERP's capabilities need from the other systems of record, read through their
 * subgraphs as the caller (so a record outside the caller's scope is null, like a missing one).
 * Amounts arrive as Decimal strings and leave as e4 integers.
 */
import { HOURS_SCALE, parseScaled } from '../../kernel/decimal.ts';
import type { ErpContext } from '../context.ts';

/** The CRM's commercial header of a contract. */
export interface CrmContract {
  readonly id: string;
  readonly status: string;
  readonly aggregateVersion: number;
  readonly legalEntityId: string;
  readonly accountId: string | null;
  readonly billingMethod: string;
  readonly tcvE4: number;
  readonly currency: string;
  readonly startDate: string;
  readonly endDate: string;
  /** Set when the CRM recorded an activation (ERP's step). */
  readonly activatedAt: string | null;
}

/** The PSA's delivery plan of a contract: billing lines and the projects that deliver it. */
export interface PsaDelivery {
  readonly lines: readonly {
    readonly billingMethod: string;
    readonly amountE4: number | null;
    readonly notToExceedE4: number | null;
    readonly rateCardId: string | null;
  }[];
  readonly projects: readonly {
    readonly id: string;
    readonly legalEntityId: string;
    readonly plannedRevenueE4: number | null;
    readonly milestoneAmountsE4: readonly number[];
  }[];
}

/** A PSA billing draft as releaseInvoice needs it. */
export interface PsaBillingDraft {
  readonly id: string;
  readonly status: string;
  readonly aggregateVersion: number;
  readonly projectId: string;
  readonly projectLegalEntityId: string;
  readonly contractId: string | null;
  readonly legalEntityId: string;
  readonly accountId: string;
  readonly summaryE4: number;
  readonly currency: string;
  /** The invoice the PSA recorded for the draft (ERP's releaseInvoice step), if any. */
  readonly invoiceId: string | null;
  readonly invoiceNumber: string | null;
  readonly items: readonly {
    readonly sourceType: string;
    readonly sourceId: string;
    readonly description: string;
    readonly quantityE2: number;
    readonly unitPriceE4: number;
    readonly amountE4: number;
    /** STANDARD (the invoice's tax profile) or DISBURSEMENT (outside the scope of tax): docs/capabilities.md#expenses. */
    readonly taxTreatment: string;
  }[];
}

type Amount = { amount: string } | null;

const amountOf = (value: Amount): number | null => (value === null ? null : parseScaled(value.amount));

const CRM_CONTRACT = `query ErpReadsContract($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Contract {
      id status aggregateVersion activatedAt legalEntity { id } account { id } billingMethod
      totalContractValue { amount currency } startDate endDate
    }
  }
}`;

export async function crmContract(ctx: ErpContext, contractId: string): Promise<CrmContract | null> {
  const data = await ctx.peers.read<{
    _entities: ({
      id: string;
      status: string;
      aggregateVersion: number;
      activatedAt: string | null;
      legalEntity: { id: string };
      account: { id: string } | null;
      billingMethod: string;
      totalContractValue: { amount: string; currency: string };
      startDate: string;
      endDate: string;
    } | null)[];
  }>('crm', CRM_CONTRACT, { representations: [{ __typename: 'Contract', id: contractId }] });
  const row = data._entities[0];
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    aggregateVersion: row.aggregateVersion,
    legalEntityId: row.legalEntity.id,
    accountId: row.account?.id ?? null,
    billingMethod: row.billingMethod,
    tcvE4: parseScaled(row.totalContractValue.amount),
    currency: row.totalContractValue.currency,
    startDate: row.startDate,
    endDate: row.endDate,
    activatedAt: row.activatedAt,
  };
}

const PSA_DELIVERY = `query ErpReadsDelivery($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Contract {
      lines { billingMethod amount { amount } notToExceed { amount } rateCard { id } }
      projects { id legalEntity { id } plannedRevenue { amount } milestones { amount { amount } } }
    }
  }
}`;

export async function psaDelivery(ctx: ErpContext, contractId: string): Promise<PsaDelivery> {
  const data = await ctx.peers.read<{
    _entities: ({
      lines: { billingMethod: string; amount: Amount; notToExceed: Amount; rateCard: { id: string } | null }[];
      projects: { id: string; legalEntity: { id: string }; plannedRevenue: Amount; milestones: { amount: { amount: string } }[] }[];
    } | null)[];
  }>('psa', PSA_DELIVERY, { representations: [{ __typename: 'Contract', id: contractId }] });
  const row = data._entities[0];
  return {
    lines: (row?.lines ?? []).map((line) => ({
      billingMethod: line.billingMethod,
      amountE4: amountOf(line.amount),
      notToExceedE4: amountOf(line.notToExceed),
      rateCardId: line.rateCard?.id ?? null,
    })),
    projects: (row?.projects ?? []).map((project) => ({
      id: project.id,
      legalEntityId: project.legalEntity.id,
      plannedRevenueE4: amountOf(project.plannedRevenue),
      milestoneAmountsE4: project.milestones.map((milestone) => parseScaled(milestone.amount.amount)),
    })),
  };
}

const PSA_DRAFT = `query ErpReadsBillingDraft($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on BillingDraft {
      id status aggregateVersion project { id legalEntity { id } } contract { id } legalEntity { id } customer { id }
      summaryAmount { amount currency } invoice { id } invoiceNumber
      items { sourceType sourceId description quantity unitPrice { amount } amount { amount } taxTreatment }
    }
  }
}`;

export async function psaBillingDraft(ctx: ErpContext, draftId: string): Promise<PsaBillingDraft | null> {
  const data = await ctx.peers.read<{
    _entities: ({
      id: string;
      status: string;
      aggregateVersion: number;
      project: { id: string; legalEntity: { id: string } };
      contract: { id: string } | null;
      legalEntity: { id: string };
      customer: { id: string } | null;
      summaryAmount: { amount: string; currency: string };
      invoice: { id: string } | null;
      invoiceNumber: string | null;
      items: {
        sourceType: string;
        sourceId: string;
        description: string;
        quantity: string;
        unitPrice: { amount: string };
        amount: { amount: string };
        taxTreatment: string;
      }[];
    } | null)[];
  }>('psa', PSA_DRAFT, { representations: [{ __typename: 'BillingDraft', id: draftId }] });
  const row = data._entities[0];
  // A draft whose customer the caller may not see is hidden like the draft itself.
  if (!row || !row.customer) return null;
  return {
    id: row.id,
    status: row.status,
    aggregateVersion: row.aggregateVersion,
    projectId: row.project.id,
    projectLegalEntityId: row.project.legalEntity.id,
    contractId: row.contract?.id ?? null,
    legalEntityId: row.legalEntity.id,
    accountId: row.customer.id,
    summaryE4: parseScaled(row.summaryAmount.amount),
    currency: row.summaryAmount.currency,
    invoiceId: row.invoice?.id ?? null,
    invoiceNumber: row.invoiceNumber,
    items: row.items.map((item) => ({
      sourceType: item.sourceType,
      sourceId: item.sourceId,
      description: item.description,
      quantityE2: parseScaled(item.quantity, HOURS_SCALE),
      unitPriceE4: parseScaled(item.unitPrice.amount),
      amountE4: parseScaled(item.amount.amount),
      taxTreatment: item.taxTreatment,
    })),
  };
}

/** The CRM's account, as enableCustomerBilling needs it. */
export interface CrmAccount {
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

const CRM_ACCOUNT = `query ErpReadsAccount($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Account { id name type } }
}`;

/** The account as the CRM shows it to the caller, or null when it does not exist there for the caller. */
export async function crmAccount(ctx: ErpContext, accountId: string): Promise<CrmAccount | null> {
  const data = await ctx.peers.read<{ _entities: (CrmAccount | null)[] }>('crm', CRM_ACCOUNT, {
    representations: [{ __typename: 'Account', id: accountId }],
  });
  const row = data._entities[0];
  return row ? { id: row.id, name: row.name, type: row.type } : null;
}
