/**
 * The graph's billing controls (docs/capabilities.md#billing-controls): a project's billing holds
 * and write-offs of its unbilled sources, and what a draft's released claims held. Batched through
 * the request's loaders (one read per relation per tick).
 */
import { money } from '../kernel/decimal.ts';
import type { PsaContext } from './context.ts';
import type { BillingHold, SourceWriteOff } from './ports/billingControls.ts';
import type { BillingDraft, Project } from './ports/types.ts';

type Ctx = PsaContext;

export const projectBillingControlFields = {
  billingHolds: async (project: Project, args: { all?: boolean | null }, ctx: Ctx) => {
    const holds = await ctx.loaders.billingHoldsByProject.load(project.id);
    return args.all ? holds : holds.filter((hold) => hold.status === 'ACTIVE');
  },
  sourceWriteOffs: (project: Project, _: unknown, ctx: Ctx) => ctx.loaders.sourceWriteOffsByProject.load(project.id),
};

export const draftBillingControlFields = {
  releasedItems: (draft: BillingDraft, _: unknown, ctx: Ctx) => ctx.loaders.releasedItemsByDraft.load(draft.id),
};

export const billingControlResolvers = {
  BillingHold: {
    project: (hold: BillingHold, _: unknown, ctx: Ctx) => ctx.loaders.project.load(hold.projectId),
  },
  SourceWriteOff: {
    project: (writeOff: SourceWriteOff, _: unknown, ctx: Ctx) => ctx.loaders.project.load(writeOff.projectId),
    amount: (writeOff: SourceWriteOff) => money(writeOff.amountE4, writeOff.currency),
  },
};
