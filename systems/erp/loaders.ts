import { groupLoader, priming, rowLoader } from '../kernel/loaders.ts';
import type { ErpReadPort } from './ports/readPort.ts';

/**
 * The ERP's per-request loaders over the caller's scoped read port: one read per relation per
 * request tick, and only records in the caller's record scope (the port answers nothing else).
 */
export function createErpLoaders(read: ErpReadPort) {
  const invoice = rowLoader(
    (ids: readonly string[]) => read.invoicesByIds(ids),
    (row) => row.id,
  );
  return {
    legalEntity: rowLoader(
      (ids: readonly string[]) => read.legalEntitiesByIds(ids),
      (row) => row.id,
    ),
    period: rowLoader(
      (ids: readonly string[]) => read.periodsByIds(ids),
      (row) => row.id,
    ),
    periodsByLegalEntity: groupLoader(
      (ids: readonly string[]) => read.periodsByLegalEntityIds(ids),
      (row) => row.legalEntityId,
    ),
    taxProfile: rowLoader(
      (ids: readonly string[]) => read.taxProfilesByIds(ids),
      (row) => row.id,
    ),
    rateCard: rowLoader(
      (ids: readonly string[]) => read.rateCardsByIds(ids),
      (row) => row.id,
    ),
    rateCardLines: groupLoader(
      (ids: readonly string[]) => read.rateCardLinesByRateCardIds(ids),
      (row) => row.rateCardId,
    ),
    billingProfilesByAccount: groupLoader(
      (ids: readonly string[]) => read.billingProfilesByAccountIds(ids),
      (row) => row.accountId,
    ),
    contractTerms: rowLoader(
      (ids: readonly string[]) => read.contractTermsByContractIds(ids),
      (row) => row.contractId,
    ),
    erpProject: rowLoader(
      (ids: readonly string[]) => read.erpProjectsByProjectIds(ids),
      (row) => row.projectId,
    ),
    invoice,
    invoicesByAccount: groupLoader(
      priming((ids: readonly string[]) => read.invoicesByAccountIds(ids), invoice),
      (row) => row.accountId,
    ),
    invoicesByContract: groupLoader(
      priming((ids: readonly string[]) => read.invoicesByContractIds(ids), invoice),
      (row) => row.contractId ?? '',
    ),
    invoicesByProject: groupLoader(
      priming((ids: readonly string[]) => read.invoicesByProjectIds(ids), invoice),
      (row) => row.projectId ?? '',
    ),
    linesByInvoice: groupLoader(
      (ids: readonly string[]) => read.invoiceLinesByInvoiceIds(ids),
      (row) => row.invoiceId,
    ),
    billedByProject: groupLoader(
      (ids: readonly string[]) => read.billedByProjectIds(ids),
      (row) => row.key,
    ),
    receivablesByAccount: groupLoader(
      (ids: readonly string[]) => read.openReceivablesByAccountIds(ids),
      (row) => row.key,
    ),
    payment: rowLoader(
      (ids: readonly string[]) => read.paymentsByIds(ids),
      (row) => row.id,
    ),
    applicationsByPayment: groupLoader(
      (ids: readonly string[]) => read.applicationsByPaymentIds(ids),
      (row) => row.paymentId,
    ),
    applicationsByInvoice: groupLoader(
      (ids: readonly string[]) => read.applicationsByInvoiceIds(ids),
      (row) => row.invoiceId,
    ),
    revenueSchedule: rowLoader(
      (ids: readonly string[]) => read.revenueSchedulesByIds(ids),
      (row) => row.id,
    ),
    revenueScheduleLines: groupLoader(
      (ids: readonly string[]) => read.revenueScheduleLinesByScheduleIds(ids),
      (row) => row.scheduleId,
    ),
    creditMemosByInvoice: groupLoader(
      priming((ids: readonly string[]) => read.creditMemosByOriginalInvoiceIds(ids), invoice),
      (row) => row.originalInvoiceId ?? '',
    ),
    revenueSchedulesByProject: groupLoader(
      (ids: readonly string[]) => read.revenueSchedulesByProjectIds(ids),
      (row) => row.projectId,
    ),
  };
}

export type ErpLoaders = ReturnType<typeof createErpLoaders>;
