/** Facts the CRM's capabilities need from other systems of record, read through their subgraphs. */
import type { CrmContext } from '../context.ts';

/** The ERP's status of a legal entity (`ACTIVE`, `INACTIVE`), or null when it does not exist for the caller. */
export async function legalEntityStatus(ctx: CrmContext, legalEntityId: string): Promise<string | null> {
  const data = await ctx.peers.read<{ _entities: ({ status: string } | null)[] }>(
    'erp',
    'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on LegalEntity { status } } }',
    { representations: [{ __typename: 'LegalEntity', id: legalEntityId }] },
  );
  return data._entities[0]?.status ?? null;
}

/** Which of `roleIds` the PSA holds (roles are reference data there). */
export async function knownPsaRoles(ctx: CrmContext, roleIds: readonly string[]): Promise<string[]> {
  if (roleIds.length === 0) return [];
  const data = await ctx.peers.read<{ _entities: ({ id: string } | null)[] }>(
    'psa',
    'query CrmReadsRoles($representations: [_Any!]!) { _entities(representations: $representations) { ... on Role { id } } }',
    { representations: roleIds.map((id) => ({ __typename: 'Role', id })) },
  );
  return data._entities.flatMap((role) => (role ? [role.id] : []));
}
