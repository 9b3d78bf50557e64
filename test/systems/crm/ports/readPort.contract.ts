/**
 * The CRM read-port contract: the same assertions against every adapter (SQL on SQLite and
 * PostgreSQL, the in-memory remote one). Each adapter's test file loads the same canonical records
 * and hands over the port factory; the suite compares answers with values computed from the data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { principalFromClaims } from '../../../../auth/principal.ts';
import { recordScope, type RecordScope } from '../../../../policies/recordScope.ts';
import { encodeCursor } from '../../../../systems/kernel/pagination.ts';
import type { CrmReadPort } from '../../../../systems/crm/ports/readPort.ts';
import { byId } from '../../../harness/expectations.ts';
import { ALL_RECORDS, expectEveryMethodScoped } from '../../../harness/recordPolicyProbe.ts';
import { crmData, type CrmData } from './crmData.ts';

export interface OpenCrmReads {
  reads(scope: RecordScope): CrmReadPort;
  close(): Promise<void>;
}

const EVERYTHING = ALL_RECORDS;
const ALL = { first: 500, afterId: null };

function scopeOf(claims: { legal_entities: string | string[]; partner_accounts?: string[] }): RecordScope {
  return recordScope(principalFromClaims({ sub: 'read-port-contract', ...claims }));
}

export function crmReadPortContract(adapter: string, open: (data: CrmData) => Promise<OpenCrmReads>): void {
  describe(`CRM read port on ${adapter}`, () => {
    const data = crmData();
    let system: OpenCrmReads;
    const read = (scope: RecordScope = EVERYTHING) => system.reads(scope);

    beforeAll(async () => {
      system = await open(data);
    });
    afterAll(async () => {
      await system?.close();
    });

    it('holds exactly the loaded records', async () => {
      expect(byId(await read().accountsByIds(data.accounts.map((a) => a.id)))).toEqual(byId(data.accounts));
      expect(byId(await read().contactsByIds(data.contacts.map((c) => c.id)))).toEqual(byId(data.contacts));
      expect(byId(await read().opportunitiesByIds(data.opportunities.map((o) => o.id)))).toEqual(byId(data.opportunities));
      expect(await read().opportunityLinesByOpportunityIds(data.opportunities.map((o) => o.id))).toEqual(byId(data.lines));
      expect(byId(await read().contractsByIds(data.contracts.map((c) => c.id)))).toEqual(byId(data.contracts));
      expect(await read().contractAmendmentsByContractIds(data.contracts.map((c) => c.id))).toEqual(data.amendments);
    });

    it('answers each contact with its source CRM and its id there, and each account with its tax id as its CRM holds it', async () => {
      // The seed's first Salesforce contact (of "Acme Corp") and first HubSpot one (of "ACME Corporation Inc.").
      expect(byId(await read().contactsByIds(['con_00112', 'con_00001'])).map((contact) => [contact.id, contact.source])).toEqual([
        ['con_00001', { system: 'salesforce', id: '003x6pHvPjdbBI7C4G' }],
        ['con_00112', { system: 'hubspot', id: '1000001110' }],
      ]);
      expect((await read().contactsByAccountIds(['acc_00046'])).map((contact) => contact.source)).toEqual([
        { system: 'hubspot', id: '1000001110' },
        { system: 'hubspot', id: '1000001125' },
        { system: 'hubspot', id: '1000001131' },
        { system: 'hubspot', id: '1000001148' },
      ]);
      // The same EIN, as each CRM typed it; an account with none recorded.
      expect(
        byId(await read().accountsByIds(['acc_00046', 'acc_00001', 'acc_00003'])).map((account) => [account.id, account.taxId]),
      ).toEqual([
        ['acc_00001', '83-1391666'],
        ['acc_00003', null],
        ['acc_00046', '831391666'],
      ]);
    });

    it('answers a batch lookup with only the records that exist, and no keys with no records', async () => {
      const [first] = data.accounts;
      expect(await read().accountsByIds([first!.id, 'acc_missing'])).toEqual([first]);
      expect(await read().accountsByIds([])).toEqual([]);
      expect(await read().contractsByOpportunityIds([])).toEqual([]);
    });

    it('walks a keyset-paginated list in ID order without gaps or repeats', async () => {
      const seen: string[] = [];
      let afterId: string | null = null;
      for (;;) {
        const page = await read().accountsPage({}, { first: 7, afterId });
        expect(page.total).toBe(data.accounts.length);
        seen.push(...page.rows.slice(0, 7).map((row) => row.id));
        if (page.rows.length <= 7) break;
        afterId = page.rows[6]!.id;
      }
      expect(seen).toEqual(byId(data.accounts).map((a) => a.id));
      expect(encodeCursor(seen[0]!)).toMatch(/^[A-Za-z0-9_-]+$/);
    });

    it('matches names case-insensitively, treating % and _ literally', async () => {
      const target = data.accounts[0]!;
      const needle = target.name.slice(1, 5).toUpperCase();
      const expected = data.accounts.filter((a) => a.name.toLowerCase().includes(needle.toLowerCase()));
      const page = await read().accountsPage({ nameContains: needle }, ALL);
      expect(page.rows.map((a) => a.id)).toEqual(byId(expected).map((a) => a.id));
      expect((await read().accountsPage({ nameContains: '%' }, ALL)).total).toBe(data.accounts.filter((a) => a.name.includes('%')).length);
    });

    it('filters pages and counts the filtered set', async () => {
      const customers = data.accounts.filter((a) => a.type === 'CUSTOMER');
      expect(await read().accountsPage({ type: ['CUSTOMER'] }, ALL)).toEqual({ rows: byId(customers), total: customers.length });
      const account = data.opportunities[0]!.accountId;
      const open = data.opportunities.filter((o) => o.accountId === account && ['PROPOSAL', 'NEGOTIATION'].includes(o.stage));
      expect(await read().opportunitiesPage({ stage: ['PROPOSAL', 'NEGOTIATION'], accountId: account }, ALL)).toEqual({
        rows: byId(open),
        total: open.length,
      });
      const active = data.contracts.filter((c) => c.status === 'ACTIVE');
      const page = await read().contractsPage({ status: ['ACTIVE'] }, { first: 3, afterId: null });
      expect(page).toEqual({ rows: byId(active).slice(0, 4), total: active.length });
    });

    it('orders the records of each account as the schema promises', async () => {
      const accounts = data.accounts.map((a) => a.id);
      const latestFirst = <T extends { id: string }>(rows: readonly T[], date: (row: T) => string) =>
        [...rows].sort((a, b) => (date(a) === date(b) ? (a.id < b.id ? -1 : 1) : date(a) < date(b) ? 1 : -1));
      expect(await read().contactsByAccountIds(accounts)).toEqual(byId(data.contacts));
      const opportunities = await read().opportunitiesByAccountIds(accounts);
      expect(opportunities).toEqual(latestFirst(data.opportunities, (o) => o.closeDate));
      const contracts = await read().contractsByAccountIds(accounts);
      expect(contracts).toEqual(latestFirst(data.contracts, (c) => c.startDate));
      const withContracts = [...new Set(data.contracts.flatMap((c) => (c.opportunityId ? [c.opportunityId] : [])))];
      expect(await read().contractsByOpportunityIds(withContracts)).toEqual(
        byId(data.contracts.filter((c) => c.opportunityId !== null && withContracts.includes(c.opportunityId))),
      );
    });

    it('answers only what the record scope allows: pages, counts, lookups by id and children of hidden parents', async () => {
      const uk = data.opportunities.find((o) => o.legalEntityId !== data.opportunities[0]!.legalEntityId)!.legalEntityId;
      const code = uk.replace(/^le_/, '').toUpperCase();
      const ukOnly = read(scopeOf({ legal_entities: [code] }));
      const mine = data.opportunities.filter((o) => o.legalEntityId === uk);
      expect(await ukOnly.opportunitiesPage({}, ALL)).toEqual({ rows: byId(mine), total: mine.length });
      const hidden = data.opportunities.find((o) => o.legalEntityId !== uk)!;
      expect(await ukOnly.opportunitiesByIds([hidden.id, mine[0]!.id])).toEqual([mine[0]]);
      expect(await ukOnly.opportunityLinesByOpportunityIds([hidden.id])).toEqual([]);
      const ukContracts = data.contracts.filter((c) => c.legalEntityId === uk);
      expect((await ukOnly.contractsPage({}, ALL)).total).toBe(ukContracts.length);

      const partnerAccount = data.contracts[0]!.accountId;
      const partner = read(scopeOf({ legal_entities: '*', partner_accounts: [partnerAccount] }));
      expect(await partner.accountsPage({}, ALL)).toEqual({ rows: data.accounts.filter((a) => a.id === partnerAccount), total: 1 });
      expect(await partner.contactsByAccountIds(data.accounts.map((a) => a.id))).toEqual(
        byId(data.contacts.filter((c) => c.accountId === partnerAccount)),
      );
      expect((await partner.contractsPage({}, ALL)).rows.map((c) => c.accountId)).toEqual(
        data.contracts.filter((c) => c.accountId === partnerAccount).map(() => partnerAccount),
      );
    });

    it('scopes every method: bound to a scope that sees nothing, each answers nothing', async () => {
      const account = data.contracts[0]!.accountId;
      const opportunity = data.contracts.find((c) => c.opportunityId !== null)!.opportunityId!;
      await expectEveryMethodScoped(
        (scope) => system.reads(scope),
        {
          accountsByIds: (port) => port.accountsByIds([account]),
          pipelineTotals: (port) => port.pipelineTotals({ closing: null, legalEntityId: null, currency: null, byStage: true }),
          accountsPage: (port) => port.accountsPage({}, ALL),
          contactsByIds: (port) => port.contactsByIds(data.contacts.slice(0, 5).map((c) => c.id)),
          contactsByAccountIds: (port) => port.contactsByAccountIds(data.accounts.map((a) => a.id)),
          opportunitiesByIds: (port) => port.opportunitiesByIds([opportunity]),
          opportunitiesByAccountIds: (port) => port.opportunitiesByAccountIds([account]),
          opportunitiesPage: (port) => port.opportunitiesPage({}, ALL),
          opportunityLinesByOpportunityIds: (port) => port.opportunityLinesByOpportunityIds([opportunity]),
          contractsByIds: (port) => port.contractsByIds([data.contracts[0]!.id]),
          contractsByAccountIds: (port) => port.contractsByAccountIds([account]),
          contractsByOpportunityIds: (port) => port.contractsByOpportunityIds([opportunity]),
          contractsPage: (port) => port.contractsPage({}, ALL),
          contractAmendmentsByContractIds: (port) => port.contractAmendmentsByContractIds(data.contracts.map((c) => c.id)),
        },
        { control: ALL_RECORDS },
      );
    });
  });
}
