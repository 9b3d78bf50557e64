/**
 * The project lifecycle as a property: random sequences of lifecycle commands (activateProject,
 * holdProject, resumeProject, beginProjectClosing, closeProject, cancelProject; with the current or
 * a stale expectedVersion, with or without a reason) on a fresh customer project, through the
 * kernel runner on the SQL adapter (SQLite). Each answer is the one the domain's lifecycle
 * (docs/state-machines.md#project, written out below independently of projectMachine) predicts; the
 * project never leaves the states projectMachine allows, its aggregateVersion is 1 + the accepted
 * transitions (one event each), its reason is kept exactly while ON_HOLD or CANCELLED, and
 * CANCELLED is final.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canTransition } from '../../../systems/kernel/capability/stateMachine.ts';
import { psaCapabilities } from '../../../systems/psa/capabilities/index.ts';
import { projectMachine, type ProjectStatus } from '../../../systems/psa/machines.ts';
import type { Project } from '../../../systems/psa/ports/types.ts';
import { portRunner, type PortRunner } from '../../harness/portRunner.ts';
import { ALL_RECORDS } from '../../harness/recordPolicyProbe.ts';
import { tempSqliteStore } from '../../harness/tempDatabase.ts';
import { openSqlPsa, type OpenPsa } from '../../systems/psa/ports/openPsa.ts';
import { psaData } from '../../systems/psa/ports/psaData.ts';
import { ALICE, T0, facts, scenario, type Scenario } from '../../systems/psa/ports/writeFixture.ts';

const NUM_RUNS = 100;
const COMMANDS = ['activateProject', 'holdProject', 'resumeProject', 'beginProjectClosing', 'closeProject', 'cancelProject'] as const;
type Capability = (typeof COMMANDS)[number];

/** Each capability's target and the states it moves a project (with no work) from: docs/state-machines.md#project. */
const DOMAIN: Readonly<Record<Capability, { readonly to: ProjectStatus; readonly from: readonly ProjectStatus[] }>> = {
  activateProject: { to: 'ACTIVE', from: ['PLANNED'] },
  holdProject: { to: 'ON_HOLD', from: ['ACTIVE'] },
  resumeProject: { to: 'ACTIVE', from: ['ON_HOLD', 'CLOSING'] },
  beginProjectClosing: { to: 'CLOSING', from: ['ACTIVE', 'ON_HOLD', 'CLOSED'] },
  closeProject: { to: 'CLOSED', from: ['ACTIVE', 'ON_HOLD', 'CLOSING'] },
  cancelProject: { to: 'CANCELLED', from: ['PLANNED', 'ACTIVE', 'ON_HOLD'] },
};
const NEEDS_REASON: ReadonlySet<Capability> = new Set(['holdProject', 'cancelProject']);

interface Step {
  readonly capability: Capability;
  readonly versionOffset: number;
  readonly reason: string;
}

const step: fc.Arbitrary<Step> = fc.record({
  capability: fc.constantFrom(...COMMANDS),
  versionOffset: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1) }),
  reason: fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('Funding review', ' Customer asked ') },
    { weight: 1, arbitrary: fc.constant('  ') },
  ),
});

/** What the domain predicts for `s` on a project in `status` at `version`. */
function predict(s: Step, status: ProjectStatus): { code: string | null; warning: boolean; to: ProjectStatus } {
  const { to, from } = DOMAIN[s.capability];
  if (s.versionOffset !== 0) return { code: 'VERSION_CONFLICT', warning: false, to: status };
  if (status === to) return { code: null, warning: true, to: status };
  if (!from.includes(status)) return { code: 'INVALID_STATE_TRANSITION', warning: false, to: status };
  if (NEEDS_REASON.has(s.capability) && s.reason.trim() === '') return { code: 'PRECONDITION_FAILED', warning: false, to: status };
  return { code: null, warning: false, to };
}

describe('project lifecycle commands in random order (property)', () => {
  let opened: OpenPsa;
  let runner: PortRunner<typeof psaCapabilities>;
  let s: Scenario;
  let runs = 0;
  const data = psaData();

  beforeAll(async () => {
    opened = await openSqlPsa(tempSqliteStore(), data);
    runner = portRunner('psa', psaCapabilities, opened.system, T0);
    s = scenario(data, 20);
  });
  afterAll(() => opened?.close());

  it(`answers every command as the lifecycle predicts, and keeps the project on projectMachine (${NUM_RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const run = ++runs;
        const created = await runner.run(
          'createProjectFromContract',
          { contractId: s.contract.id, name: `Lifecycle ${run}`, code: `LIFE-${run}`, rateCardId: 'rc_port' },
          { principal: ALICE, key: `life-${run}-create`, facts: { contract: s.contract, rateCard: s.rateCard } },
        );
        if (!created.result.ok) throw new Error(JSON.stringify(created.result.error));
        let project = (created.result.value as { project: Project }).project;
        let status = project.status as ProjectStatus;
        let accepted = 0;
        let reason: string | null = null;
        for (const [index, command] of steps.entries()) {
          const expected = predict(command, status);
          const input: Record<string, unknown> = {
            projectId: project.id,
            expectedVersion: project.aggregateVersion + command.versionOffset,
          };
          if (NEEDS_REASON.has(command.capability)) input.reason = command.reason;
          const outcome = await runner.run(command.capability, input, {
            principal: ALICE,
            key: `life-${run}-${index}`,
            facts: facts.activeContract(s),
          });
          const code = outcome.result.ok ? null : outcome.result.error.code;
          expect({ command, status, code }).toEqual({ command, status, code: expected.code });
          if (!outcome.result.ok) continue;
          const value = outcome.result.value as { project: Project; warnings?: { code: string }[] };
          expect(value.warnings?.map((w) => w.code) ?? []).toEqual(expected.warning ? ['ALREADY_IN_STATE'] : []);
          if (!expected.warning) {
            expect(canTransition(projectMachine, status, expected.to)).toBe(true);
            accepted += 1;
            reason = expected.to === 'ON_HOLD' || expected.to === 'CANCELLED' ? command.reason.trim() : null;
          }
          status = expected.to;
          project = value.project;
          expect({ status: project.status, version: project.aggregateVersion, reason: project.statusReason ?? null }).toEqual({
            status,
            version: 1 + accepted,
            reason,
          });
        }
        const [stored] = await opened.system.reads(ALL_RECORDS).projectsByIds([project.id]);
        expect(stored).toEqual(project);
        const events = await opened.system.ledger
          .selectFrom('outbox_events')
          .select(['aggregate_version'])
          .where('aggregate_id', '=', project.id)
          .orderBy('aggregate_version')
          .execute();
        expect(events.map((e) => e.aggregate_version)).toEqual(Array.from({ length: 1 + accepted }, (_, i) => i + 1));
        if (status === 'CANCELLED') expect(projectMachine.CANCELLED).toEqual([]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
