/**
 * How PSA capabilities read the records they check and change, through the read port bound to the
 * caller's record scope: a project (and so its requests, assignments, timecards and milestones)
 * outside the caller's legal entities or customers is NOT_FOUND, exactly like a missing one.
 * Works inside a capability's effect (`ports.read`) and in `prepare` (`ctx.read`).
 */
import { notFoundRejection } from '../../kernel/capability/rejection.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import type { BillingDraft, ContractLine, Project, Resource } from '../ports/types.ts';

/** The project, or null when it is missing or outside the scope. */
export async function visibleProject(read: PsaReadPort, id: string): Promise<Project | null> {
  return (await read.projectsByIds([id]))[0] ?? null;
}

export async function projectFor(read: PsaReadPort, id: string, field = 'projectId'): Promise<Project> {
  const project = await visibleProject(read, id);
  if (!project) throw notFoundRejection('Project', id, field);
  return project;
}

/** A record that belongs to a project, with its project; NOT_FOUND when either is out of sight. */
async function withProject<R extends { readonly projectId: string }>(
  read: PsaReadPort,
  record: R | undefined,
  entity: string,
  id: string,
  field: string,
): Promise<{ record: R; project: Project }> {
  const project = record ? await visibleProject(read, record.projectId) : null;
  if (!record || !project) throw notFoundRejection(entity, id, field);
  return { record, project };
}

export async function resourceRequestFor(read: PsaReadPort, id: string, field = 'resourceRequestId') {
  return withProject(read, (await read.resourceRequestsByIds([id]))[0], 'ResourceRequest', id, field);
}

export async function assignmentFor(read: PsaReadPort, id: string, field = 'assignmentId') {
  return withProject(read, (await read.assignmentsByIds([id]))[0], 'Assignment', id, field);
}

export async function timecardFor(read: PsaReadPort, id: string, field = 'timecardId') {
  return withProject(read, (await read.timecardsByIds([id]))[0], 'Timecard', id, field);
}

export async function milestoneFor(read: PsaReadPort, id: string, field = 'milestoneId') {
  return withProject(read, (await read.milestonesByIds([id]))[0], 'Milestone', id, field);
}

export async function billingDraftFor(read: PsaReadPort, id: string, field = 'billingDraftId'): Promise<BillingDraft> {
  const draft = (await read.billingDraftsByIds([id]))[0];
  if (!draft) throw notFoundRejection('BillingDraft', id, field);
  return draft;
}

/** Resources are not scoped by legal entity (an intercompany colleague is staffable). */
export async function resourceFor(read: PsaReadPort, id: string, field = 'resourceId'): Promise<Resource> {
  const resource = (await read.resourcesByIds([id]))[0];
  if (!resource) throw notFoundRejection('Resource', id, field);
  return resource;
}

/** The contract's line that bills time (its time-and-materials line), else its first line (docs/model.md#contractline). */
export async function contractLineOf(read: PsaReadPort, contractId: string | null): Promise<ContractLine | null> {
  if (contractId === null) return null;
  const lines = await read.contractLinesByContractIds([contractId]);
  return lines.find((line) => line.billingMethod === 'TIME_AND_MATERIALS') ?? lines[0] ?? null;
}
