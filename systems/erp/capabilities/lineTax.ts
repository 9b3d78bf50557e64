/**
 * The tax of an invoice line (docs/capabilities.md#expenses): a STANDARD line (time, milestones,
 * fees, an expense recharged as part of the service) is taxed at the invoice's tax profile, its
 * default code and rate; a DISBURSEMENT (an expense paid as the customer's agent and passed on
 * at cost) is outside the scope of tax: tax code DISBURSEMENT, no tax.
 */
import { taxOn } from '../../kernel/decimal.ts';
import type { TaxProfile } from '../ports/types.ts';

/** The tax code of a disbursement line: outside the scope of tax. */
export const DISBURSEMENT_TAX_CODE = 'DISBURSEMENT';

export function lineTax(
  item: { readonly amountE4: number; readonly taxTreatment?: string | null },
  profile: Pick<TaxProfile, 'defaultTaxCode' | 'ratePercentE4'>,
  currency: string,
): { taxCode: string; taxE4: number } {
  if (item.taxTreatment === 'DISBURSEMENT') return { taxCode: DISBURSEMENT_TAX_CODE, taxE4: 0 };
  return { taxCode: profile.defaultTaxCode, taxE4: taxOn(item.amountE4, profile.ratePercentE4, currency) };
}
