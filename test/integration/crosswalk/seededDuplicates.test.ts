/**
 * The match rules on the `m` demo data (docs/crosswalk.md#match-rules, docs/demo-data.md#tax-ids):
 * 2,000 Salesforce accounts, 1,000 HubSpot companies, the first 120 of which duplicate a Salesforce
 * account. Every duplicate is found, and nothing else scores as high: about half share their
 * original's tax id (100), the others their domain and name (90).
 */
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../../seed/generate.ts';
import { matchCandidates, type MatchRecord } from '../../../systems/integration/crosswalk/matching.ts';

describe('the seeded post-merger duplicates of the m demo data', () => {
  it('are all found: 59 with the same tax id, domain and name (100), 61 with the same domain and name (90)', () => {
    const { crm } = generateDataset({ scale: 'm' });
    const records = (system: string): MatchRecord[] =>
      crm.accounts
        .filter((account) => account.source_system === system)
        .map((account) => ({ id: account.id, system, name: account.name, website: account.website, taxId: account.tax_id ?? null }));
    const hubspot = records('hubspot');
    // The seed writes the duplicates first among the HubSpot companies (seed/generateAccounts.ts).
    const duplicates = hubspot.slice(0, 120).map((record) => record.id);
    const candidates = matchCandidates(records('salesforce'), hubspot, 90);
    expect(candidates.map((candidate) => candidate.right.id).sort()).toEqual(duplicates.sort());
    const tally = new Map<string, number>();
    for (const { score, reasons } of candidates)
      tally.set(`${score} ${reasons.join(' ')}`, (tally.get(`${score} ${reasons.join(' ')}`) ?? 0) + 1);
    expect(Object.fromEntries(tally)).toEqual({ '100 SAME_TAX_ID SAME_DOMAIN SAME_NAME': 59, '90 SAME_DOMAIN SAME_NAME': 61 });
    // Fixture #12 among them, its EIN typed two ways.
    expect(candidates.find((candidate) => candidate.left.id === 'acc_00001')).toMatchObject({
      left: { name: 'Acme Corp', taxId: '83-1391666' },
      right: { name: 'ACME Corporation Inc.', taxId: '831391666' },
      score: 100,
    });
  }, 60_000);
});
