/** Invoice statuses that count as billed: posted, whatever their state of payment (`billedToDate`). */
export const BILLED_INVOICE_STATUSES: readonly string[] = ['POSTED', 'PARTIALLY_PAID', 'PAID', 'CREDITED', 'WRITTEN_OFF'];

/** Invoice statuses with an amount still due (`arBalances`). */
export const OPEN_INVOICE_STATUSES: readonly string[] = ['POSTED', 'PARTIALLY_PAID'];
