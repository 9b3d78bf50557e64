/**
 * What the PSA write-port suites share on one adapter: the system opened once for the suite (each
 * test works on its own contract, week and keys), the runner, reads, the outbox, and the first
 * steps of the capability path (a project created, activated and asking for a resource).
 */
import { portRunner, valueOf, type PortRunner } from '../../../harness/portRunner.ts';
import { psaCapabilities } from '../../../../systems/psa/capabilities/index.ts';
import { afterAll, beforeAll } from 'vitest';
import { addDays } from '../../../../systems/psa/capabilities/dates.ts';
import type { Project, ResourceRequest } from '../../../../systems/psa/ports/types.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import type { OpenPsa } from './openPsa.ts';
import { psaData, type PsaData } from './psaData.ts';
import { ALICE, facts, T0, type Scenario } from './writeFixture.ts';

/** Registers the suite's set-up in the enclosing `describe` and answers its helpers. */
export function writeHarness(open: (data: PsaData) => Promise<OpenPsa>) {
  const data = psaData();
  let opened: OpenPsa;
  let started: PortRunner<typeof psaCapabilities>;
  beforeAll(async () => {
    opened = await open(data);
    started = portRunner('psa', psaCapabilities, opened.system, T0);
  });
  afterAll(async () => {
    await opened?.close();
  });
  const h = { psa: () => opened, runner: () => started };
  const read = () => h.psa().system.reads(ALL_RECORDS);
  const eventsOf = async (ids: readonly string[]) =>
    (
      await h
        .psa()
        .system.ledger.selectFrom('outbox_events')
        .select(['type', 'aggregate_type', 'aggregate_id', 'aggregate_version', 'legal_entity_id', 'payload_json'])
        .where('aggregate_id', 'in', ids)
        .orderBy('occurred_at')
        .orderBy('aggregate_version')
        .orderBy('type')
        .execute()
    ).map((e) => ({
      type: e.type,
      aggregate: `${e.aggregate_type}:${e.aggregate_id}:${e.aggregate_version}`,
      legalEntityId: e.legal_entity_id,
      payload: JSON.parse(e.payload_json) as unknown,
    }));
  const staffed = async (s: Scenario, key: string) => {
    const { project } = await valueOf<{ project: Project }>(
      h.runner().run(
        'createProjectFromContract',
        {
          contractId: s.contract.id,
          name: `Port contract ${s.n}`,
          code: `PORT-${s.n}`,
          rateCardId: 'rc_port',
        },
        { principal: ALICE, key: `${key}-create`, facts: { contract: s.contract, rateCard: s.rateCard } },
      ),
    );
    const { project: active } = await valueOf<{ project: Project }>(
      h
        .runner()
        .run(
          'activateProject',
          { projectId: project.id, expectedVersion: 1 },
          { principal: ALICE, key: `${key}-activate`, facts: facts.activeContract(s) },
        ),
    );
    const { resourceRequest } = await valueOf<{ resourceRequest: ResourceRequest }>(
      h.runner().run(
        'createResourceRequest',
        {
          projectId: project.id,
          roleId: s.resource.primaryRoleId,
          startDate: s.week,
          endDate: addDays(s.week, 4),
          hours: '40.00',
        },
        { principal: ALICE, key: `${key}-request` },
      ),
    );
    return { project, active, resourceRequest };
  };

  return { data, ...h, read, ok: valueOf, eventsOf, staffed };
}

export type WriteHarness = ReturnType<typeof writeHarness>;
