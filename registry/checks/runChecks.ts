/**
 * Runs the six checks on a proposed set of subgraphs, in `CHECK_NAMES` order, and builds the
 * report (docs/registry.md#checks). Composition comes first: when the set does not compose, there
 * is no proposed supergraph to compare, so every later section is `passed: false` with one
 * `NOT_RUN` finding. The report is not stored here; the service stores it.
 */
import type { SubgraphSource } from '../../schema/compose.ts';
import { CompositionError } from '../../schema/compose.ts';
import { composeContract } from '../contracts/composeContract.ts';
import type { CheckName, CheckReport, CheckSection, ClientUsage, Contract, Finding, SchemaChange, SubgraphDeclaration } from '../types.ts';
import { CHECK_NAMES } from '../types.ts';
import { checkComposition, compositionFindings } from './composition.ts';
import { changeFindings, diffSchemas } from './diff.ts';
import { governanceFindings } from './governanceLint.ts';
import { sunsetFindings } from './sunsetCheck.ts';
import { usageFindings } from './usageCheck.ts';

/** A subgraph of the proposed set, with the system it speaks for (null: none, no ownership rule). */
export interface ProposedSubgraph {
  readonly name: string;
  readonly url: string;
  readonly sdl: string;
  readonly system: SubgraphDeclaration['system'];
}

export interface CheckInput {
  /** The whole proposed set: the heads, with each proposal in place of its subgraph. */
  readonly proposed: readonly ProposedSubgraph[];
  /** The names of the subgraphs the proposal changes. */
  readonly changed: readonly string[];
  /** The current full supergraph, null before the first publish. */
  readonly currentSupergraph: string | null;
  readonly contracts: readonly Contract[];
  /** Each contract's current supergraph, by contract name (a contract created after the last publish has none yet). */
  readonly currentContractSupergraphs?: ReadonlyMap<string, string> | undefined;
  /** The clients that used each of these usage coordinates within the window. */
  readonly usageOf: (coordinates: readonly string[]) => Promise<ReadonlyMap<string, readonly ClientUsage[]>>;
  readonly usageWindowDays: number;
  /** ISO date (YYYY-MM-DD) sunsets are compared with. */
  readonly today: string;
  readonly header: Pick<CheckReport, 'subgraph' | 'baseVersion' | 'sdlHash' | 'author' | 'checkedAt'>;
}

export interface CheckOutcome {
  /** Not stored yet: `id` is null. */
  readonly report: CheckReport;
  /** The proposed supergraph, null when it did not compose. */
  readonly supergraph: string | null;
  /** Each contract's proposed supergraph, by contract name (those that composed). */
  readonly contractSupergraphs: ReadonlyMap<string, string>;
}

const NOT_RUN: Finding = {
  rule: 'NOT_RUN',
  severity: 'error',
  coordinate: null,
  subgraph: null,
  message: 'Not run: composition failed first. Fix the composition errors and check again.',
};

export async function runChecks(input: CheckInput): Promise<CheckOutcome> {
  const sources = input.proposed.map(toSource);
  const composition = checkComposition(sources, input.changed);
  const noChanges = { breaking: [], dangerous: [], safe: [] };
  if (composition.supergraph === null) {
    const sections = CHECK_NAMES.map((name) => section(name, name === 'composition' ? composition.findings : [NOT_RUN]));
    return { report: reportOf(input, sections, noChanges), supergraph: null, contractSupergraphs: new Map() };
  }
  const after = composition.supergraph;
  const changes = diffSchemas(input.currentSupergraph, after);
  const usage = await input.usageOf([...new Set(changes.flatMap((change) => change.usageCoordinates))]);
  const contracts = contractsCheck(sources, input.contracts, input.changed);
  const contractUsage = await contractChangeFindings(input, contracts.supergraphs, changes);
  const attributed = attributeTo(input.changed);
  const findings: Record<CheckName, readonly Finding[]> = {
    composition: [],
    changes: attributed(changeFindings(changes)),
    usage: attributed(usageFindings(changes, usage, input.usageWindowDays)),
    governance: governanceFindings({
      subgraphs: input.proposed.map(({ name, system, sdl }) => ({ name, system, sdl })),
      supergraph: after,
      before: input.currentSupergraph,
      changes,
    }),
    sunset: attributed(sunsetFindings({ before: input.currentSupergraph, after, changes, usage, today: input.today })),
    contracts: [...contracts.findings, ...attributed(contractUsage)],
  };
  const sections = CHECK_NAMES.map((name) => section(name, findings[name]));
  return { report: reportOf(input, sections, bySeverity(changes)), supergraph: after, contractSupergraphs: contracts.supergraphs };
}

/** Composes every stored contract from the proposed set; one that does not compose fails the check. */
function contractsCheck(sources: readonly SubgraphSource[], contracts: readonly Contract[], changed: readonly string[]) {
  const supergraphs = new Map<string, string>();
  const findings: Finding[] = [];
  for (const contract of contracts) {
    const filter = { name: contract.name, includeTags: contract.includeTags, excludeTags: contract.excludeTags };
    try {
      supergraphs.set(contract.name, composeContract(sources, filter));
    } catch (error) {
      if (!(error instanceof CompositionError)) throw error;
      // composeContract's messages name the contract and its tags already.
      findings.push(...compositionFindings(error.errors, sources, { rule: 'CONTRACT_COMPOSITION_ERROR', proposed: changed }));
    }
  }
  return { supergraphs, findings };
}

/**
 * API-schema findings name no subgraph (the diff is of the composed graph); when the proposal changes
 * one subgraph, that subgraph made them.
 */
function attributeTo(changed: readonly string[]): (findings: readonly Finding[]) => readonly Finding[] {
  const only = changed.length === 1 ? changed[0]! : null;
  return (findings) => (only === null ? findings : findings.map((finding) => ({ ...finding, subgraph: finding.subgraph ?? only })));
}

/**
 * What a proposal breaks in a contract but not in the full graph (a field that loses the tag its
 * contract includes, a type a contract's pruning now hides): those clients call the contract's
 * path, so its API schema is diffed too, and a breaking change there that clients used in the
 * window is refused like one of the full graph (`CONTRACT_BREAKING_CHANGE_IN_USE`).
 */
async function contractChangeFindings(
  input: CheckInput,
  proposed: ReadonlyMap<string, string>,
  fullGraphChanges: readonly SchemaChange[],
): Promise<Finding[]> {
  const seen = new Set(fullGraphChanges.map((change) => `${change.kind} ${change.coordinate}`));
  const findings: Finding[] = [];
  for (const [name, after] of proposed) {
    const before = input.currentContractSupergraphs?.get(name);
    if (before === undefined || before === after) continue;
    const own = diffSchemas(before, after).filter(
      (change) => change.severity === 'BREAKING' && !seen.has(`${change.kind} ${change.coordinate}`),
    );
    if (own.length === 0) continue;
    const usage = await input.usageOf([...new Set(own.flatMap((change) => change.usageCoordinates))]);
    for (const finding of usageFindings(own, usage, input.usageWindowDays)) {
      findings.push({ ...finding, rule: `CONTRACT_${finding.rule}`, message: `Contract ${name}: ${finding.message}` });
    }
  }
  return findings;
}

function section(name: CheckName, findings: readonly Finding[]): CheckSection {
  return { name, passed: findings.every((finding) => finding.severity !== 'error'), findings };
}

function reportOf(input: CheckInput, sections: readonly CheckSection[], changes: CheckReport['changes']): CheckReport {
  return { id: null, ...input.header, passed: sections.every((entry) => entry.passed), sections, changes };
}

function bySeverity(changes: readonly SchemaChange[]): CheckReport['changes'] {
  return {
    breaking: changes.filter((change) => change.severity === 'BREAKING'),
    dangerous: changes.filter((change) => change.severity === 'DANGEROUS'),
    safe: changes.filter((change) => change.severity === 'SAFE'),
  };
}

/** The ownership rule applies only when every subgraph speaks for a system (schema/compose.ts). */
function toSource({ name, url, sdl, system }: ProposedSubgraph): SubgraphSource {
  return system ? { name, url, sdl, system } : { name, url, sdl };
}
