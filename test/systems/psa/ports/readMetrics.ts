/** The metric reads of the PSA read-port contract (readPort.contract.ts): the same sums on every adapter, recomputed from the data. */
import { expect, it } from 'vitest';
import type { RecordScope } from '../../../../policies/recordScope.ts';
import type { PsaReadPort } from '../../../../systems/psa/ports/readPort.ts';
import type { PsaData } from './psaData.ts';

const ALL_TIME = { from: '2000-01-01', to: '2099-12-31' };

export function metricReadTests(read: (scope?: RecordScope) => PsaReadPort, data: PsaData): void {
  it('sums approved hours by class for the utilization population, per legal entity, and direct cost per project', async () => {
    const approved = new Map(data.timecards.filter((t) => t.status === 'APPROVED').map((t) => [t.id, t]));
    const people = new Map(data.resources.filter((r) => r.isBookable && r.status !== 'TERMINATED').map((r) => [r.id, r]));
    const expected = new Map<string, number>();
    for (const e of data.entries) {
      const person = people.get(approved.get(e.timecardId)?.resourceId ?? '');
      if (person && e.hourClass === 'BILLABLE')
        expected.set(person.homeLegalEntityId, (expected.get(person.homeLegalEntityId) ?? 0) + e.hoursE2);
    }
    const rows = await read().utilizationHours(ALL_TIME, ['LEGAL_ENTITY'], null);
    expect(new Map(rows.filter((r) => r.billableE2 > 0).map((r) => [r.legalEntityId, r.billableE2]))).toEqual(expected);
    const population = await read().utilizationPopulation(['LEGAL_ENTITY'], null);
    expect(population.reduce((sum, g) => sum + g.resources, 0)).toBe(people.size);

    const project = data.projects[0]!;
    const hours = data.entries
      .filter((e) => e.projectId === project.id && approved.has(e.timecardId))
      .reduce((sum, e) => sum + e.hoursE2, 0);
    const cost = (await read().projectCostTotals([project.id])).get(project.id);
    expect((cost?.costedHoursE2 ?? 0) + (cost?.uncostedHoursE2 ?? 0)).toBe(hours);
  });
}

/** The scope probes of the metric reads (records that exist). */
export function metricProbes(data: PsaData) {
  const projectIds = data.projects.map((p) => p.id);
  const resourceIds = data.resources.map((r) => r.id);
  return {
    utilizationHours: (port: PsaReadPort) => port.utilizationHours(ALL_TIME, ['RESOURCE'], null),
    utilizationPopulation: (port: PsaReadPort) => port.utilizationPopulation(['RESOURCE'], null),
    resourceHourTotals: (port: PsaReadPort) => port.resourceHourTotals(resourceIds, ALL_TIME),
    realizationTotals: (port: PsaReadPort) => port.realizationTotals(ALL_TIME, 'PROJECT', { legalEntityId: null, currency: null }, []),
    projectCostTotals: (port: PsaReadPort) => port.projectCostTotals(projectIds),
  };
}
