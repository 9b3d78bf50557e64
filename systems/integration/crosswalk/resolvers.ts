/**
 * The crosswalk's fields (docs/crosswalk.md): match candidates, merges, the CRM's lookup of the links
 * in force, and `externalRefs` / `crosswalkVersion` of the CRM's accounts and deals (and the contacts'
 * `externalRefs`). The CRM answers
 * an entity only when the caller may see it, and the crosswalk reads only links of records in the
 * caller's scope, so a hidden record's references are no existence oracle.
 */
import { tesseraError } from '../../../core/errors.ts';
import { isSystemPrincipal } from '../../kernel/capability/peers.ts';
import { connectionOf, type PageArgs } from '../../kernel/pagination.ts';
import { found } from '../../kernel/refs.ts';
import { seesAccount } from '../../../policies/recordScope.ts';
import type { IntegrationContext } from '../context.ts';
import { allAccounts, type SourceRef } from './crmRecords.ts';
import { matchCandidates, type MatchRecord } from './matching.ts';
import type { MergeFilter } from './store.ts';
import { choicesOf, DEFAULT_SURVIVORSHIP } from './survivorship.ts';
import type { CrosswalkMergeRow } from './tables.ts';

/** The highest `first` of the candidates. */
const MAX_CANDIDATES = 500;

interface Entity {
  readonly id: string;
  readonly sourceRef: SourceRef;
}

async function candidates(args: { minScore?: number | null; first?: number | null }, ctx: IntegrationContext) {
  const minScore = Math.min(Math.max(args.minScore ?? 50, 1), 100);
  const first = Math.min(Math.max(args.first ?? 50, 0), MAX_CANDIDATES);
  // As the integration system (every account), then only pairs the caller may see both records of.
  const accounts = (await allAccounts(ctx.peers)).filter((account) => seesAccount(ctx.scope, account.id));
  const merged = new Set((await ctx.read.crosswalk.activeMerges()).map((merge) => merge.duplicate_id));
  const records: MatchRecord[] = accounts
    .filter((account) => !merged.has(account.id))
    .map((account) => ({
      id: account.id,
      system: account.sourceRef.system,
      name: account.name,
      website: account.website,
      taxId: account.taxId,
    }));
  // Each pair once: the record of the system that wins names by default on the left when it is one of the two.
  const preferred = (ctx.survivorship ?? DEFAULT_SURVIVORSHIP).name;
  const left = records.filter((record) => record.system === preferred);
  const right = records.filter((record) => record.system !== preferred);
  const pairs = [
    ...matchCandidates(left, right, minScore),
    ...matchCandidates(right, right, minScore).filter((c) => c.left.id < c.right.id),
  ];
  return pairs
    .sort((a, b) => b.score - a.score || (a.left.id < b.left.id ? -1 : a.left.id > b.left.id ? 1 : a.right.id < b.right.id ? -1 : 1))
    .slice(0, first)
    .map((pair) => ({ survivor: { id: pair.left.id }, duplicate: { id: pair.right.id }, score: pair.score, reasons: pair.reasons }));
}

export const crosswalkQueryResolvers = {
  crosswalkCandidates: (_: unknown, args: { minScore?: number | null; first?: number | null }, ctx: IntegrationContext) =>
    candidates(args, ctx),
  crosswalkMerge: async (_: unknown, args: { id: string }, ctx: IntegrationContext) =>
    found(
      ctx.read.crosswalk.mergesByIds([args.id]).then((rows) => rows[0] ?? null),
      'CrosswalkMerge',
      args.id,
    ),
  crosswalkMerges: (_: unknown, args: PageArgs & { filter?: MergeFilter | null }, ctx: IntegrationContext) =>
    connectionOf(args, (page) => ctx.read.crosswalk.mergesPage(args.filter ?? {}, page)),
  crosswalkLinks: (_: unknown, __: unknown, ctx: IntegrationContext) => {
    // Every link in force, whoever's customer: only Tessera's systems (the CRM's composite mode) read them.
    if (!isSystemPrincipal(ctx.request.principal)) throw tesseraError('FORBIDDEN', "crosswalkLinks is read only by Tessera's systems.");
    return ctx.read.crosswalk.activeMerges();
  },
};

/** The record's own reference, then those of the records merged into it (in the caller's scope). */
async function externalRefs(entity: Entity, ctx: IntegrationContext): Promise<SourceRef[]> {
  const merges = await ctx.loaders.crosswalkMergesBySurvivor.load(entity.id);
  return [entity.sourceRef, ...merges.map(duplicateRef)];
}

const duplicateRef = (merge: CrosswalkMergeRow): SourceRef => ({
  system: merge.duplicate_system,
  objectType: merge.duplicate_object_type,
  externalId: merge.duplicate_external_id,
});

const crosswalkFields = {
  __resolveReference: (reference: Entity) => reference,
  externalRefs: (entity: Entity, _: unknown, ctx: IntegrationContext) => externalRefs(entity, ctx),
  crosswalkVersion: (entity: Entity, _: unknown, ctx: IntegrationContext) => ctx.loaders.crosswalkVersion.load(entity.id),
};

export const crosswalkTypeResolvers = {
  CrosswalkMerge: {
    entityType: (row: CrosswalkMergeRow) => row.entity_type,
    survivorId: (row: CrosswalkMergeRow) => row.survivor_id,
    survivorRef: (row: CrosswalkMergeRow) => ({
      system: row.survivor_system,
      objectType: row.survivor_object_type,
      externalId: row.survivor_external_id,
    }),
    duplicateId: (row: CrosswalkMergeRow) => row.duplicate_id,
    duplicateRef,
    survivorship: (row: CrosswalkMergeRow) => choicesOf(row.survivorship),
    mergedBy: (row: CrosswalkMergeRow) => row.merged_by,
    mergedAt: (row: CrosswalkMergeRow) => row.merged_at,
    unmergedBy: (row: CrosswalkMergeRow) => row.unmerged_by,
    unmergedAt: (row: CrosswalkMergeRow) => row.unmerged_at,
    unmergeReason: (row: CrosswalkMergeRow) => row.unmerge_reason,
    aggregateVersion: (row: CrosswalkMergeRow) => row.aggregate_version,
  },
  /** Account and Opportunity: the crosswalk's fields (Account keeps the cash area's `exposure`, merged in resolvers.ts). */
  Account: crosswalkFields,
  Opportunity: crosswalkFields,
  /** A contact is never merged: its references are read as an account's are, and are its own (docs/crosswalk.md). */
  Contact: { __resolveReference: crosswalkFields.__resolveReference, externalRefs: crosswalkFields.externalRefs },
};
