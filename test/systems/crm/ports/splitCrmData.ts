/** The CRM records of each source system: an account's contacts, deals, lines, contracts and amendments go with it. */
import type { CrmData } from './crmData.ts';

export function splitBySystem(data: CrmData, systems: readonly string[]): CrmData[] {
  return systems.map((system) => {
    const accounts = new Set(data.accounts.filter((a) => a.source.system === system).map((a) => a.id));
    const opportunities = new Set(data.opportunities.filter((o) => accounts.has(o.accountId)).map((o) => o.id));
    const contracts = new Set(data.contracts.filter((c) => accounts.has(c.accountId)).map((c) => c.id));
    return {
      accounts: data.accounts.filter((a) => accounts.has(a.id)),
      contacts: data.contacts.filter((c) => accounts.has(c.accountId)),
      opportunities: data.opportunities.filter((o) => opportunities.has(o.id)),
      lines: data.lines.filter((l) => opportunities.has(l.opportunityId)),
      contracts: data.contracts.filter((c) => contracts.has(c.id)),
      amendments: data.amendments.filter((a) => contracts.has(a.contractId)),
    };
  });
}
