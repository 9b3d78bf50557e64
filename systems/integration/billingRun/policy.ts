/**
 * The release policy of a billing run and how it reads the systems' refusals
 * (docs/processes.md#billing-run-policy). A draft is released (posted as an invoice) only when
 * its customer is not on credit hold in the legal entity and the accounting period of the invoice
 * date is OPEN; otherwise it stays IN_REVIEW in the PSA and the project is HELD with the reason and
 * who can lift it. A refusal of a step is never the end of the run: it becomes the project's
 * outcome (HELD when someone can lift it and the draft or time waits, REFUSED when the data must
 * change first, NOTHING_TO_BILL when there is nothing to do).
 */
import type { ProjectOutcome } from './tables.ts';

/** Who can fix what holds or refuses a project (docs/processes.md#billing-run-policy). */
export const OWNERS = {
  creditControl: 'ERP credit control',
  finance: 'ERP finance',
  contracts: 'CRM contract management',
  delivery: 'PSA project manager',
} as const;

export interface Verdict {
  readonly status: Extract<ProjectOutcome, 'HELD' | 'REFUSED' | 'NOTHING_TO_BILL'>;
  readonly code: string;
  readonly reason: string;
  readonly owner: string | null;
}

/** What the policy looks at before releasing a draft: read from the ERP just before. */
export interface ReleaseFacts {
  readonly creditHold: boolean;
  /** The status of the legal entity's period holding the invoice date, null when there is none. */
  readonly periodStatus: string | null;
  readonly periodName: string | null;
}

/** Null: release the draft. Otherwise why it is held. */
export function releaseVerdict(facts: ReleaseFacts, customerId: string | null, invoiceDate: string): Verdict | null {
  if (facts.creditHold) {
    return {
      status: 'HELD',
      code: 'CUSTOMER_ON_CREDIT_HOLD',
      reason: `Customer ${customerId ?? '?'} is on credit hold: the draft stays in review until the hold is lifted.`,
      owner: OWNERS.creditControl,
    };
  }
  if (facts.periodStatus !== 'OPEN') {
    return {
      status: 'HELD',
      code: 'PERIOD_CLOSED',
      reason:
        facts.periodName === null
          ? `No accounting period holds the invoice date ${invoiceDate}: the draft stays in review.`
          : `Period ${facts.periodName} of the invoice date ${invoiceDate} is ${facts.periodStatus}: the draft stays in review.`,
      owner: OWNERS.finance,
    };
  }
  return null;
}

/** Codes whose fix is someone else's action on the same data (the sources wait, the next run bills them). */
const HOLD_CODES: Readonly<Record<string, string>> = {
  CUSTOMER_ON_CREDIT_HOLD: OWNERS.creditControl,
  PERIOD_CLOSED: OWNERS.finance,
};

/** Who fixes a refusal, by code; anything else is the project manager's to look at. */
const REFUSAL_OWNERS: Readonly<Record<string, string>> = {
  CONTRACT_NOT_ACTIVE: OWNERS.contracts,
  NTE_EXCEEDED: OWNERS.contracts,
  CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY: OWNERS.finance,
  TAX_PROFILE_UNRESOLVED: OWNERS.finance,
  PAYMENT_TERMS_MISSING: OWNERS.finance,
  PO_REQUIRED: OWNERS.finance,
  LEGAL_ENTITY_MISMATCH: OWNERS.finance,
  CURRENCY_MISMATCH: OWNERS.finance,
};

/** The outcome of a step the system refused with `code` (a userError). */
export function refusalVerdict(code: string, message: string): Verdict {
  if (code === 'NOTHING_TO_BILL') return { status: 'NOTHING_TO_BILL', code, reason: message, owner: null };
  const holder = HOLD_CODES[code];
  if (holder) return { status: 'HELD', code, reason: message, owner: holder };
  return { status: 'REFUSED', code, reason: message, owner: REFUSAL_OWNERS[code] ?? OWNERS.delivery };
}
