/**
 * Checks a set of proposals against a state of the registry, and keeps reports and the audit trail.
 * A set (publishAll) is checked as one proposal: its report names the subgraphs joined by `+`.
 */
import type { Kysely, Transaction } from 'kysely';
import { runChecks, type CheckOutcome, type ProposedSubgraph } from '../checks/runChecks.ts';
import type { RegistryTables } from '../store/tables.ts';
import type { CheckReport } from '../types.ts';
import { isoDate, type ServiceContext } from './context.ts';
import { sha256, toReport } from './rows.ts';
import type { RegistryState } from './state.ts';
import { usageMap } from './usage.ts';
import type { ValidProposal } from './validate.ts';

export async function checkProposals(
  ctx: ServiceContext,
  state: RegistryState,
  proposals: readonly ValidProposal[],
  author: string,
): Promise<CheckOutcome> {
  const now = ctx.clock();
  const only = proposals.length === 1 ? proposals[0]! : null;
  return runChecks({
    proposed: proposedSet(ctx, state, proposals),
    changed: proposals.map((proposal) => proposal.subgraph),
    currentSupergraph: state.supergraphs.get('')?.sdl ?? null,
    contracts: state.contracts,
    currentContractSupergraphs: new Map(
      state.contracts.flatMap((contract) => {
        const current = state.supergraphs.get(contract.name);
        return current ? [[contract.name, current.sdl] as const] : [];
      }),
    ),
    usageOf: (coordinates) => usageMap(ctx.db, coordinates, now, ctx.usageWindowDays),
    usageWindowDays: ctx.usageWindowDays,
    today: isoDate(now),
    header: {
      subgraph: proposals.map((proposal) => proposal.subgraph).join('+'),
      baseVersion: only ? (state.heads.get(only.subgraph)?.version ?? null) : null,
      sdlHash: sha256(proposals.map((proposal) => proposal.sdl).join('\n')),
      author,
      checkedAt: now.toISOString(),
    },
  });
}

/** The heads, with each proposal in place of its subgraph, in the declarations' (composition) order. */
export function proposedSet(ctx: ServiceContext, state: RegistryState, proposals: readonly ValidProposal[]): ProposedSubgraph[] {
  const set: ProposedSubgraph[] = [];
  for (const declaration of ctx.declarationList) {
    const source = proposals.find((proposal) => proposal.subgraph === declaration.name) ?? state.heads.get(declaration.name);
    if (source) set.push({ name: declaration.name, url: source.url, sdl: source.sdl, system: declaration.system });
  }
  return set;
}

type Db = Kysely<RegistryTables> | Transaction<RegistryTables>;

/** Stores a report; returns it with its id. */
export async function storeReport(db: Db, report: CheckReport): Promise<CheckReport> {
  const { id } = await db
    .insertInto('registry_checks')
    .values({
      subgraph: report.subgraph,
      passed: report.passed ? 1 : 0,
      author: report.author,
      checked_at: report.checkedAt,
      report: JSON.stringify(report),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return toReport({ id, report: JSON.stringify(report) });
}

export async function audit(
  db: Db,
  entry: { at: string; actor: string; action: string; subgraph: string | null; version: number | null; detail: string },
): Promise<void> {
  await db.insertInto('registry_audit').values(entry).execute();
}

/** The rules of a report's errors, without `NOT_RUN` (composition failing first is what to fix). */
export function failedRules(report: CheckReport): string[] {
  const errors = report.sections.flatMap((section) => section.findings.filter((finding) => finding.severity === 'error'));
  return [...new Set(errors.map((finding) => finding.rule).filter((rule) => rule !== 'NOT_RUN'))];
}

/** `usage, sunset (BREAKING_CHANGE_IN_USE, SUNSET_NOT_REACHED)`: the sections that failed on their own, and why. */
export function failuresOf(report: CheckReport): string {
  const failed = report.sections.filter((section) => !section.passed && section.findings.some((finding) => finding.rule !== 'NOT_RUN'));
  return `${failed.map((section) => section.name).join(', ')} (${failedRules(report).join(', ')})`;
}

export async function storedChecks(db: Db, limit: number): Promise<CheckReport[]> {
  const rows = await db.selectFrom('registry_checks').select(['id', 'report']).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toReport);
}

export async function storedCheck(db: Db, id: number): Promise<CheckReport | null> {
  const row = await db.selectFrom('registry_checks').select(['id', 'report']).where('id', '=', id).executeTakeFirst();
  return row ? toReport(row) : null;
}
