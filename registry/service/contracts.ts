/**
 * Contracts (docs/registry.md#contracts): a contract is stored once it composes from the current
 * heads; from then on every publish composes it too, and a publish that breaks it is refused.
 */
import { RegistryError } from '../registryError.ts';
import { isUniqueViolation, withBusyRetry } from '../store/sqlErrors.ts';
import type { Contract, SupergraphArtifact } from '../types.ts';
import { audit, checkProposals, failuresOf, proposedSet, storeReport } from './checks.ts';
import type { ServiceContext } from './context.ts';
import { MAX_PUBLISH_ATTEMPTS } from './publish.ts';
import { artifactRow, etagOf, toContract } from './rows.ts';
import { loadState } from './state.ts';

/** Contract names are path segments (`/contracts/<name>/graphql`). */
const CONTRACT_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export async function listContracts(ctx: ServiceContext): Promise<Contract[]> {
  const rows = await ctx.db.selectFrom('registry_contracts').selectAll().orderBy('name').execute();
  return rows.map(toContract);
}

export async function createContract(ctx: ServiceContext, input: Omit<Contract, 'createdAt'>): Promise<Contract> {
  if (!CONTRACT_NAME.test(input.name)) {
    throw new RegistryError(
      'REGISTRY_INVALID_CONTRACT',
      `"${input.name}" cannot name a contract: use lower-case letters, digits and dashes, starting with a letter (at most 63).`,
    );
  }
  const contract: Contract = {
    name: input.name,
    includeTags: [...new Set(input.includeTags)].sort(),
    excludeTags: [...new Set(input.excludeTags)].sort(),
    createdBy: input.createdBy,
    createdAt: ctx.clock().toISOString(),
  };
  for (let attempt = 1; attempt <= MAX_PUBLISH_ATTEMPTS; attempt++) {
    const state = await loadState(ctx.db);
    if (state.contracts.some((existing) => existing.name === contract.name)) {
      throw new RegistryError('REGISTRY_CONTRACT_EXISTS', `A contract named ${contract.name} already exists.`);
    }
    let artifact: SupergraphArtifact | null = null;
    const heads = proposedSet(ctx, state, []);
    if (heads.length > 0) {
      // The current heads checked with this one contract: only the contracts section decides.
      const outcome = await checkProposals(ctx, { ...state, contracts: [contract] }, [], contract.createdBy);
      const report = { ...outcome.report, subgraph: `contract:${contract.name}` };
      const sdl = outcome.contractSupergraphs.get(contract.name);
      if (sdl === undefined) {
        const stored = await withBusyRetry(() => storeReport(ctx.db, report));
        throw new RegistryError(
          'REGISTRY_CHECK_FAILED',
          `Contract ${contract.name} does not compose from the current subgraphs: ${failuresOf(report)}. Nothing was created; see check report ${stored.id}.`,
          stored,
        );
      }
      const full = state.supergraphs.get('')!;
      artifact = {
        contract: contract.name,
        id: 1,
        sdl,
        etag: etagOf(sdl),
        composedAt: contract.createdAt,
        subgraphVersions: full.subgraphVersions,
      };
    }
    const created = await commit(ctx, state.generation, contract, artifact);
    // Lost to another write: the next round sees it (a contract of that name: REGISTRY_CONTRACT_EXISTS).
    if (!created) continue;
    if (artifact) ctx.notify([artifact]);
    return contract;
  }
  throw new RegistryError(
    'REGISTRY_PUBLISH_CONFLICT',
    `Publishes kept landing while contract ${contract.name} was composed; nothing was created. Retry.`,
  );
}

async function commit(ctx: ServiceContext, generation: number, contract: Contract, artifact: SupergraphArtifact | null): Promise<boolean> {
  try {
    return await withBusyRetry(() =>
      ctx.db.transaction().execute(async (trx) => {
        const cas = await trx
          .updateTable('registry_graph')
          .set({ generation: generation + 1 })
          .where('id', '=', 1)
          .where('generation', '=', generation)
          .executeTakeFirst();
        if (Number(cas.numUpdatedRows) !== 1) return false;
        await trx
          .insertInto('registry_contracts')
          .values({
            name: contract.name,
            include_tags: JSON.stringify(contract.includeTags),
            exclude_tags: JSON.stringify(contract.excludeTags),
            created_by: contract.createdBy,
            created_at: contract.createdAt,
          })
          .execute();
        if (artifact) await trx.insertInto('registry_supergraphs').values(artifactRow(artifact)).execute();
        const tags = `include [${contract.includeTags.join(', ')}], exclude [${contract.excludeTags.join(', ')}]`;
        await audit(trx, {
          at: contract.createdAt,
          actor: contract.createdBy,
          action: 'contract.create',
          subgraph: null,
          version: null,
          detail: `contract ${contract.name}: ${tags}${artifact ? '' : ' (composed at the first publish)'}`,
        });
        return true;
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}
