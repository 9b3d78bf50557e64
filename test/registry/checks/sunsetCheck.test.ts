import { Kind, parse, print, visit } from 'graphql';
import { describe, expect, it } from 'vitest';
import { deprecationsOf } from '../../../registry/checks/deprecations.ts';
import { diffSchemas } from '../../../registry/checks/diff.ts';
import { sunsetFindings } from '../../../registry/checks/sunsetCheck.ts';
import type { ClientUsage, Finding } from '../../../registry/types.ts';
import { composeSupergraph } from '../../../schema/compose.ts';
import { REAL_SOURCES } from '../../schema/realSchema.ts';
import { DEPRECATING_SUBGRAPH, fixtureSupergraph, without } from './deprecationsFixture.ts';

const BEFORE = fixtureSupergraph();
const NO_USAGE: ReadonlyMap<string, readonly ClientUsage[]> = new Map();

function findings(after: string, today: string, usage = NO_USAGE): Finding[] {
  return sunsetFindings({ before: BEFORE, after, changes: diffSchemas(BEFORE, after), usage, today });
}

const finding = (rule: string, severity: Finding['severity'], coordinate: string, message: string, clients?: ClientUsage[]): Finding => ({
  rule,
  severity,
  coordinate,
  subgraph: null,
  message,
  ...(clients ? { clients } : {}),
});

describe('sunsetFindings', () => {
  const noCode = fixtureSupergraph(without('  code: String @deprecated(reason: "Use name. Sunset 2026-07-01.")\n'));

  it('refuses removing a deprecated field before its sunset date', () => {
    expect(findings(noCode, '2026-06-30')).toEqual([
      finding(
        'SUNSET_NOT_REACHED',
        'error',
        'Project.code',
        '`Project.code` is deprecated with sunset 2026-07-01: it may be removed from 2026-07-01 on, once no client uses it. Keep it until then.',
      ),
    ]);
  });

  it('lets it go on its sunset date when no client used it', () => {
    expect(findings(noCode, '2026-07-01')).toEqual([
      finding(
        'SUNSET_REMOVAL_OK',
        'info',
        'Project.code',
        '`Project.code` reached its sunset (2026-07-01) and no client used it in the usage window: it may go.',
      ),
    ]);
  });

  it('refuses it after the sunset while a client still uses it', () => {
    const usage = new Map([['Project.code', [{ clientId: 'portal', count: 4, lastUsedAt: '2026-07-10T12:00:00.000Z' }]]]);
    expect(findings(noCode, '2026-07-20', usage)).toEqual([
      finding(
        'DEPRECATED_STILL_IN_USE',
        'error',
        'Project.code',
        '`Project.code` is deprecated but 1 client still used it in the usage window: portal (4 operations, last used 2026-07-10T12:00:00.000Z). Remove it once they have moved off it.',
        [{ clientId: 'portal', count: 4, lastUsedAt: '2026-07-10T12:00:00.000Z' }],
      ),
    ]);
  });

  it('refuses removing a deprecation that never had a sunset date', () => {
    expect(findings(fixtureSupergraph(without('  ON_HOLD @deprecated(reason: "Use ACTIVE.")\n')), '2030-01-01')).toEqual([
      finding(
        'SUNSET_MISSING',
        'error',
        'ProjectStatus.ON_HOLD',
        '`ProjectStatus.ON_HOLD` is deprecated without a sunset date, so its clients were never told when it goes. Add `Sunset YYYY-MM-DD` to its deprecation reason, publish that, and remove it from that date on.',
      ),
    ]);
  });

  it('holds a deprecated capability to its @capability sunsetAt', () => {
    const after = fixtureSupergraph(
      without(`  releaseInvoice(id: ID!): Boolean
    @deprecated(reason: "Use releaseInvoiceV2.")
    @capability(name: "erp.releaseInvoice", version: 1, financial: true, deprecatedAt: "2026-01-01", sunsetAt: "2026-06-30", successor: "releaseInvoiceV2")
`),
    );
    expect(findings(after, '2026-06-29').map((f) => [f.rule, f.coordinate])).toEqual([['SUNSET_NOT_REACHED', 'Mutation.releaseInvoice']]);
    expect(findings(after, '2026-06-30').map((f) => [f.rule, f.coordinate])).toEqual([['SUNSET_REMOVAL_OK', 'Mutation.releaseInvoice']]);
  });

  it('judges removed arguments and input fields, and the deprecated members of a removed type', () => {
    const after = fixtureSupergraph(
      without(', legacy: Boolean @deprecated(reason: "Ignored. Sunset 2026-09-30.")')
        .replace('  projects(filter: ProjectFilter): [Project!]!\n', '  projects: [Project!]!\n')
        .replace(/input ProjectFilter \{[^}]*\}/, ''),
    );
    expect(findings(after, '2026-08-15').map((f) => [f.rule, f.coordinate])).toEqual([
      ['SUNSET_REMOVAL_OK', 'ProjectFilter.code'],
      ['SUNSET_NOT_REACHED', 'Query.project(legacy:)'],
    ]);
  });

  it('has no say on removing what was never deprecated, nor before the first supergraph', () => {
    const after = fixtureSupergraph(DEPRECATING_WITHOUT_STATUS);
    expect(diffSchemas(BEFORE, after).map((c) => c.kind)).toContain('FIELD_REMOVED');
    expect(findings(after, '2026-01-01')).toEqual([]);
    expect(sunsetFindings({ before: null, after: BEFORE, changes: [], usage: NO_USAGE, today: '2026-01-01' })).toEqual([]);
  });

  it('on the canonical supergraph: removing a deprecated capability waits for its sunset date', () => {
    const before = composeSupergraph(REAL_SOURCES);
    const capability = deprecationsOf(before).find((d) => d.coordinate.startsWith('Mutation.') && d.sunsetAt !== null);
    if (!capability) throw new Error('the canonical schema has no deprecated capability with a sunset date');
    const field = capability.coordinate.slice('Mutation.'.length);
    const after = composeSupergraph(REAL_SOURCES.map((source) => ({ ...source, sdl: withoutMutationField(source.sdl, field) })));
    const changes = diffSchemas(before, after);
    const dayBefore = new Date(Date.parse(`${capability.sunsetAt}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const judge = (today: string) => sunsetFindings({ before, after, changes, usage: NO_USAGE, today }).map((f) => [f.rule, f.coordinate]);
    expect(judge(dayBefore)).toEqual([['SUNSET_NOT_REACHED', capability.coordinate]]);
    expect(judge(capability.sunsetAt!)).toEqual([['SUNSET_REMOVAL_OK', capability.coordinate]]);
  });
});

const DEPRECATING_WITHOUT_STATUS = without('  status: ProjectStatus!\n');

function withoutMutationField(sdl: string, field: string): string {
  const document = visit(parse(sdl), {
    [Kind.OBJECT_TYPE_DEFINITION]: (node) =>
      node.name.value === 'Mutation' ? { ...node, fields: node.fields?.filter((f) => f.name.value !== field) } : undefined,
    [Kind.OBJECT_TYPE_EXTENSION]: (node) =>
      node.name.value === 'Mutation' ? { ...node, fields: node.fields?.filter((f) => f.name.value !== field) } : undefined,
  });
  return print(document);
}

describe('a sunset date is a promise', () => {
  const earlier = fixtureSupergraph(DEPRECATING_SUBGRAPH.replace('Use name. Sunset 2026-07-01.', 'Use name. Sunset 2026-01-01.'));
  const later = fixtureSupergraph(DEPRECATING_SUBGRAPH.replace('Use name. Sunset 2026-07-01.', 'Use name. Sunset 2027-01-01.'));

  it('refuses moving it earlier before it has passed, so an element cannot go sooner in two publishes', () => {
    expect(findings(earlier, '2025-12-01')).toEqual([
      finding(
        'SUNSET_MOVED_EARLIER',
        'error',
        'Project.code',
        'Project.code was promised to clients until 2026-07-01; a new sunset of 2026-01-01 would end it sooner. Keep 2026-07-01 or a later date.',
      ),
    ]);
  });

  it('lets it move later, and lets a date that has passed change', () => {
    expect(findings(later, '2025-12-01')).toEqual([]);
    expect(findings(earlier, '2026-07-02')).toEqual([]);
  });
});
