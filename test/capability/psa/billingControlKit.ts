/** Mutation documents of the billing controls (every payload field selected), shared by their suites. */
const ENVELOPE = 'userErrors { code message field } warnings { code message field } replayed';

export const HOLD_FIELDS = 'id project { id } sourceType sourceId status reason heldAt releasedAt aggregateVersion';
export const WRITE_OFF_FIELDS = `id project { id } sourceType sourceId amount { amount currency } reasonCode reasonText status
  requestedAt decidedAt decisionNote aggregateVersion`;
const DRAFT_FIELDS = `id status summaryAmount { amount currency } items { sourceType sourceId amount { amount currency } }
  releasedItems { sourceType sourceId amount { amount currency } } aggregateVersion`;

function document(field: string, entities: string, input = `${field[0]!.toUpperCase()}${field.slice(1)}Input`): string {
  return `mutation ${field[0]!.toUpperCase()}${field.slice(1)}($input: ${input}!) { ${field}(input: $input) { ${entities} ${ENVELOPE} } }`;
}

export const PLACE_HOLD = document('placeBillingHold', `billingHold { ${HOLD_FIELDS} }`);
export const RELEASE_HOLD = document('releaseBillingHold', `billingHold { ${HOLD_FIELDS} }`);
export const DISCARD_DRAFT = document('discardBillingDraft', `billingDraft { ${DRAFT_FIELDS} }`);
export const REQUEST_WRITE_OFF = document('requestSourceWriteOff', `sourceWriteOff { ${WRITE_OFF_FIELDS} }`);
export const APPROVE_WRITE_OFF = document('approveSourceWriteOff', `sourceWriteOff { ${WRITE_OFF_FIELDS} }`, 'DecideSourceWriteOffInput');
export const REJECT_WRITE_OFF = document('rejectSourceWriteOff', `sourceWriteOff { ${WRITE_OFF_FIELDS} }`);
