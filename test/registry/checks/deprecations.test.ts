import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { deprecationsOf } from '../../../registry/checks/deprecations.ts';
import { sunsetDateOf } from '../../../registry/checks/sunsetDate.ts';
import { capabilitiesOf } from '../../../schema/capabilities.ts';
import { composeSupergraph } from '../../../schema/compose.ts';
import { readSubgraphSdl } from '../../../schema/subgraphSdl.ts';
import { REAL_SOURCES, SUBGRAPHS } from '../../schema/realSchema.ts';
import { fixtureSupergraph } from './deprecationsFixture.ts';

describe('deprecationsOf', () => {
  it('lists every deprecated field, argument, enum value and input field with its sunset date', () => {
    expect(deprecationsOf(fixtureSupergraph())).toEqual([
      // The reason has no date: the capability's sunsetAt is the sunset.
      { coordinate: 'Mutation.releaseInvoice', reason: 'Use releaseInvoiceV2.', sunsetAt: '2026-06-30' },
      { coordinate: 'Project.code', reason: 'Use name. Sunset 2026-07-01.', sunsetAt: '2026-07-01' },
      { coordinate: 'ProjectFilter.code', reason: 'Use name. sunset: 2026-08-15', sunsetAt: '2026-08-15' },
      { coordinate: 'ProjectStatus.ON_HOLD', reason: 'Use ACTIVE.', sunsetAt: null },
      { coordinate: 'Query.project(legacy:)', reason: 'Ignored. Sunset 2026-09-30.', sunsetAt: '2026-09-30' },
    ]);
  });

  it("prefers the reason's date to the capability's sunsetAt", () => {
    const sdl = fixtureSupergraph().replace('"Use releaseInvoiceV2."', '"Use releaseInvoiceV2. Sunset 2026-12-31."');
    expect(deprecationsOf(sdl).find((d) => d.coordinate === 'Mutation.releaseInvoice')?.sunsetAt).toBe('2026-12-31');
  });

  it('on the canonical supergraph: each deprecation dated by its reason, else by its capability', () => {
    const capabilities = new Map(
      SUBGRAPHS.flatMap((name) => [...capabilitiesOf(parse(readSubgraphSdl(name))).values()]).map((c) => [`Mutation.${c.field}`, c]),
    );
    const deprecations = deprecationsOf(composeSupergraph(REAL_SOURCES));
    const deprecatedCapabilities = [...capabilities.values()].filter((c) => c.deprecatedAt !== null).map((c) => `Mutation.${c.field}`);
    expect(deprecatedCapabilities.length).toBeGreaterThan(0);
    expect(deprecations.map((d) => d.coordinate)).toEqual(expect.arrayContaining(deprecatedCapabilities));
    for (const deprecation of deprecations) {
      expect(deprecation.reason).not.toBe('');
      expect(deprecation.sunsetAt).toBe(sunsetDateOf(deprecation.reason) ?? capabilities.get(deprecation.coordinate)?.sunsetAt ?? null);
    }
  });
});
