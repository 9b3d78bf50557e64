/** The corrections' mutations as the gateway suites call them (creditLines.test.ts, corrections.property.test.ts). */
const INVOICE = `id invoiceNumber status aggregateVersion amountCredited { amount currency } amountDue { amount currency } amountPaid { amount currency }`;
const MEMO = `id invoiceNumber kind status originalInvoice { id } subtotal { amount currency } taxTotal { amount currency } total { amount currency }
  lines { lineNumber description quantity amount { amount currency } taxAmount { amount currency } creditedLineId }`;
const CREDIT = `id status currency amount { amount currency } applied { amount currency } refunded { amount currency } remaining { amount currency } aggregateVersion`;

export const CREDIT_LINES = `mutation CreditLines($input: CreditInvoiceLinesInput!) {
  creditInvoiceLines(input: $input) {
    __typename
    ... on CreditInvoiceLinesSuccess { creditMemo { ${MEMO} } invoice { ${INVOICE} } customerCredit { ${CREDIT} } warnings { code } replayed }
    ... on CapabilityFailure { errors { code message field } replayed }
  }
}`;
export const VOID = `mutation Void($input: VoidInvoiceInput!) {
  voidInvoice(input: $input) {
    __typename
    ... on VoidInvoiceSuccess { creditMemo { ${MEMO} } invoice { ${INVOICE} } customerCredit { id } replayed }
    ... on CapabilityFailure { errors { code message field } replayed }
  }
}`;
export const APPLY_CREDIT = `mutation ApplyCredit($input: ApplyCustomerCreditInput!) {
  applyCustomerCredit(input: $input) {
    __typename
    ... on ApplyCustomerCreditSuccess { customerCredit { ${CREDIT} } invoice { ${INVOICE} } replayed }
    ... on CapabilityFailure { errors { code message field } replayed }
  }
}`;
export const REFUND_CREDIT = `mutation Refund($input: RefundCustomerCreditInput!) {
  refundCustomerCredit(input: $input) {
    __typename
    ... on RefundCustomerCreditSuccess { customerCredit { ${CREDIT} } refund { kind amount { amount currency } usedOn method reference invoice { id } } replayed }
    ... on CapabilityFailure { errors { code message field } replayed }
  }
}`;
