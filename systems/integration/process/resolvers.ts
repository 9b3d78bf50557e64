/** The process area's fields: processStatus, the Process type, and the process of other systems' records. */
import { connectionOf, type PageArgs } from '../../kernel/pagination.ts';
import { found } from '../../kernel/refs.ts';
import type { IntegrationContext } from '../context.ts';
import type { ProcessFilter } from './processReads.ts';
import { KIND_OF_NAME, NAME_OF_KIND } from './kinds.ts';
import type { ProcessInstance, ProcessStep } from './types.ts';

/** The entity types whose `process` field the integration subgraph resolves, by their link type. */
const PROCESS_OF = ['Opportunity', 'Project', 'Invoice'] as const;

async function processOfEntity(reference: { id: string }, ctx: IntegrationContext): Promise<ProcessInstance | null> {
  const links = await ctx.loaders.linksByEntity.load(reference.id);
  const first = links[0];
  return first ? ctx.loaders.process.load(first.processId) : null;
}

export function slaOf(step: ProcessStep, now: Date): { targetSeconds: number; elapsedSeconds: number; breached: boolean } | null {
  if (step.slaTargetSeconds === null || step.startedAt === null) return null;
  const end = step.finishedAt === null ? now : new Date(step.finishedAt);
  const elapsedSeconds = Math.max(0, Math.floor((end.getTime() - new Date(step.startedAt).getTime()) / 1000));
  return { targetSeconds: step.slaTargetSeconds, elapsedSeconds, breached: elapsedSeconds > step.slaTargetSeconds };
}

export const processQueryResolvers = {
  processStatus: (_: unknown, args: { correlationId: string }, ctx: IntegrationContext) =>
    ctx.read.process.processByCorrelationId(args.correlationId),
  process: (_: unknown, args: { id: string }, ctx: IntegrationContext) => found(ctx.loaders.process.load(args.id), 'Process', args.id),
  processes: (
    _: unknown,
    args: PageArgs & { filter?: { kind?: string[] | null; status?: ProcessFilter['status'] } | null },
    ctx: IntegrationContext,
  ) =>
    connectionOf(args, (page) =>
      ctx.read.process.processesPage(
        { kind: args.filter?.kind?.map((kind) => NAME_OF_KIND[kind] ?? kind), status: args.filter?.status },
        page,
      ),
    ),
};

export const processTypeResolvers = {
  Process: {
    __resolveReference: (reference: { id: string }, ctx: IntegrationContext) => ctx.loaders.process.load(reference.id),
    kind: (process: ProcessInstance) => KIND_OF_NAME[process.kind] ?? process.kind,
    steps: (process: ProcessInstance, _: unknown, ctx: IntegrationContext) => ctx.loaders.stepsByProcess.load(process.id),
    events: (process: ProcessInstance, _: unknown, ctx: IntegrationContext) => ctx.loaders.eventsByProcess.load(process.id),
    links: (process: ProcessInstance, _: unknown, ctx: IntegrationContext) => ctx.loaders.linksByProcess.load(process.id),
  },
  ProcessStep: {
    sla: (step: ProcessStep, _: unknown, ctx: IntegrationContext) => slaOf(step, ctx.clock()),
  },
  ...Object.fromEntries(
    PROCESS_OF.map((type) => [
      type,
      {
        __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
        process: (entity: { id: string }, _: unknown, ctx: IntegrationContext) => processOfEntity(entity, ctx),
      },
    ]),
  ),
};
