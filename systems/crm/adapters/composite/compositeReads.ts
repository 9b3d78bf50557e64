/**
 * The CRM read port over two CRMs and the crosswalk (docs/crosswalk.md#reading-both-crms): each
 * record answers once, under its canonical id. A merged account is its survivor with its merges'
 * survivorship applied and the ids merged into it; the contacts, deals and contracts of its
 * duplicates answer under it; absorbed duplicates are left out of pages and counts. Orders and
 * pages are the port's (readPort.ts), computed over both systems' answers. With one CRM out, reads
 * by id, and of the records under given parents, still answer when the other CRM holds all they ask
 * for (oneCrmOut.ts); pages, counts and totals need both.
 */
import type { Page, PageRequest } from '../../../kernel/pagination.ts';
import type { AccountFilter, ContractFilter, CrmReadPort, OpportunityFilter } from '../../ports/readPort.ts';
import type { Account, Contact, Contract, Opportunity } from '../../ports/types.ts';
import type { Merged } from './merged.ts';
import type { PipelineTotals } from '../../ports/metricsPort.ts';
import { byId, compare, latestFirst, pageOf } from '../recordOrder.ts';
import type { Links } from './links.ts';
import { survive } from './survivorship.ts';
import { askEach, holdEvery, whole } from './oneCrmOut.ts';

/** The two systems' read ports (bound to one scope) and the request's links, resolved once. */
export type Sources = () => Promise<{ readonly ports: readonly CrmReadPort[]; readonly links: Links }>;

export function createCompositeCrmReads(sources: Sources): CrmReadPort {
  const both = async <T>(read: (port: CrmReadPort) => Promise<readonly T[]>): Promise<T[]> => {
    const { ports } = await sources();
    return (await Promise.all(ports.map(read))).flat();
  };
  /** The records of `ids` (as each system is asked for them); with one CRM out, whole when the other holds every id. */
  const ofIds = async <T extends { readonly id: string }>(ids: readonly string[], read: (port: CrmReadPort) => Promise<readonly T[]>) => {
    const { ports } = await sources();
    const answers = await askEach(ports, read);
    return whole(answers, () => {
      const held = new Set(answers.records.map((record) => record.id));
      return Promise.resolve(ids.every((id) => held.has(id)));
    });
  };
  /** The records under `parentIds` (as each system is asked); with one CRM out, whole when the other holds every parent. */
  const underParents = async <T>(
    parentIds: readonly string[],
    read: (port: CrmReadPort) => Promise<readonly T[]>,
    parentsByIds: (port: CrmReadPort, ids: readonly string[]) => Promise<readonly { readonly id: string }[]>,
  ) => {
    const { ports } = await sources();
    return whole(await askEach(ports, read), (up) => holdEvery(up, parentIds, parentsByIds));
  };

  const withAccount = <T extends { readonly accountId: string }>(links: Links, record: T): T => {
    const accountId = links.canonical('ACCOUNT', record.accountId);
    return accountId === record.accountId ? record : { ...record, accountId };
  };
  const opportunityOf = (links: Links, opportunity: Opportunity, ids: readonly string[]): Merged<Opportunity> => {
    const merged = withAccount(links, opportunity);
    return ids.length === 0 ? merged : { ...merged, mergedIds: ids };
  };
  const contractOf = (links: Links, contract: Contract): Contract => {
    const merged = withAccount(links, contract);
    const opportunityId = contract.opportunityId === null ? null : links.canonical('OPPORTUNITY', contract.opportunityId);
    return opportunityId === contract.opportunityId ? merged : { ...merged, opportunityId };
  };

  async function accountsByIds(ids: readonly string[]): Promise<Account[]> {
    if (ids.length === 0) return [];
    const { links } = await sources();
    const canonical = [...new Set(ids.map((id) => links.canonical('ACCOUNT', id)))];
    const expanded = links.expand('ACCOUNT', canonical);
    const found = new Map((await ofIds(expanded, (port) => port.accountsByIds(expanded))).map((a) => [a.id, a]));
    const out: Merged<Account>[] = [];
    for (const id of canonical) {
      const survivor = found.get(id);
      if (!survivor) continue;
      let merged: Merged<Account> = survivor;
      const mergedIds: string[] = [];
      for (const link of links.duplicatesOf('ACCOUNT', id)) {
        const duplicate = found.get(link.duplicateId);
        if (!duplicate) continue;
        merged = survive(merged, duplicate, link.survivorship);
        mergedIds.push(duplicate.id);
      }
      out.push(mergedIds.length === 0 ? merged : { ...merged, mergedIds });
    }
    return out;
  }

  async function opportunitiesByIds(ids: readonly string[]): Promise<Opportunity[]> {
    if (ids.length === 0) return [];
    const { links } = await sources();
    const canonical = [...new Set(ids.map((id) => links.canonical('OPPORTUNITY', id)))];
    const expanded = links.expand('OPPORTUNITY', canonical);
    const found = new Map((await ofIds(expanded, (port) => port.opportunitiesByIds(expanded))).map((o) => [o.id, o]));
    return canonical.flatMap((id) => {
      const survivor = found.get(id);
      if (!survivor) return [];
      const merged = links.duplicatesOf('OPPORTUNITY', id).map((link) => link.duplicateId);
      return [
        opportunityOf(
          links,
          survivor,
          merged.filter((duplicate) => found.has(duplicate)),
        ),
      ];
    });
  }

  /** The records of the canonical accounts `ids` (and of what was merged into them), absorbed deals left out. */
  async function underAccounts<T extends { readonly accountId: string; readonly id: string }>(
    ids: readonly string[],
    read: (port: CrmReadPort, accountIds: string[]) => Promise<readonly T[]>,
    map: (links: Links, record: T) => T,
    absorbedEntity: 'OPPORTUNITY' | null,
  ): Promise<T[]> {
    if (ids.length === 0) return [];
    const { links } = await sources();
    const expanded = links.expand('ACCOUNT', ids);
    const absorbed = absorbedEntity ? links.absorbed(absorbedEntity) : new Set<string>();
    const records = await underParents(
      expanded,
      (port) => read(port, expanded),
      (port, accounts) => port.accountsByIds(accounts),
    );
    return records.filter((record) => !absorbed.has(record.id)).map((record) => map(links, record));
  }

  /**
   * One page over both systems in id order, absorbed records left out: each system's page is read
   * with room for every absorbed record, so `first + 1` others are always there when they exist.
   */
  async function mergedPage<T extends { readonly id: string }>(
    read: (port: CrmReadPort, page: PageRequest) => Promise<Page<T>>,
    page: PageRequest,
    absorbed: ReadonlySet<string>,
    absorbedMatching: () => Promise<number>,
  ): Promise<Page<T>> {
    const { ports } = await sources();
    const wide = { ...page, first: page.first === 0 ? 0 : page.first + 1 + absorbed.size };
    const pages = await Promise.all(ports.map((port) => read(port, wide)));
    const rows = byId(pages.flatMap((p) => p.rows).filter((row) => !absorbed.has(row.id))).slice(0, page.first === 0 ? 0 : page.first + 1);
    const total =
      page.countTotal === false
        ? null
        : pages.reduce((sum, p) => sum + (p.total ?? 0), 0) - (absorbed.size === 0 ? 0 : await absorbedMatching());
    return { rows, total };
  }

  /** A page of the records of one canonical account: all of them in hand, then the port's page. */
  async function accountPage<T extends { readonly id: string }>(records: Promise<T[]>, page: PageRequest): Promise<Page<T>> {
    return pageOf(await records, page);
  }

  const read: CrmReadPort = {
    accountsByIds,
    async accountsPage(filter: AccountFilter, page) {
      const { links } = await sources();
      const absorbed = links.absorbed('ACCOUNT');
      const matches = (account: Account) =>
        (!filter.type?.length || filter.type.includes(account.type)) &&
        (!filter.nameContains || account.name.toLowerCase().includes(filter.nameContains.toLowerCase()));
      const raw = await mergedPage(
        (port, wide) => port.accountsPage(filter, wide),
        page,
        absorbed,
        async () => (await both((port) => port.accountsByIds([...absorbed]))).filter(matches).length,
      );
      const merged = new Map((await accountsByIds(raw.rows.map((row) => row.id))).map((account) => [account.id, account]));
      return { rows: raw.rows.map((row) => merged.get(row.id) ?? row), total: raw.total };
    },
    contactsByIds: async (ids) => {
      const { links } = await sources();
      return byId((await ofIds(ids, (port) => port.contactsByIds(ids))).map((contact: Contact) => withAccount(links, contact)));
    },
    contactsByAccountIds: async (ids) =>
      byId(await underAccounts(ids, (port, expanded) => port.contactsByAccountIds(expanded), withAccount, null)),
    opportunitiesByIds,
    opportunitiesByAccountIds: async (ids) =>
      latestFirst(
        await underAccounts(
          ids,
          (port, expanded) => port.opportunitiesByAccountIds(expanded),
          (links, o) => opportunityOf(links, o, []),
          'OPPORTUNITY',
        ),
        (o) => o.closeDate,
      ),
    async opportunitiesPage(filter: OpportunityFilter, page) {
      const stages = filter.stage?.length ? filter.stage : null;
      if (filter.accountId) {
        const all = await read.opportunitiesByAccountIds([filter.accountId]);
        return accountPage(Promise.resolve(all.filter((o) => !stages || stages.includes(o.stage))), page);
      }
      const { links } = await sources();
      const absorbed = links.absorbed('OPPORTUNITY');
      const raw = await mergedPage(
        (port, wide) => port.opportunitiesPage(filter, wide),
        page,
        absorbed,
        async () =>
          (await both((port) => port.opportunitiesByIds([...absorbed]))).filter((o) => !stages || stages.includes(o.stage)).length,
      );
      return {
        rows: raw.rows.map((o) =>
          opportunityOf(
            links,
            o,
            links.duplicatesOf('OPPORTUNITY', o.id).map((l) => l.duplicateId),
          ),
        ),
        total: raw.total,
      };
    },
    opportunityLinesByOpportunityIds: async (ids) => {
      const { links } = await sources();
      const canonical = [...new Set(ids.map((id) => links.canonical('OPPORTUNITY', id)))];
      return byId(
        await underParents(
          canonical,
          (port) => port.opportunityLinesByOpportunityIds(canonical),
          (port, opportunities) => port.opportunitiesByIds(opportunities),
        ),
      );
    },
    contractsByIds: async (ids) => {
      const { links } = await sources();
      return (await ofIds(ids, (port) => port.contractsByIds(ids))).map((contract) => contractOf(links, contract));
    },
    contractsByAccountIds: async (ids) =>
      latestFirst(await underAccounts(ids, (port, expanded) => port.contractsByAccountIds(expanded), contractOf, null), (c) => c.startDate),
    contractsByOpportunityIds: async (ids) => {
      const { links } = await sources();
      const expanded = links.expand('OPPORTUNITY', ids);
      const contracts = await underParents(
        expanded,
        (port) => port.contractsByOpportunityIds(expanded),
        (port, opportunities) => port.opportunitiesByIds(opportunities),
      );
      return byId(contracts.map((contract) => contractOf(links, contract)));
    },
    async contractsPage(filter: ContractFilter, page) {
      const { links } = await sources();
      if (filter.accountId) {
        const all = await read.contractsByAccountIds([filter.accountId]);
        return accountPage(Promise.resolve(all.filter((c) => !filter.status?.length || filter.status.includes(c.status))), page);
      }
      const raw = await mergedPage(
        (port, wide) => port.contractsPage(filter, wide),
        page,
        new Set(),
        () => Promise.resolve(0),
      );
      return { rows: raw.rows.map((contract) => contractOf(links, contract)), total: raw.total };
    },
    contractAmendmentsByContractIds: async (ids) =>
      (
        await underParents(
          ids,
          (port) => port.contractAmendmentsByContractIds(ids),
          (port, contracts) => port.contractsByIds(contracts),
        )
      ).sort((a, b) => compare(a.contractId, b.contractId) || a.toVersion - b.toVersion || compare(a.id, b.id)),
    // An absorbed deal is closed (an open one is never merged), so the pipeline is both systems' sums.
    pipelineTotals: async (filter) => sumTotals(await both((port) => port.pipelineTotals(filter))),
  };
  return read;
}

function sumTotals(parts: readonly PipelineTotals[]): PipelineTotals[] {
  const groups = new Map<string, PipelineTotals>();
  for (const part of parts) {
    const key = `${part.currency}|${part.stage ?? ''}`;
    const seen = groups.get(key);
    groups.set(
      key,
      seen
        ? {
            ...seen,
            opportunities: seen.opportunities + part.opportunities,
            amountE4: seen.amountE4 + part.amountE4,
            weightedE6: seen.weightedE6 + part.weightedE6,
          }
        : part,
    );
  }
  return [...groups.values()].sort((a, b) => compare(a.currency, b.currency) || compare(a.stage ?? '', b.stage ?? ''));
}
