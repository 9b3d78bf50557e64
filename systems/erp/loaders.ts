import type { RecordScope } from '../../policies/recordScope.ts';
import { groupLoader, priming, rowLoader } from '../kernel/loaders.ts';
import { visibleRows, visibleThroughParent } from '../kernel/visibleRows.ts';
import type { ErpStore } from './store.ts';

/**
 * The ERP's per-request loaders: one SQL statement per relation per request tick, and only rows in
 * the caller's record scope: every financial record carries its legal entity, customer records
 * their account; revenue schedules are visible through their project.
 */
export function createErpLoaders(store: ErpStore, scope: RecordScope) {
  const ofLegalEntity = { legalEntity: (row: { legal_entity_id: string }) => row.legal_entity_id };
  const ofCustomer = { ...ofLegalEntity, account: (row: { account_id: string }) => row.account_id };
  const invoice = rowLoader(visibleRows((ids: readonly string[]) => store.invoicesByIds(ids), scope, ofCustomer), (row) => row.id);
  const erpProject = rowLoader(
    visibleRows((ids: readonly string[]) => store.erpProjectsByProjectIds(ids), scope, { ...ofLegalEntity, account: (row: { account_id: string | null }) => row.account_id }),
    (row) => row.project_id,
  );
  return {
    legalEntity: rowLoader(visibleRows((ids: readonly string[]) => store.legalEntitiesByIds(ids), scope, { legalEntity: (row) => row.id }), (row) => row.id),
    period: rowLoader(visibleRows((ids: readonly string[]) => store.periodsByIds(ids), scope, ofLegalEntity), (row) => row.id),
    periodsByLegalEntity: groupLoader(visibleRows((ids: readonly string[]) => store.periodsByLegalEntityIds(ids), scope, ofLegalEntity), (row) => row.legal_entity_id),
    taxProfile: rowLoader((ids: readonly string[]) => store.taxProfilesByIds(ids), (row) => row.id),
    rateCard: rowLoader(visibleRows((ids: readonly string[]) => store.rateCardsByIds(ids), scope, ofLegalEntity), (row) => row.id),
    rateCardLines: groupLoader((ids: readonly string[]) => store.rateCardLinesByRateCardIds(ids), (row) => row.rate_card_id),
    billingProfilesByAccount: groupLoader(visibleRows((ids: readonly string[]) => store.billingProfilesByAccountIds(ids), scope, ofCustomer), (row) => row.account_id),
    contractTerms: rowLoader((ids: readonly string[]) => store.contractTermsByContractIds(ids), (row) => row.contract_id),
    erpProject,
    invoice,
    invoicesByAccount: groupLoader(priming(visibleRows((ids: readonly string[]) => store.invoicesByAccountIds(ids), scope, ofCustomer), invoice), (row) => row.account_id),
    invoicesByContract: groupLoader(priming(visibleRows((ids: readonly string[]) => store.invoicesByContractIds(ids), scope, ofCustomer), invoice), (row) => row.contract_id ?? ''),
    invoicesByProject: groupLoader(priming(visibleRows((ids: readonly string[]) => store.invoicesByProjectIds(ids), scope, ofCustomer), invoice), (row) => row.project_id ?? ''),
    linesByInvoice: groupLoader((ids: readonly string[]) => store.invoiceLinesByInvoiceIds(ids), (row) => row.invoice_id),
    billedByProject: groupLoader((ids: readonly string[]) => store.billedByProjectIds(ids), (row) => row.key),
    receivablesByAccount: groupLoader((ids: readonly string[]) => store.openReceivablesByAccountIds(ids, scope), (row) => row.key),
    payment: rowLoader(visibleRows((ids: readonly string[]) => store.paymentsByIds(ids), scope, ofCustomer), (row) => row.id),
    applicationsByPayment: groupLoader((ids: readonly string[]) => store.applicationsByPaymentIds(ids), (row) => row.payment_id),
    applicationsByInvoice: groupLoader((ids: readonly string[]) => store.applicationsByInvoiceIds(ids), (row) => row.invoice_id),
    revenueSchedule: rowLoader(visibleThroughParent((ids: readonly string[]) => store.revenueSchedulesByIds(ids), erpProject, (row) => row.project_id), (row) => row.id),
    revenueScheduleLines: groupLoader((ids: readonly string[]) => store.revenueScheduleLinesByScheduleIds(ids), (row) => row.schedule_id),
    creditMemosByInvoice: groupLoader(priming(visibleRows((ids: readonly string[]) => store.creditMemosByOriginalInvoiceIds(ids), scope, ofCustomer), invoice), (row) => row.original_invoice_id ?? ''),
    revenueSchedulesByProject: groupLoader(visibleThroughParent((ids: readonly string[]) => store.revenueSchedulesByProjectIds(ids), erpProject, (row) => row.project_id), (row) => row.project_id),
  };
}

export type ErpLoaders = ReturnType<typeof createErpLoaders>;
