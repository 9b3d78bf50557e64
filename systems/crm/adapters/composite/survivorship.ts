/**
 * A merged account's attributes (docs/crosswalk.md#survivorship): each from the record its merge's
 * rule names. A system name: that system's record while it has a value, else the other's; `newest`:
 * the record its system changed last (the survivor's when either time is unknown); `survivor` or
 * anything else: the survivor's. Id, source, parent and the records under it are the survivor's; the
 * tax id too (no survivorship rule names it), or the duplicate's when the survivor has none recorded.
 */
import type { StampedAccount as Account } from './merged.ts';

type Attribute = 'name' | 'website' | 'industry' | 'segment' | 'type' | 'annualRevenue' | 'employeeCount';
const ATTRIBUTES: readonly Attribute[] = ['name', 'website', 'industry', 'segment', 'type', 'annualRevenue', 'employeeCount'];

function winnerOf(rule: string | undefined, survivor: Account, duplicate: Account): readonly [Account, Account] {
  if (rule === 'newest') {
    const newer = survivor.modifiedAt && duplicate.modifiedAt && duplicate.modifiedAt > survivor.modifiedAt;
    return newer ? [duplicate, survivor] : [survivor, duplicate];
  }
  if (rule !== undefined && duplicate.source.system === rule && survivor.source.system !== rule) return [duplicate, survivor];
  if (rule !== undefined && rule !== 'survivor' && survivor.source.system === rule) return [survivor, duplicate];
  return [survivor, survivor];
}

/** `survivor` with `duplicate`'s values where `rules` give them the attribute. */
export function survive(survivor: Account, duplicate: Account, rules: Readonly<Record<string, string>>): Account {
  const merged: Record<string, unknown> = { ...survivor };
  for (const attribute of ATTRIBUTES) {
    const [first, second] = winnerOf(rules[attribute], survivor, duplicate);
    merged[attribute] = first[attribute] ?? second[attribute];
  }
  merged.taxId = survivor.taxId ?? duplicate.taxId;
  const newest = [survivor.modifiedAt, duplicate.modifiedAt]
    .filter((at): at is string => typeof at === 'string')
    .sort()
    .at(-1);
  return { ...(merged as unknown as Account), ...(newest ? { modifiedAt: newest } : {}) };
}
