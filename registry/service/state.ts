/**
 * The registry's current state as one read: the graph's generation, every subgraph's head, the
 * latest supergraph of the full graph and of each contract, and the contracts. A publish decides
 * on this state and commits only if the generation is still the one read here.
 */
import type { RegistryDb } from '../store/tables.ts';
import type { Contract, SchemaVersion, SupergraphArtifact } from '../types.ts';
import { toArtifact, toContract, toVersion } from './rows.ts';

export interface RegistryState {
  readonly generation: number;
  /** Each published subgraph's head version, by name. */
  readonly heads: ReadonlyMap<string, SchemaVersion>;
  /** The latest supergraph of each graph: key '' for the full graph, else the contract's name. */
  readonly supergraphs: ReadonlyMap<string, SupergraphArtifact>;
  readonly contracts: readonly Contract[];
}

export async function loadState(db: RegistryDb): Promise<RegistryState> {
  // The generation first: anything read after it is at least as new, so a decision taken on an
  // older state can never commit with a generation that is still current.
  const { generation } = await db.selectFrom('registry_graph').select('generation').where('id', '=', 1).executeTakeFirstOrThrow();
  const heads = await db
    .selectFrom('registry_subgraphs as s')
    .innerJoin('registry_versions as v', (join) => join.onRef('v.subgraph', '=', 's.name').onRef('v.version', '=', 's.head_version'))
    .selectAll('v')
    .execute();
  const supergraphs = await latestSupergraphs(db);
  const contracts = await db.selectFrom('registry_contracts').selectAll().orderBy('name').execute();
  return {
    generation,
    heads: new Map(heads.map((row) => [row.subgraph, toVersion(row)])),
    supergraphs,
    contracts: contracts.map(toContract),
  };
}

/** The newest artifact of every graph (the full one under '', each contract under its name). */
export async function latestSupergraphs(db: RegistryDb, contract?: string): Promise<Map<string, SupergraphArtifact>> {
  let query = db
    .selectFrom('registry_supergraphs as s')
    .selectAll('s')
    .where(({ eb, selectFrom }) =>
      eb(
        's.id',
        '=',
        selectFrom('registry_supergraphs as t')
          .select(({ fn }) => fn.max('t.id').as('id'))
          .whereRef('t.contract', '=', 's.contract'),
      ),
    );
  if (contract !== undefined) query = query.where('s.contract', '=', contract);
  const rows = await query.execute();
  return new Map(rows.map((row) => [row.contract, toArtifact(row)]));
}
