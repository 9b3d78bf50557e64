/**
 * How ERP capabilities read the records they check or change: through the read port bound to the
 * call, within the caller's record scope (a hidden record answers NOT_FOUND, exactly like a missing one).
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import type { EffectResult } from '../../kernel/capability/capabilityResolvers.ts';
import type { ErpContext } from '../context.ts';
import type { ErpPorts } from '../ports/ports.ts';
import type { ErpReadPort } from '../ports/readPort.ts';
import type { AccountingPeriod, BillingProfile, Invoice, LegalEntity, Payment, TaxProfile } from '../ports/types.ts';

/** An ERP capability: its effect works through the ERP's ports. */
export type ErpCapability<Input, Result extends EffectResult, Facts = undefined> = CapabilityHandler<
  ErpPorts,
  ErpContext,
  Input,
  Result,
  Facts
>;

export async function legalEntityFor(read: ErpReadPort, id: string, field = 'legalEntityId'): Promise<LegalEntity> {
  const [entity] = await read.legalEntitiesByIds([id]);
  if (!entity) throw notFoundRejection('LegalEntity', id, field);
  return entity;
}

/** The legal entity must be ACTIVE to take new financial records. */
export function requireActive(legalEntity: LegalEntity, field: string): void {
  if (legalEntity.status !== 'ACTIVE') {
    throw rejected('LEGAL_ENTITY_INACTIVE', `Legal entity ${legalEntity.code} is ${legalEntity.status}.`, field);
  }
}

export async function invoiceFor(read: ErpReadPort, id: string, field = 'invoiceId'): Promise<Invoice> {
  const [invoice] = await read.invoicesByIds([id]);
  if (!invoice) throw notFoundRejection('Invoice', id, field);
  return invoice;
}

export async function paymentFor(read: ErpReadPort, id: string, field = 'paymentId'): Promise<Payment> {
  const [payment] = await read.paymentsByIds([id]);
  if (!payment) throw notFoundRejection('Payment', id, field);
  return payment;
}

/** The customer's billing profile in the legal entity, or CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY. */
export async function billingProfileFor(
  read: ErpReadPort,
  accountId: string,
  legalEntity: LegalEntity,
  field: string,
): Promise<BillingProfile> {
  const profile = (await read.billingProfilesByAccountIds([accountId])).find((candidate) => candidate.legalEntityId === legalEntity.id);
  if (!profile) {
    throw rejected(
      'CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY',
      `Customer ${accountId} has no billing profile in legal entity ${legalEntity.code}.`,
      field,
    );
  }
  return profile;
}

/** The first tax profile that exists among `candidates` (most specific first), or TAX_PROFILE_UNRESOLVED. */
export async function resolveTaxProfile(
  read: ErpReadPort,
  candidates: readonly (string | null)[],
  what: string,
  field: string,
): Promise<TaxProfile> {
  const ids = candidates.filter((id): id is string => id !== null);
  const profiles = await read.taxProfilesByIds(ids);
  for (const id of ids) {
    const profile = profiles.find((candidate) => candidate.id === id);
    if (profile) return profile;
  }
  throw rejected('TAX_PROFILE_UNRESOLVED', `No tax profile applies to ${what} (neither the customer's nor the legal entity's).`, field);
}

/** The accounting period of `date` in the legal entity; PERIOD_CLOSED unless it is OPEN. */
export async function openPeriodOf(read: ErpReadPort, legalEntity: LegalEntity, date: string, field: string): Promise<AccountingPeriod> {
  const period = (await read.periodsByLegalEntityIds([legalEntity.id])).find(
    (candidate) => candidate.startDate <= date && date <= candidate.endDate,
  );
  if (!period) throw rejected('PERIOD_CLOSED', `Legal entity ${legalEntity.code} has no accounting period for ${date}.`, field);
  if (period.status !== 'OPEN') throw rejected('PERIOD_CLOSED', `Period ${period.name} of ${legalEntity.code} is ${period.status}.`, field);
  return period;
}

/** A date plus `days` (ISO dates, UTC calendar). */
export function addDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** What is still open on an invoice: neither paid, credited nor written off (docs/invariants.md#inv-21). */
export function openBalance(invoice: Invoice): number {
  return invoice.totalE4 - invoice.amountPaidE4 - invoice.amountCreditedE4 - invoice.amountWrittenOffE4;
}

/** How messages name an invoice or credit memo: by its legal number. */
export function invoiceLabel(invoice: Invoice): string {
  return `${invoice.kind === 'CREDIT_MEMO' ? 'Credit memo' : 'Invoice'} ${invoice.invoiceNumber}`;
}
