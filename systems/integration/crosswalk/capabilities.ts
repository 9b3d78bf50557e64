/**
 * The crosswalk's operations (docs/crosswalk.md#merge-and-unmerge), capabilities of the integration
 * system: versioned (the survivor's crosswalk version, or the merge's), idempotent by key and
 * audited like every capability. A merge changes no CRM record: both source records stay where they
 * are, and the crosswalk links the duplicate to the survivor. An open opportunity is never absorbed
 * (OPEN_OPPORTUNITY_NOT_MERGED): a merged account's deals are linked under it, each kept. Each
 * merge and unmerge emits its domain event in the same transaction (events.ts); a call that changes
 * nothing emits none.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { newId } from '../../kernel/capability/newId.ts';
import type { IntegrationContext } from '../context.ts';
import type { IntegrationPorts } from '../ports/ports.ts';
import { accountsOf, opportunitiesOf, type SourceRef } from './crmRecords.ts';
import { mergedEvent, unmergedEvent } from './events.ts';
import { matchScore } from './matching.ts';
import type { CrosswalkEntity } from './store.ts';
import { mergeRules, type SurvivorshipChoice } from './survivorship.ts';
import type { CrosswalkMergeRow } from './tables.ts';

type Handler<Input, Facts = undefined> = CapabilityHandler<
  IntegrationPorts,
  IntegrationContext,
  Input,
  { merge: CrosswalkMergeRow },
  Facts
>;

interface MergeInput {
  readonly survivorId: string;
  readonly duplicateId: string;
  readonly expectedVersion: number;
  readonly reason?: string | null;
}

/** What a merge's prepare read of the CRM: the two records as the caller sees them. */
interface MergeFacts {
  readonly survivor: SourceRef;
  readonly duplicate: SourceRef;
  readonly accountId: string;
  readonly legalEntityId: string | null;
  readonly score: number | null;
  /** A deal merge's duplicate's account. */
  readonly duplicateAccountId?: string;
}

const CLOSED_STAGES = ['CLOSED_WON', 'CLOSED_LOST'];

/** The merge's answer when the duplicate already is the survivor's (ALREADY_IN_STATE), or the refusal when it is not mergeable. */
async function checkMergeable(
  ports: IntegrationPorts,
  entityType: CrosswalkEntity,
  input: MergeInput,
): Promise<{ merge: CrosswalkMergeRow; warnings: { code: 'ALREADY_IN_STATE'; message: string }[] } | null> {
  const { survivorId, duplicateId } = input;
  if (survivorId === duplicateId) throw rejected('PRECONDITION_FAILED', 'A record cannot be merged into itself.', 'duplicateId');
  for (const merge of await ports.read.crosswalk.activeMergesOf(entityType, [survivorId, duplicateId])) {
    if (merge.duplicate_id === duplicateId && merge.survivor_id === survivorId) {
      return {
        merge,
        warnings: [{ code: 'ALREADY_IN_STATE', message: `${duplicateId} is already merged into ${survivorId} (${merge.id}).` }],
      };
    }
    if (merge.duplicate_id === duplicateId)
      throw rejected(
        'PRECONDITION_FAILED',
        `${duplicateId} is merged into ${merge.survivor_id} (${merge.id}): unmerge it first.`,
        'duplicateId',
      );
    if (merge.duplicate_id === survivorId)
      throw rejected(
        'PRECONDITION_FAILED',
        `${survivorId} is merged into ${merge.survivor_id}: merge into ${merge.survivor_id}.`,
        'survivorId',
      );
    if (merge.survivor_id === duplicateId)
      throw rejected('PRECONDITION_FAILED', `${duplicateId} has records merged into it (${merge.id}): unmerge them first.`, 'duplicateId');
  }
  return null;
}

function differentSystems(survivor: SourceRef, duplicate: SourceRef): void {
  if (survivor.system === duplicate.system) {
    throw rejected(
      'PRECONDITION_FAILED',
      `Both records are in ${survivor.system}: duplicates within one CRM are merged in that CRM; the crosswalk links records of two.`,
      'duplicateId',
    );
  }
}

/** The effect both merges share: the idempotent answer, the rules, the row. */
async function recordMerge(
  entityType: CrosswalkEntity,
  args: Parameters<Handler<MergeInput & { survivorship?: readonly SurvivorshipChoice[] | null }, MergeFacts>['effect']>[0],
) {
  const { input, facts, ports, principal, now, emit } = args;
  const existing = await checkMergeable(ports, entityType, input);
  if (existing) return existing;
  differentSystems(facts.survivor, facts.duplicate);
  const current = (await ports.read.crosswalk.versions([input.survivorId])).get(input.survivorId) ?? 1;
  checkVersion(`The crosswalk of ${JSON.stringify(input.survivorId)}`, current, input.expectedVersion);
  const systems = [facts.survivor.system, facts.duplicate.system];
  const rules = entityType === 'ACCOUNT' ? mergeRules(input.survivorship, systems, args.ctx.survivorship) : {};
  const merge = await ports.write.crosswalk.merge(
    {
      id: newId('xwm'),
      entity_type: entityType,
      survivor_id: input.survivorId,
      survivor_system: facts.survivor.system,
      survivor_external_id: facts.survivor.externalId,
      survivor_object_type: facts.survivor.objectType,
      duplicate_id: input.duplicateId,
      duplicate_system: facts.duplicate.system,
      duplicate_external_id: facts.duplicate.externalId,
      duplicate_object_type: facts.duplicate.objectType,
      account_id: facts.accountId,
      duplicate_account_id: facts.duplicateAccountId ?? null,
      legal_entity_id: facts.legalEntityId,
      score: facts.score,
      reason: input.reason?.trim() || null,
      survivorship: JSON.stringify(rules),
      merged_by: principal.sub,
      merged_at: now.toISOString(),
    },
    input.expectedVersion,
  );
  // The survivor's crosswalk moved from the version the steward read to the next.
  emit(mergedEvent(merge, input.expectedVersion + 1));
  return { merge };
}

const mergeAccounts: Handler<MergeInput & { survivorship?: readonly SurvivorshipChoice[] | null }, MergeFacts> = {
  async prepare({ input, ctx }) {
    const found = await accountsOf(ctx.peers, [input.survivorId, input.duplicateId]);
    const survivor = found.get(input.survivorId);
    const duplicate = found.get(input.duplicateId);
    if (!survivor) throw notFoundRejection('Account', input.survivorId, 'survivorId');
    if (!duplicate) throw notFoundRejection('Account', input.duplicateId, 'duplicateId');
    const score = matchScore(
      { ...survivor, system: survivor.sourceRef.system },
      { ...duplicate, system: duplicate.sourceRef.system },
    ).score;
    return { survivor: survivor.sourceRef, duplicate: duplicate.sourceRef, accountId: input.survivorId, legalEntityId: null, score };
  },
  effect: (args) => recordMerge('ACCOUNT', args),
};

const mergeOpportunities: Handler<MergeInput, MergeFacts> = {
  async prepare({ input, ctx }) {
    const found = await opportunitiesOf(ctx.peers, [input.survivorId, input.duplicateId]);
    const survivor = found.get(input.survivorId);
    const duplicate = found.get(input.duplicateId);
    if (!survivor) throw notFoundRejection('Opportunity', input.survivorId, 'survivorId');
    if (!duplicate) throw notFoundRejection('Opportunity', input.duplicateId, 'duplicateId');
    const open = [survivor, duplicate].filter((deal) => !CLOSED_STAGES.includes(deal.stage));
    if (open.some((deal) => deal.id === duplicate.id)) {
      throw rejected(
        'OPEN_OPPORTUNITY_NOT_MERGED',
        open.length === 2
          ? `${survivor.id} and ${duplicate.id} are both open: open opportunities are never merged. Keep both under the account, or close one in its CRM first.`
          : `${duplicate.id} is open (${duplicate.stage}): an open opportunity is never absorbed. Merge the closed one into it instead.`,
        'duplicateId',
      );
    }
    return {
      survivor: survivor.sourceRef,
      duplicate: duplicate.sourceRef,
      accountId: survivor.account.id,
      legalEntityId: survivor.legalEntity?.id ?? null,
      score: null,
      duplicateAccountId: duplicate.account.id,
    };
  },
  async effect(args) {
    const { facts } = args;
    const duplicateAccountId = facts.duplicateAccountId ?? facts.accountId;
    if (duplicateAccountId !== facts.accountId) {
      const [link] = (await args.ports.read.crosswalk.activeMergesOf('ACCOUNT', [duplicateAccountId])).filter(
        (merge) => merge.duplicate_id === duplicateAccountId && merge.survivor_id === facts.accountId,
      );
      if (!link) {
        throw rejected(
          'PRECONDITION_FAILED',
          `${args.input.duplicateId} is a deal of ${duplicateAccountId}, which is not ${facts.accountId} nor merged into it: merge the accounts first.`,
          'duplicateId',
        );
      }
    }
    return recordMerge('OPPORTUNITY', args);
  },
};

const unmergeRecords: Handler<{ mergeId: string; expectedVersion: number; reason?: string | null }> = {
  async effect({ input, ports, principal, now, emit }) {
    const [merge] = await ports.read.crosswalk.mergesByIds([input.mergeId]);
    if (!merge) throw notFoundRejection('CrosswalkMerge', input.mergeId, 'mergeId');
    if (merge.status === 'UNMERGED') {
      return { merge, warnings: [{ code: 'ALREADY_IN_STATE', message: `Merge ${merge.id} is already UNMERGED.` }] };
    }
    if (merge.aggregate_version !== input.expectedVersion) {
      throw rejected(
        'VERSION_CONFLICT',
        `Merge ${merge.id} is at version ${merge.aggregate_version}, not ${input.expectedVersion}: read it again, then decide.`,
        'expectedVersion',
      );
    }
    if (merge.entity_type === 'ACCOUNT') {
      const [deal] = await ports.read.crosswalk.activeDealMergesBetween(merge.survivor_id, merge.duplicate_id);
      if (deal) {
        throw rejected(
          'PRECONDITION_FAILED',
          `Deal ${deal.duplicate_id} of ${merge.duplicate_id} is merged into ${deal.survivor_id} (${deal.id}): unmerge the deals first.`,
          'mergeId',
        );
      }
    }
    const unmerged = await ports.write.crosswalk.unmerge(merge, input.expectedVersion, {
      by: principal.sub,
      at: now.toISOString(),
      reason: input.reason?.trim() || null,
    });
    const versions = await ports.read.crosswalk.versions([unmerged.survivor_id]);
    emit(unmergedEvent(unmerged, versions.get(unmerged.survivor_id)!));
    return { merge: unmerged };
  },
};

export const crosswalkCapabilities = { mergeAccounts, mergeOpportunities, unmergeRecords };
