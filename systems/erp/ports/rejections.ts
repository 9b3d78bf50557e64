/**
 * The rejections only the system of record can decide (a unique claim or a version lost to a
 * concurrent call), worded once for every adapter.
 */
import { rejected, type CapabilityRejected } from '../../kernel/capability/rejection.ts';

/** The billing draft is already posted (as `invoiceNumber`, when the store knows it). */
export function alreadyBilled(draftId: string, invoiceNumber?: string): CapabilityRejected {
  return rejected(
    'SOURCE_ALREADY_BILLED',
    `Billing draft ${draftId} is already invoiced${invoiceNumber ? ` as ${invoiceNumber}` : ''}.`,
    'billingDraftId',
  );
}

/** A number the PSA recorded for a draft belongs to another invoice by now. */
export function recordedNumberTaken(draftId: string, invoiceNumber: string): CapabilityRejected {
  return rejected(
    'PRECONDITION_FAILED',
    `The PSA recorded invoice number ${invoiceNumber} for draft ${draftId}, ` +
      'which the ERP has since given another invoice: reconcile them by hand.',
    'billingDraftId',
  );
}

export function duplicatePayment(bankReference: string): CapabilityRejected {
  return rejected(
    'DUPLICATE_PAYMENT',
    `A payment with bank reference ${JSON.stringify(bankReference)} is already recorded.`,
    'bankReference',
  );
}

export function termsChanged(contractId: string): CapabilityRejected {
  return rejected('VERSION_CONFLICT', `The ERP terms of contract ${contractId} changed while this call ran.`, 'expectedVersion');
}

/** An aggregate moved since the caller read it. */
export function changedMeanwhile(entity: string, id: string): CapabilityRejected {
  return rejected(
    'VERSION_CONFLICT',
    `${entity} ${JSON.stringify(id)} changed while this call ran. Read it again, then decide.`,
    'expectedVersion',
  );
}

export function recognitionConflict(): CapabilityRejected {
  return rejected(
    'VERSION_CONFLICT',
    'Another recognition run for this period committed first. Run it again: it picks up what is left.',
    'periodId',
  );
}
