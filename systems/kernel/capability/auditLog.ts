/**
 * The audit-trail query of a system of record (`<system>AuditLog`, scope `audit:read`): its
 * capability calls, oldest first, filtered by capability, principal, request, outcome and time.
 */
import type { Kysely } from 'kysely';
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

/** The resolver of a system's `<system>AuditLog` field. */
export function auditLog(
  _: unknown,
  args: PageArgs & { filter?: AuditFilter | null },
  ctx: { readonly ledgerReads: Kysely<CapabilityTables> },
) {
  return connectionOf(args, (page) => {
    const filter = args.filter ?? {};
    let query = ctx.ledgerReads.selectFrom('audit_log');
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
