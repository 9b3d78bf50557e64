/**
 * The CLI's human output (docs/registry.md#cli). `--json` prints the registry's types instead;
 * these are for a person at a terminal: each check section, each finding with its rule,
 * coordinate, subgraph and the clients that used it, and the changes listed apart by severity.
 */
import type { VersionDiff } from '../registry.ts';
import type {
  AuditEntry,
  CheckReport,
  ClientUsage,
  Contract,
  CoordinateUsage,
  Deprecation,
  Finding,
  PublishResult,
  SchemaChange,
  SchemaVersion,
  SubgraphSummary,
} from '../types.ts';

export function formatReport(report: CheckReport): string {
  const against = report.baseVersion === null ? 'no published version' : `v${report.baseVersion}`;
  const lines = [
    `check of ${report.subgraph} against ${against}: ${report.passed ? 'PASSED' : 'FAILED'}${report.id === null ? '' : ` (report ${report.id})`}`,
  ];
  for (const section of report.sections) {
    lines.push(`  ${section.name.padEnd(11)} ${section.passed ? 'passed' : 'FAILED'}`);
    for (const finding of section.findings) lines.push(...formatFinding(finding).map((line) => `    ${line}`));
  }
  lines.push(...formatChanges(report.changes));
  return `${lines.join('\n')}\n`;
}

function formatFinding(finding: Finding): string[] {
  const where = [finding.coordinate, finding.subgraph === null ? null : `(${finding.subgraph})`].filter(Boolean).join(' ');
  const lines = [`${finding.severity} ${finding.rule}${where ? ` ${where}` : ''}: ${finding.message}`];
  for (const client of finding.clients ?? []) lines.push(`  ${formatClient(client)}`);
  return lines;
}

function formatClient(client: ClientUsage): string {
  return `client ${client.clientId}: ${client.count} operation${client.count === 1 ? '' : 's'}, last used ${client.lastUsedAt}`;
}

/** The changes apart by severity: breaking, dangerous, safe. */
export function formatChanges(changes: CheckReport['changes']): string[] {
  const lines = ['changes:'];
  for (const [label, list] of [
    ['breaking', changes.breaking],
    ['dangerous', changes.dangerous],
    ['safe', changes.safe],
  ] as const) {
    lines.push(`  ${label} (${list.length})`);
    for (const change of list) lines.push(`    ${formatChange(change)}`);
  }
  return lines;
}

function formatChange(change: SchemaChange): string {
  return `${change.kind} ${change.coordinate}: ${change.message}`;
}

export function changesOf(list: readonly SchemaChange[]): CheckReport['changes'] {
  return {
    breaking: list.filter((change) => change.severity === 'BREAKING'),
    dangerous: list.filter((change) => change.severity === 'DANGEROUS'),
    safe: list.filter((change) => change.severity === 'SAFE'),
  };
}

export function formatPublish(result: PublishResult, verb: 'published' | 'rolled back'): string {
  const { version, supergraph } = result;
  if (!result.published) {
    return `${version.subgraph} v${version.version} unchanged: the SDL and URL equal the head; nothing was published\n`;
  }
  const from = Object.entries(supergraph.subgraphVersions)
    .map(([name, number]) => `${name} v${number}`)
    .join(', ');
  const rolledBack = version.rolledBackFrom === null ? '' : ` (the SDL of v${version.rolledBackFrom})`;
  return (
    `${verb} ${version.subgraph} v${version.version}${rolledBack} by ${version.author} at ${version.publishedAt}\n` +
    `supergraph ${supergraph.id} composed from ${from} (etag ${supergraph.etag})\n` +
    formatReport(result.report)
  );
}

export function formatHistory(versions: readonly SchemaVersion[]): string {
  if (versions.length === 0) return 'no published versions\n';
  return versions
    .map((version) => {
      const extra = [
        version.commit === null ? null : `commit ${version.commit}`,
        version.rolledBackFrom === null ? null : `rollback to v${version.rolledBackFrom}`,
      ].filter(Boolean);
      return `${version.subgraph} v${version.version}  ${version.publishedAt}  ${version.author}  ${version.url}${extra.length ? `  ${extra.join(', ')}` : ''}\n`;
    })
    .join('');
}

export function formatSubgraphs(subgraphs: readonly SubgraphSummary[]): string {
  return subgraphs
    .map((subgraph) => `${subgraph.name}  ${subgraph.version === null ? 'unpublished' : `v${subgraph.version}`}  ${subgraph.url}\n`)
    .join('');
}

export function formatDiff(diff: VersionDiff): string {
  return `${diff.text.endsWith('\n') || diff.text === '' ? diff.text : `${diff.text}\n`}${formatChanges(changesOf(diff.changes)).join('\n')}\n`;
}

export function formatContracts(contracts: readonly Contract[]): string {
  if (contracts.length === 0) return 'no contracts\n';
  return contracts.map((contract) => `${formatContract(contract)}\n`).join('');
}

export function formatContract(contract: Contract): string {
  const tags = (list: readonly string[]) => (list.length === 0 ? 'none' : list.join(', '));
  return `${contract.name}  include: ${tags(contract.includeTags)}  exclude: ${tags(contract.excludeTags)}  by ${contract.createdBy} at ${contract.createdAt}`;
}

export function formatUsage(usage: readonly CoordinateUsage[]): string {
  if (usage.length === 0) return 'no recorded usage in the window\n';
  return usage
    .map((entry) => {
      const clients =
        entry.clients.length === 0 ? ['  no client used it in the window'] : entry.clients.map((client) => `  ${formatClient(client)}`);
      return [entry.coordinate, ...clients].join('\n') + '\n';
    })
    .join('');
}

export function formatDeprecations(deprecations: readonly Deprecation[]): string {
  if (deprecations.length === 0) return 'no deprecations\n';
  return deprecations
    .map((deprecation) => {
      const head = `${deprecation.coordinate}${deprecation.subgraph === null ? '' : ` (${deprecation.subgraph})`}  sunset ${deprecation.sunsetAt ?? 'none'}: ${deprecation.reason}`;
      const clients =
        deprecation.clients.length === 0
          ? ['  no client used it in the window']
          : deprecation.clients.map((client) => `  ${formatClient(client)}`);
      return [head, ...clients].join('\n') + '\n';
    })
    .join('');
}

export function formatAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'no audit entries\n';
  return entries
    .map((entry) => {
      const what = entry.subgraph === null ? '' : ` ${entry.subgraph}${entry.version === null ? '' : ` v${entry.version}`}`;
      return `${entry.at}  ${entry.actor}  ${entry.action}${what}${entry.detail ? `: ${entry.detail}` : ''}\n`;
    })
    .join('');
}
