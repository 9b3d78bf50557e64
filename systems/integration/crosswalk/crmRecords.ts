/**
 * What the crosswalk reads of the CRM, through its subgraph (a system reads another only so): the
 * accounts and deals a merge names, as the caller (a record the caller may not see is NOT_FOUND),
 * and every account for the match candidates, as the integration system.
 */
import type { Peers } from '../../kernel/capability/peers.ts';

export interface SourceRef {
  readonly system: string;
  readonly objectType: string;
  readonly externalId: string;
}

export interface CrmAccount {
  readonly id: string;
  readonly name: string;
  readonly website: string | null;
  readonly taxId: string | null;
  readonly sourceRef: SourceRef;
}

export interface CrmOpportunity {
  readonly id: string;
  readonly stage: string;
  readonly account: { readonly id: string };
  readonly legalEntity: { readonly id: string } | null;
  readonly sourceRef: SourceRef;
}

const SOURCE = 'sourceRef { system objectType externalId }';

const ENTITIES = (type: string, fields: string) =>
  `query CrosswalkRecords($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { ${fields} } } }`;

async function entities<T extends { id: string }>(
  peers: Peers,
  type: string,
  fields: string,
  ids: readonly string[],
): Promise<Map<string, T>> {
  const data = await peers.read<{ _entities: (T | null)[] }>('crm', ENTITIES(type, fields), {
    r: ids.map((id) => ({ __typename: type, id })),
  });
  const out = new Map<string, T>();
  ids.forEach((id, i) => {
    const record = data._entities[i];
    // A canonical id another record answers for (a merged duplicate, in the CRM's composite mode) is that record.
    if (record) out.set(id, record);
  });
  return out;
}

/** The accounts of `ids` the caller may see, by the id asked. */
export function accountsOf(peers: Peers, ids: readonly string[]): Promise<Map<string, CrmAccount>> {
  return entities<CrmAccount>(peers, 'Account', `id name website taxId ${SOURCE}`, ids);
}

/** The opportunities of `ids` the caller may see, by the id asked. */
export function opportunitiesOf(peers: Peers, ids: readonly string[]): Promise<Map<string, CrmOpportunity>> {
  return entities<CrmOpportunity>(peers, 'Opportunity', `id stage account { id } legalEntity { id } ${SOURCE}`, ids);
}

const ACCOUNT_PAGE = `query CrosswalkAccounts($after: String) { accounts(first: 500, after: $after) {
  nodes { id name website taxId ${SOURCE} } pageInfo { hasNextPage endCursor }
} }`;

/** Every account of the CRM (both systems' in its composite mode), page by page. */
export async function allAccounts(peers: Peers): Promise<CrmAccount[]> {
  const out: CrmAccount[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { accounts: { nodes: CrmAccount[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await peers.step(
      'crm',
      ACCOUNT_PAGE,
      { after },
    );
    out.push(...data.accounts.nodes);
    if (!data.accounts.pageInfo.hasNextPage) return out;
    after = data.accounts.pageInfo.endCursor;
  }
}
