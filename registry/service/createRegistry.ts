/**
 * The in-process schema registry (docs/registry.md): the `Registry` over its own store. Every
 * method validates its input first and changes the store only in a transaction of its own, so a
 * refused or failed call leaves nothing half-stored. Several instances may share one database
 * (a server and the CLI): publishes are serialised by compare-and-set, not by this process.
 */
import type { Logger } from '../../core/logger.ts';
import { RegistryError } from '../registryError.ts';
import type { PublishInput, Registry } from '../registry.ts';
import { withBusyRetry } from '../store/sqlErrors.ts';
import type { RegistryDb } from '../store/tables.ts';
import type { PublishResult, SubgraphDeclaration, SubgraphSummary, SupergraphArtifact } from '../types.ts';
import { audit, checkProposals, failuresOf, storedCheck, storedChecks, storeReport } from './checks.ts';
import type { ServiceContext } from './context.ts';
import { createContract, listContracts } from './contracts.ts';
import { deprecations } from './deprecationList.ts';
import { diff, history, version } from './history.ts';
import { publishSet, type PublishItem } from './publish.ts';
import { toAudit } from './rows.ts';
import { latestSupergraphs, loadState } from './state.ts';
import { currentManifests, publishManifest } from './manifests.ts';
import { recordUsage, usageOf } from './usage.ts';
import { declarationOf, validateProposal } from './validate.ts';

export interface RegistryOptions {
  readonly db: RegistryDb;
  /** The subgraphs the registry accepts, in composition order. */
  readonly declarations: readonly SubgraphDeclaration[];
  /** @default () => new Date() */
  readonly clock?: () => Date;
  readonly usageWindowDays: number;
  readonly maxSdlBytes: number;
  readonly logger: Logger;
}

export type PublishListener = (artifacts: readonly SupergraphArtifact[]) => void;

export type LocalRegistry = Registry & {
  /** Called after each committed publish, rollback or contract creation with the new artifacts; returns the unsubscribe. */
  onPublish(listener: PublishListener): () => void;
  /**
   * Checks a set of subgraphs together and publishes the changed ones in one transaction with one
   * supergraph: subgraphs that compose only together (at the first start, psa's `@requires` need
   * erp) cannot be published one at a time. One result per input, in input order.
   */
  publishAll(inputs: readonly PublishInput[], author: string): Promise<readonly PublishResult[]>;
};

const DEFAULT_CHECKS_LIMIT = 50;
const DEFAULT_AUDIT_LIMIT = 100;

export function createRegistry(options: RegistryOptions): LocalRegistry {
  const listeners = new Set<PublishListener>();
  const ctx: ServiceContext = {
    db: options.db,
    declarations: new Map(options.declarations.map((declaration) => [declaration.name, declaration])),
    declarationList: options.declarations,
    maxSdlBytes: options.maxSdlBytes,
    clock: options.clock ?? (() => new Date()),
    usageWindowDays: options.usageWindowDays,
    logger: options.logger,
    notify(artifacts) {
      for (const listener of listeners) {
        try {
          listener(artifacts);
        } catch (error) {
          // The publish is committed; a listener's failure is its own (the gateway logs its swap).
          options.logger.error({ err: error }, 'registry onPublish listener failed');
        }
      }
    },
  };
  const db = options.db;

  async function headUrls(): Promise<Map<string, string>> {
    const rows = await db.selectFrom('registry_subgraphs').select(['name', 'url']).execute();
    return new Map(rows.map((row) => [row.name, row.url]));
  }

  async function publishInputs(inputs: readonly PublishInput[], author: string): Promise<PublishResult[]> {
    const urls = await headUrls();
    const seen = new Set<string>();
    const items = inputs.map((input): PublishItem => {
      if (seen.has(input.subgraph)) throw new TypeError(`publishAll: subgraph ${input.subgraph} is given twice`);
      seen.add(input.subgraph);
      const valid = validateProposal(ctx, input, urls.get(input.subgraph) ?? null);
      return { ...valid, commit: input.commit ?? null, rolledBackFrom: null };
    });
    return publishSet(ctx, items, author);
  }

  return {
    onPublish(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async subgraphs(): Promise<SubgraphSummary[]> {
      const heads = (await loadState(db)).heads;
      return options.declarations.map((declaration) => {
        const head = heads.get(declaration.name);
        return {
          name: declaration.name,
          system: declaration.system,
          url: head?.url ?? declaration.url,
          version: head?.version ?? null,
          publishedAt: head?.publishedAt ?? null,
          author: head?.author ?? null,
        };
      });
    },

    async check(proposal, author) {
      const valid = validateProposal(ctx, proposal, (await headUrls()).get(proposal.subgraph) ?? null);
      const outcome = await checkProposals(ctx, await loadState(db), [valid], author);
      return withBusyRetry(() =>
        db.transaction().execute(async (trx) => {
          const stored = await storeReport(trx, outcome.report);
          const verdict = stored.passed ? 'passed' : `failed: ${failuresOf(stored)}`;
          await audit(trx, {
            at: stored.checkedAt,
            actor: author,
            action: 'check',
            subgraph: stored.subgraph,
            version: null,
            detail: `check ${stored.id} ${verdict}`,
          });
          return stored;
        }),
      );
    },

    async publish(input) {
      return (await publishInputs([input], input.author))[0]!;
    },

    publishAll: publishInputs,

    async history(subgraph) {
      if (subgraph !== undefined) declarationOf(ctx, subgraph);
      return history(db, subgraph);
    },

    async version(subgraph, number) {
      declarationOf(ctx, subgraph);
      return version(db, subgraph, number);
    },

    async diff(subgraph, from, to) {
      declarationOf(ctx, subgraph);
      return diff(db, subgraph, from, to);
    },

    async rollback({ subgraph, version: number, author }) {
      const declaration = declarationOf(ctx, subgraph);
      const old = await version(db, subgraph, number);
      const item: PublishItem = { subgraph, sdl: old.sdl, url: old.url, declaration, commit: old.commit, rolledBackFrom: old.version };
      return (await publishSet(ctx, [item], author))[0]!;
    },

    async supergraph(contract = null, ifNoneMatch = null) {
      if (contract !== null) {
        const known = await db.selectFrom('registry_contracts').select('name').where('name', '=', contract).executeTakeFirst();
        if (!known) throw new RegistryError('REGISTRY_UNKNOWN_CONTRACT', `No contract named ${contract}.`);
      }
      const artifact = (await latestSupergraphs(db, contract ?? '')).get(contract ?? '') ?? null;
      if (artifact && ifNoneMatch === artifact.etag) return 'not-modified';
      return artifact;
    },

    createContract: (input) => createContract(ctx, input),
    contracts: () => listContracts(ctx),

    recordUsage: (batch) => recordUsage(db, batch, ctx.clock(), ctx.usageWindowDays),
    usage: (coordinates) => usageOf(db, coordinates, ctx.clock(), ctx.usageWindowDays),

    async deprecations() {
      const state = await loadState(db);
      const heads = options.declarations.flatMap((declaration) => state.heads.get(declaration.name) ?? []);
      return deprecations(ctx, heads);
    },

    checks: (limit = DEFAULT_CHECKS_LIMIT) => storedChecks(db, limit),
    checkReport: (id) => storedCheck(db, id),

    publishManifest: (input) => publishManifest(ctx, input),
    manifests: (ifNoneMatch = null) => currentManifests(db, ifNoneMatch),

    async audit(limit = DEFAULT_AUDIT_LIMIT) {
      const rows = await db.selectFrom('registry_audit').selectAll().orderBy('id', 'desc').limit(limit).execute();
      return rows.map(toAudit);
    },
  };
}
