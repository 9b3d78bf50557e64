/**
 * Who may receive an event (docs/processes.md#webhooks): a subscription's owner gets an event only
 * if a read by the owner's token would show the record it is about. The decision is the read's:
 * the owner must hold the source system's read scope (`crm:read`, ...), and the record rules of the
 * named policies (`policies/recordScope.ts`, the same functions the systems filter reads with) must
 * see the event's legal entity and customer account. An event that does not name its account says
 * which records it is about (`opportunityId`, `projectId`, ...): the account is then resolved from
 * the owning system (accountResolver.ts) before anything is sent; until then nothing is sent.
 */
import { principalFromClaims, type Principal } from '../../../auth/principal.ts';
import { recordScope, restrictingRules, type RecordAttribute, type RecordScope } from '../../../policies/recordScope.ts';
import type { EventEnvelope } from '../../kernel/events/envelope.ts';

export interface Audience {
  readonly principal: Principal;
  readonly scope: RecordScope;
}

/** The audience of a subscription: its owner's stored claims, read as a token's would be. */
export function audienceOf(ownerClaimsJson: string): Audience {
  const principal = principalFromClaims(JSON.parse(ownerClaimsJson));
  return { principal, scope: recordScope(principal) };
}

/** The customer account an event names in its payload (`accountId`, or the PSA's `customerId`), if any. */
export function accountInPayload(event: Pick<EventEnvelope, 'payload'>): string | null {
  const payload = event.payload ?? {};
  for (const key of ['accountId', 'customerId']) {
    const value = payload[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

type Attributes = { readonly [A in RecordAttribute]: (event: EventEnvelope, account: string | null) => string | null };

/**
 * Where an event holds each record attribute the policies read. Typed over every attribute, so a
 * new record policy cannot leave webhooks unfiltered by omission.
 */
const ATTRIBUTES: Attributes = {
  legalEntity: (event) => event.legalEntityId,
  account: (_event, account) => account,
};

export type Admission = 'admit' | 'refuse' | 'needs-account';

/**
 * Whether `audience` may receive `event`, given its account (`undefined`: not known yet). Answers
 * `needs-account` only when the account rule restricts this audience and the account is not known.
 */
export function admits(audience: Audience, event: EventEnvelope, account: string | null | undefined): Admission {
  if (!audience.principal.scopes.has(`${event.source}:read`)) return 'refuse';
  const rules = restrictingRules(audience.scope, ATTRIBUTES);
  let needsAccount = false;
  for (const rule of rules) {
    if (rule.attribute === 'account' && account === undefined) {
      needsAccount = true;
      continue;
    }
    if (!rule.sees(rule.where(event, account ?? null))) return 'refuse';
  }
  return needsAccount ? 'needs-account' : 'admit';
}
