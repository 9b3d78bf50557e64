import { groupLoader, priming, rowLoader } from '../runtime/loaders.ts';
import type { ErpStore } from './store.ts';

/** The ERP's per-request loaders: one SQL statement per relation per request tick. */
export function createErpLoaders(store: ErpStore) {
  const invoice = rowLoader((ids: readonly string[]) => store.invoicesByIds(ids), (row) => row.id);
  return {
    legalEntity: rowLoader((ids: readonly string[]) => store.legalEntitiesByIds(ids), (row) => row.id),
    period: rowLoader((ids: readonly string[]) => store.periodsByIds(ids), (row) => row.id),
    periodsByLegalEntity: groupLoader((ids: readonly string[]) => store.periodsByLegalEntityIds(ids), (row) => row.legal_entity_id),
    taxProfile: rowLoader((ids: readonly string[]) => store.taxProfilesByIds(ids), (row) => row.id),
    rateCard: rowLoader((ids: readonly string[]) => store.rateCardsByIds(ids), (row) => row.id),
    rateCardLines: groupLoader((ids: readonly string[]) => store.rateCardLinesByRateCardIds(ids), (row) => row.rate_card_id),
    billingProfilesByAccount: groupLoader((ids: readonly string[]) => store.billingProfilesByAccountIds(ids), (row) => row.account_id),
    contractTerms: rowLoader((ids: readonly string[]) => store.contractTermsByContractIds(ids), (row) => row.contract_id),
    erpProject: rowLoader((ids: readonly string[]) => store.erpProjectsByProjectIds(ids), (row) => row.project_id),
    invoice,
    invoicesByAccount: groupLoader(priming((ids: readonly string[]) => store.invoicesByAccountIds(ids), invoice), (row) => row.account_id),
    invoicesByContract: groupLoader(priming((ids: readonly string[]) => store.invoicesByContractIds(ids), invoice), (row) => row.contract_id ?? ''),
    invoicesByProject: groupLoader(priming((ids: readonly string[]) => store.invoicesByProjectIds(ids), invoice), (row) => row.project_id ?? ''),
    linesByInvoice: groupLoader((ids: readonly string[]) => store.invoiceLinesByInvoiceIds(ids), (row) => row.invoice_id),
    billedByProject: groupLoader((ids: readonly string[]) => store.billedByProjectIds(ids), (row) => row.key),
    receivablesByAccount: groupLoader((ids: readonly string[]) => store.openReceivablesByAccountIds(ids), (row) => row.key),
    payment: rowLoader((ids: readonly string[]) => store.paymentsByIds(ids), (row) => row.id),
    applicationsByPayment: groupLoader((ids: readonly string[]) => store.applicationsByPaymentIds(ids), (row) => row.payment_id),
    applicationsByInvoice: groupLoader((ids: readonly string[]) => store.applicationsByInvoiceIds(ids), (row) => row.invoice_id),
    revenueSchedule: rowLoader((ids: readonly string[]) => store.revenueSchedulesByIds(ids), (row) => row.id),
    revenueSchedulesByProject: groupLoader((ids: readonly string[]) => store.revenueSchedulesByProjectIds(ids), (row) => row.project_id),
  };
}

export type ErpLoaders = ReturnType<typeof createErpLoaders>;
