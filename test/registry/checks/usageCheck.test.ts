import { describe, expect, it } from 'vitest';
import { usageFindings } from '../../../registry/checks/usageCheck.ts';
import type { ClientUsage } from '../../../registry/types.ts';
import { change } from './diffFixture.ts';

const REMOVED = change('BREAKING', 'ENUM_VALUE_REMOVED', 'ProjectStatus.ON_HOLD', 'removed', ['Project.status', 'ProjectStatus.ON_HOLD']);
const usage = (entries: Record<string, ClientUsage[]>): ReadonlyMap<string, readonly ClientUsage[]> => new Map(Object.entries(entries));

describe('usageFindings', () => {
  it('passes a breaking change none of whose coordinates was used in the window', () => {
    expect(
      usageFindings([REMOVED], usage({ 'Project.name': [{ clientId: 'portal', count: 3, lastUsedAt: '2026-05-01T10:00:00.000Z' }] }), 30),
    ).toEqual([
      {
        rule: 'BREAKING_CHANGE_UNUSED',
        severity: 'info',
        coordinate: 'ProjectStatus.ON_HOLD',
        subgraph: null,
        message:
          'ENUM_VALUE_REMOVED on `ProjectStatus.ON_HOLD` is breaking, but no client used `Project.status`, `ProjectStatus.ON_HOLD` in the last 30 days: it breaks no recorded client.',
      },
    ]);
  });

  it('refuses a breaking change in use, naming each client once with its summed count and latest use', () => {
    const recorded = usage({
      'Project.status': [
        { clientId: 'portal', count: 5, lastUsedAt: '2026-05-01T10:00:00.000Z' },
        { clientId: 'sub:alice', count: 1, lastUsedAt: '2026-04-02T08:00:00.000Z' },
      ],
      'ProjectStatus.ON_HOLD': [{ clientId: 'portal', count: 2, lastUsedAt: '2026-05-03T09:30:00.000Z' }],
      'ProjectStatus.ACTIVE': [{ clientId: 'billing', count: 9, lastUsedAt: '2026-05-04T00:00:00.000Z' }],
    });
    expect(usageFindings([REMOVED], recorded, 30)).toEqual([
      {
        rule: 'BREAKING_CHANGE_IN_USE',
        severity: 'error',
        coordinate: 'ProjectStatus.ON_HOLD',
        subgraph: null,
        clients: [
          { clientId: 'portal', count: 7, lastUsedAt: '2026-05-03T09:30:00.000Z' },
          { clientId: 'sub:alice', count: 1, lastUsedAt: '2026-04-02T08:00:00.000Z' },
        ],
        message:
          'ENUM_VALUE_REMOVED on `ProjectStatus.ON_HOLD` breaks 2 clients that used `Project.status`, `ProjectStatus.ON_HOLD` in the last 30 days: ' +
          'portal (7 operations, last used 2026-05-03T09:30:00.000Z), sub:alice (1 operation, last used 2026-04-02T08:00:00.000Z). ' +
          'Keep it: deprecate it first with a sunset date (`@deprecated(reason: "... Sunset YYYY-MM-DD")`) and remove it once no client uses it, or, for a capability, add a new version beside it.',
      },
    ]);
  });

  it('judges only breaking changes', () => {
    const others = [
      change('DANGEROUS', 'ENUM_VALUE_ADDED', 'ProjectStatus.PAUSED', 'added', ['Project.status']),
      change('SAFE', 'FIELD_ADDED', 'Project.startsOn', 'added'),
    ];
    expect(
      usageFindings(others, usage({ 'Project.status': [{ clientId: 'portal', count: 1, lastUsedAt: '2026-05-01T10:00:00.000Z' }] }), 30),
    ).toEqual([]);
  });

  it('passes a breaking change nothing in the schema reaches', () => {
    expect(usageFindings([change('BREAKING', 'INPUT_FIELD_ADDED_REQUIRED', 'Orphan.rate', 'added')], usage({}), 30)).toEqual([
      {
        rule: 'BREAKING_CHANGE_UNUSED',
        severity: 'info',
        coordinate: 'Orphan.rate',
        subgraph: null,
        message: 'INPUT_FIELD_ADDED_REQUIRED on `Orphan.rate` is breaking, but nothing in the schema reaches it: it breaks no client.',
      },
    ]);
  });

  it('refuses a breaking change whose use the gateway does not record', () => {
    expect(usageFindings([change('BREAKING', 'DIRECTIVE_REMOVED', '@cached', 'removed', ['@cached'])], usage({}), 30)).toEqual([
      {
        rule: 'BREAKING_CHANGE_UNTRACKED',
        severity: 'error',
        coordinate: '@cached',
        subgraph: null,
        message:
          'DIRECTIVE_REMOVED on `@cached` is breaking and the gateway records no use of it, so no one can tell which clients it breaks. Keep it, and add what replaces it beside it.',
      },
    ]);
  });
});
