/**
 * Publishing (docs/registry.md#publishing): check a set of proposals against the current state,
 * then store the versions, the report, the new supergraph and every contract's in one
 * transaction that first compares-and-sets the graph's generation and each subgraph's head. A
 * publish that lost the race to another (same subgraph or not: the supergraph is made of all of
 * them) is checked again against the new state, up to MAX_ATTEMPTS times.
 */
import type { Transaction } from 'kysely';
import type { CheckOutcome } from '../checks/runChecks.ts';
import { RegistryError } from '../registryError.ts';
import { isUniqueViolation, withBusyRetry } from '../store/sqlErrors.ts';
import type { RegistryTables } from '../store/tables.ts';
import type { CheckReport, PublishResult, SchemaVersion, SupergraphArtifact } from '../types.ts';
import { audit, checkProposals, failuresOf, proposedSet, storeReport } from './checks.ts';
import type { ServiceContext } from './context.ts';
import { artifactRow, etagOf, sha256, versionRow } from './rows.ts';
import { loadState, type RegistryState } from './state.ts';
import type { ValidProposal } from './validate.ts';

export const MAX_PUBLISH_ATTEMPTS = 5;

export interface PublishItem extends ValidProposal {
  readonly commit: string | null;
  /** Set by a rollback: the version whose SDL and URL this publishes again. */
  readonly rolledBackFrom: number | null;
}

/** A lost compare-and-set: the transaction is rolled back and the publish decided again. */
class LostRace extends Error {}

/**
 * Publishes `items` together (one check, one transaction, one supergraph). Items equal to their
 * head (SDL and URL) are not published again; when all are, nothing is stored.
 */
export async function publishSet(ctx: ServiceContext, items: readonly PublishItem[], author: string): Promise<PublishResult[]> {
  for (let attempt = 1; attempt <= MAX_PUBLISH_ATTEMPTS; attempt++) {
    const state = await loadState(ctx.db);
    const changed = items.filter((item) => !equalsHead(item, state.heads.get(item.subgraph)));
    const outcome = await checkProposals(ctx, state, changed.length > 0 ? changed : items, author);
    if (changed.length === 0) return unchanged(state, items, outcome.report);
    if (!outcome.report.passed) throw await refuse(ctx, outcome.report, author);
    const committed = await commit(ctx, state, changed, outcome, author);
    if (committed) {
      ctx.notify(committed.artifacts);
      return items.map((item) => {
        const version = committed.versions.get(item.subgraph);
        return {
          published: version !== undefined,
          version: version ?? state.heads.get(item.subgraph)!,
          supergraph: committed.artifacts[0]!,
          report: committed.report,
        };
      });
    }
    ctx.logger.info({ subgraphs: changed.map((item) => item.subgraph), attempt }, 'registry publish lost a race: checking again');
  }
  const names = items.map((item) => item.subgraph).join(', ');
  throw new RegistryError(
    'REGISTRY_PUBLISH_CONFLICT',
    `Other publishes kept landing while ${names} was checked (${MAX_PUBLISH_ATTEMPTS} attempts); nothing was published. Retry.`,
  );
}

function equalsHead(item: PublishItem, head: SchemaVersion | undefined): boolean {
  return head !== undefined && head.sdl === item.sdl && head.url === item.url;
}

function unchanged(state: RegistryState, items: readonly PublishItem[], report: CheckReport): PublishResult[] {
  const supergraph = state.supergraphs.get('');
  // A head exists for every item, so a supergraph was composed when it was published.
  if (!supergraph) throw new Error('registry state has heads but no supergraph');
  return items.map((item) => ({ published: false, version: state.heads.get(item.subgraph)!, supergraph, report }));
}

/** Stores the refused report with a `publish.refused` audit row; returns the error to throw. */
async function refuse(ctx: ServiceContext, report: CheckReport, author: string): Promise<RegistryError> {
  const failures = failuresOf(report);
  const stored = await withBusyRetry(() =>
    ctx.db.transaction().execute(async (trx) => {
      const kept = await storeReport(trx, report);
      await audit(trx, {
        at: report.checkedAt,
        actor: author,
        action: 'publish.refused',
        subgraph: report.subgraph,
        version: null,
        detail: `check ${kept.id} failed: ${failures}`,
      });
      return kept;
    }),
  );
  return new RegistryError(
    'REGISTRY_CHECK_FAILED',
    `The proposed schema of ${report.subgraph} failed the registry's checks: ${failures}. Nothing was published; see check report ${stored.id}.`,
    stored,
  );
}

interface Committed {
  readonly versions: ReadonlyMap<string, SchemaVersion>;
  /** The full graph's first, then each contract's. */
  readonly artifacts: readonly SupergraphArtifact[];
  readonly report: CheckReport;
}

async function commit(
  ctx: ServiceContext,
  state: RegistryState,
  changed: readonly PublishItem[],
  outcome: CheckOutcome,
  author: string,
): Promise<Committed | null> {
  const now = ctx.clock().toISOString();
  const versions = new Map<string, SchemaVersion>(
    changed.map((item) => [
      item.subgraph,
      {
        subgraph: item.subgraph,
        version: (state.heads.get(item.subgraph)?.version ?? 0) + 1,
        sdl: item.sdl,
        sdlHash: sha256(item.sdl),
        url: item.url,
        author,
        commit: item.commit,
        publishedAt: now,
        rolledBackFrom: item.rolledBackFrom,
      },
    ]),
  );
  const subgraphVersions = Object.fromEntries(
    proposedSet(ctx, state, changed).map((source) => [
      source.name,
      versions.get(source.name)?.version ?? state.heads.get(source.name)!.version,
    ]),
  );
  const artifact = (contract: string | null, sdl: string): SupergraphArtifact => ({
    contract,
    id: (state.supergraphs.get(contract ?? '')?.id ?? 0) + 1,
    sdl,
    etag: etagOf(sdl),
    composedAt: now,
    subgraphVersions,
  });
  const artifacts = [
    artifact(null, outcome.supergraph!),
    ...state.contracts.map((contract) => artifact(contract.name, outcome.contractSupergraphs.get(contract.name)!)),
  ];
  try {
    const report = await withBusyRetry(() =>
      ctx.db.transaction().execute(async (trx) => {
        // First a write: on SQLite the transaction holds the lock from here on.
        const cas = await trx
          .updateTable('registry_graph')
          .set({ generation: state.generation + 1 })
          .where('id', '=', 1)
          .where('generation', '=', state.generation)
          .executeTakeFirst();
        if (Number(cas.numUpdatedRows) !== 1) throw new LostRace();
        for (const item of changed) await moveHead(trx, item, state.heads.get(item.subgraph)?.version ?? null, now);
        await trx
          .insertInto('registry_versions')
          .values([...versions.values()].map(versionRow))
          .execute();
        await trx.insertInto('registry_supergraphs').values(artifacts.map(artifactRow)).execute();
        const stored = await storeReport(trx, outcome.report);
        for (const version of versions.values()) {
          const rollback = version.rolledBackFrom !== null;
          await audit(trx, {
            at: now,
            actor: author,
            action: rollback ? 'rollback' : 'publish',
            subgraph: version.subgraph,
            version: version.version,
            detail: `${version.subgraph} v${version.version}${rollback ? ` (the SDL of v${version.rolledBackFrom})` : ''} at ${version.url}; supergraph ${artifacts[0]!.id}, check ${stored.id}`,
          });
        }
        return stored;
      }),
    );
    return { versions, artifacts, report };
  } catch (error) {
    if (error instanceof LostRace || isUniqueViolation(error)) return null;
    throw error;
  }
}

/** Compare-and-set of one subgraph's head: from `seen` (null: never published) to the next version. */
async function moveHead(trx: Transaction<RegistryTables>, item: PublishItem, seen: number | null, now: string): Promise<void> {
  const row = { url: item.url, updated_at: now, head_version: (seen ?? 0) + 1 };
  if (seen === null) {
    const inserted = await trx
      .insertInto('registry_subgraphs')
      .values({ name: item.subgraph, system: item.declaration.system, ...row })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw new LostRace();
    return;
  }
  const updated = await trx
    .updateTable('registry_subgraphs')
    .set(row)
    .where('name', '=', item.subgraph)
    .where('head_version', '=', seen)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new LostRace();
}
