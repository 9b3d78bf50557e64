/** The ERP's capabilities, by Mutation field (their names and versions are declared in schema/erp.graphql). */
import { activateContract, activateContractV2 } from './activateContract.ts';
import { approveContractAmendment } from './approveContractAmendment.ts';
import { placeCreditHold, releaseCreditHold } from './creditHold.ts';
import { issueCreditMemo } from './creditMemo.ts';
import { creditInvoiceLines, voidInvoice } from './creditLines.ts';
import { applyCustomerCredit, refundCustomerCredit } from './customerCredits.ts';
import { enableCustomerBilling } from './enableCustomerBilling.ts';
import { applyPayment, recordPayment } from './payments.ts';
import { approveReceivableWriteOff, rejectReceivableWriteOff, requestReceivableWriteOff } from './receivableWriteOff.ts';
import { recognizeRevenueForPeriod } from './recognizeRevenue.ts';
import { releaseInvoice, releaseInvoiceV2 } from './releaseInvoice.ts';

export const erpCapabilities = {
  enableCustomerBilling,
  placeCreditHold,
  releaseCreditHold,
  activateContract,
  activateContractV2,
  approveContractAmendment,
  releaseInvoice,
  releaseInvoiceV2,
  recordPayment,
  applyPayment,
  issueCreditMemo,
  creditInvoiceLines,
  voidInvoice,
  applyCustomerCredit,
  refundCustomerCredit,
  requestReceivableWriteOff,
  approveReceivableWriteOff,
  rejectReceivableWriteOff,
  recognizeRevenueForPeriod,
};
