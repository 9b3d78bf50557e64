/**
 * The audit-trail query of a system of record (`<system>AuditLog`, scope `audit:read`): its
 * capability calls, oldest first, filtered by capability, principal, request, outcome and time,
 * within what the caller's record scope may see.
 */
import { sql, type Kysely } from 'kysely';
import type { Principal } from '../../../auth/principal.ts';
import { restricts, type RecordScope } from '../../../policies/recordScope.ts';
import { connectionOf, type PageArgs } from '../pagination.ts';
import { keysetPage } from '../sqlPage.ts';
import type { AuditLogRow, CapabilityTables } from './tables.ts';

export interface AuditFilter {
  readonly capability?: string | null;
  readonly principal?: string | null;
  readonly requestId?: string | null;
  readonly outcome?: readonly string[] | null;
  readonly from?: string | null;
  readonly to?: string | null;
}

/**
 * The resolver of a system's `<system>AuditLog` field, scoped by the customer-account rule
 * (docs/ownership.md#audit-visibility): a partner sees only the calls its own subject made; an
 * internal caller with `audit:read` sees the whole trail. An entry keeps a digest of its input, not
 * the records it touched, so it cannot be attributed to a customer after the fact; a partner's own
 * calls are the entries it certainly may see. Another caller's entries answer like missing ones:
 * absent from the page and from the count.
 */
export function auditLog(
  _: unknown,
  args: PageArgs & { filter?: AuditFilter | null },
  ctx: {
    readonly ledgerReads: Kysely<CapabilityTables>;
    readonly scope: RecordScope;
    readonly request: { readonly principal: Principal | null };
  },
) {
  return connectionOf(args, (page) => {
    const filter = args.filter ?? {};
    const own = ctx.request.principal?.sub ?? null;
    let query = ctx.ledgerReads.selectFrom('audit_log');
    if (restricts(ctx.scope, 'account')) query = own === null ? query.where(sql<boolean>`1 = 0`) : query.where('principal_sub', '=', own);
    if (filter.capability) query = query.where('capability', '=', filter.capability);
    if (filter.principal) query = query.where('principal_sub', '=', filter.principal);
    if (filter.requestId) query = query.where('request_id', '=', filter.requestId);
    if (filter.outcome?.length) query = query.where('outcome', 'in', [...filter.outcome]);
    // Instants are stored as UTC ISO text, so they compare as text once normalized.
    if (filter.from) query = query.where('occurred_at', '>=', new Date(filter.from).toISOString());
    if (filter.to) query = query.where('occurred_at', '<', new Date(filter.to).toISOString());
    return keysetPage(query, page);
  });
}

export const auditEntryResolvers = {
  occurredAt: (row: AuditLogRow) => row.occurred_at,
  requestId: (row: AuditLogRow) => row.request_id,
  principal: (row: AuditLogRow) => row.principal_sub,
  clientId: (row: AuditLogRow) => row.client_id,
  idempotencyKey: (row: AuditLogRow) => row.idempotency_key,
  inputsDigest: (row: AuditLogRow) => row.inputs_digest,
  errorCode: (row: AuditLogRow) => row.error_code,
  durationMs: (row: AuditLogRow) => row.duration_ms,
};
