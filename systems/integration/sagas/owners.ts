/** Who can fix a BLOCKED step, by the refusal's code (docs/processes.md#blocked); else the step's owner. */
const OWNER_OF_CODE: Readonly<Record<string, string>> = {
  CUSTOMER_ON_CREDIT_HOLD: 'finance: credit control',
  CREDIT_HOLD: 'finance: credit control',
  PERIOD_CLOSED: 'finance: accounting close',
  BILLING_PROFILE_MISSING: 'finance: billing',
  RATE_CARD_MISSING: 'finance: pricing',
  TAX_PROFILE_MISSING: 'finance: tax',
};

export function ownerOf(code: string, stepOwner: string): string {
  return OWNER_OF_CODE[code] ?? stepOwner;
}
