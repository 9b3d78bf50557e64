/**
 * The opportunity pipeline as a property: random sequences of stage commands (updateOpportunityStage
 * to any stage, closeWin, closeLose with and without a reason, as a SALES_OPS user or not, with the
 * current or a stale expectedVersion) on a fresh opportunity, through the gateway. Each answer is
 * the one the domain's state machine (docs/state-machines.md#opportunity, written out below) predicts; the opportunity
 * never leaves the states opportunityMachine reaches, its aggregateVersion is 1 + the accepted
 * transitions (one event each), and CLOSED_WON is final.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opportunityMachine } from '../../../systems/crm/machines.ts';
import { mutate, newKey } from '../../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  CLOSE_LOSE,
  CLOSE_WIN,
  OPPORTUNITY_FIELDS,
  SALES_OPS,
  UPDATE_STAGE,
  eventsOf,
  openOpportunity,
  opportunityInput,
  pick,
  seededAccounts,
  type Opportunity,
  type OpportunityPayload,
} from './crmKit.ts';

const NUM_RUNS = 100;
const STAGES = ['PROSPECTING', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION', 'CLOSED_WON', 'CLOSED_LOST'] as const;
type Stage = (typeof STAGES)[number];
const OPEN: ReadonlySet<Stage> = new Set(['PROSPECTING', 'QUALIFIED', 'PROPOSAL', 'NEGOTIATION']);

/** The legal transitions of docs/state-machines.md#opportunity, independently of the code's table. */
const DOMAIN_EDGES: Readonly<Record<Stage, readonly Stage[]>> = {
  PROSPECTING: ['QUALIFIED', 'CLOSED_LOST'],
  QUALIFIED: ['PROPOSAL', 'NEGOTIATION', 'CLOSED_LOST'],
  PROPOSAL: ['QUALIFIED', 'NEGOTIATION', 'CLOSED_WON', 'CLOSED_LOST'],
  NEGOTIATION: ['PROPOSAL', 'CLOSED_WON', 'CLOSED_LOST'],
  CLOSED_WON: [],
  CLOSED_LOST: ['QUALIFIED'],
};

type Command =
  | { readonly kind: 'stage'; readonly to: Stage; readonly versionOffset: number; readonly salesOps: boolean }
  | { readonly kind: 'win'; readonly versionOffset: number }
  | { readonly kind: 'lose'; readonly versionOffset: number; readonly reason: string };

/** A stage command as generated: a fixed target, or "the n-th stage the pipeline goes to from here" (so runs go deep). */
type Step =
  | { readonly kind: 'stage'; readonly to: Stage | { readonly next: number }; readonly versionOffset: number; readonly salesOps: boolean }
  | Exclude<Command, { kind: 'stage' }>;

/** Mostly the current version; sometimes one read too early or too late. */
const versionOffset = fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(-1, 1, 2) });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('stage' as const),
      to: fc.record({ next: fc.nat(5) }),
      versionOffset,
      salesOps: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('stage' as const), to: fc.constantFrom(...STAGES), versionOffset, salesOps: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('win' as const), versionOffset }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('lose' as const), versionOffset, reason: fc.constantFrom('', '  ', 'Lost to a competitor') }),
  },
);

/** The command a step is from `stage`. */
function resolve(generated: Step, stage: Stage): Command {
  if (generated.kind !== 'stage' || typeof generated.to === 'string') return generated as Command;
  const open = DOMAIN_EDGES[stage].filter((to) => OPEN.has(to));
  return { ...generated, to: open.length > 0 ? open[generated.to.next % open.length]! : 'QUALIFIED' };
}

/** What the domain says a command does from `stage`: the new stage, or the code of the refusal or warning. */
function predict(stage: Stage, cmd: Command): { accepted: Stage } | { code: string } {
  if (cmd.versionOffset !== 0) return { code: 'VERSION_CONFLICT' };
  const target: Stage = cmd.kind === 'stage' ? cmd.to : cmd.kind === 'win' ? 'CLOSED_WON' : 'CLOSED_LOST';
  if (cmd.kind === 'stage' && !OPEN.has(target)) return { code: 'INVALID_STATE_TRANSITION' };
  if (target === stage) return { code: 'ALREADY_IN_STATE' };
  if (!DOMAIN_EDGES[stage].includes(target)) return { code: 'INVALID_STATE_TRANSITION' };
  if (cmd.kind === 'stage' && stage === 'CLOSED_LOST' && !cmd.salesOps) return { code: 'FORBIDDEN' };
  if (cmd.kind === 'lose' && cmd.reason.trim() === '') return { code: 'LOSS_REASON_REQUIRED' };
  return { accepted: target };
}

/** The stages opportunityMachine reaches from PROSPECTING. */
function reachable(): Set<string> {
  const seen = new Set<string>(['PROSPECTING']);
  const queue: string[] = ['PROSPECTING'];
  while (queue.length > 0) {
    const from = queue.shift() as keyof typeof opportunityMachine;
    for (const to of opportunityMachine[from]) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}

let tessera: TestTessera;
let accountId: string;
let salesOpsToken: string;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  accountId = pick(
    await seededAccounts(tessera),
    'Salesforce customer',
    (a) => a.type === 'CUSTOMER' && a.sourceSystem === 'salesforce',
  ).id;
  salesOpsToken = await tessera.token(SALES_OPS);
});
afterAll(() => tessera?.stop());

async function run(cmd: Command, opportunity: { id: string; version: number }): Promise<OpportunityPayload> {
  const base = { idempotencyKey: newKey(), opportunityId: opportunity.id, expectedVersion: opportunity.version + cmd.versionOffset };
  const result =
    cmd.kind === 'stage'
      ? await mutate<OpportunityPayload>(tessera, UPDATE_STAGE, { ...base, stage: cmd.to }, cmd.salesOps ? { token: salesOpsToken } : {})
      : cmd.kind === 'win'
        ? await mutate<OpportunityPayload>(tessera, CLOSE_WIN, base)
        : await mutate<OpportunityPayload>(tessera, CLOSE_LOSE, { ...base, lossReason: cmd.reason });
  if (result.status !== 200 || result.body.errors || !result.payload) throw new Error(`unexpected answer: ${JSON.stringify(result.body)}`);
  return result.payload;
}

describe('opportunity stage commands, in any order', () => {
  it("the code's machine is the domain's", () => {
    expect(Object.fromEntries(Object.entries(opportunityMachine).map(([from, to]) => [from, [...to].sort()]))).toEqual(
      Object.fromEntries(Object.entries(DOMAIN_EDGES).map(([from, to]) => [from, [...to].sort()])),
    );
  });

  it('answer as the machine predicts; the version counts accepted transitions; CLOSED_WON is final', async () => {
    const reachableStages = reachable();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), async (steps) => {
        const opened: Opportunity = await openOpportunity(tessera, opportunityInput(accountId));
        let stage: Stage = 'PROSPECTING';
        let version = 1;
        let accepted = 0;
        let wonAt: number | null = null;
        for (const [index, generated] of steps.entries()) {
          const cmd = resolve(generated, stage);
          const prediction = predict(stage, cmd);
          const payload = await run(cmd, { id: opened.id, version });
          if ('accepted' in prediction) {
            expect(payload).toMatchObject({
              opportunity: { stage: prediction.accepted, aggregateVersion: version + 1 },
              userErrors: [],
              warnings: [],
              replayed: false,
            });
            expect(opportunityMachine[stage]).toContain(prediction.accepted);
            stage = prediction.accepted;
            version += 1;
            accepted += 1;
          } else if (prediction.code === 'ALREADY_IN_STATE') {
            expect(payload).toMatchObject({
              opportunity: { stage, aggregateVersion: version },
              userErrors: [],
              warnings: [{ code: 'ALREADY_IN_STATE' }],
            });
          } else {
            expect(payload).toMatchObject({ opportunity: null, userErrors: [{ code: prediction.code }], warnings: [] });
          }
          expect(reachableStages.has(stage)).toBe(true);
          if (stage === 'CLOSED_WON') wonAt ??= index;
        }

        const body = await tessera.query(`query Read($id: ID!) { opportunity(id: $id) { ${OPPORTUNITY_FIELDS} } }`, { id: opened.id });
        const stored = (body.data as { opportunity: Opportunity }).opportunity;
        expect({ stage: stored.stage, aggregateVersion: stored.aggregateVersion }).toEqual({ stage, aggregateVersion: 1 + accepted });
        const events = await eventsOf(tessera, opened.id);
        expect(events.map((event) => event.aggregateVersion)).toEqual(Array.from({ length: 1 + accepted }, (_, i) => i + 1));
        // Every stage change an event records is an edge of the machine; nothing follows a win.
        let previous = 'PROSPECTING';
        for (const event of events.slice(1)) {
          const to = (event.payload as { stage: string }).stage;
          expect(opportunityMachine[previous as Stage]).toContain(to);
          previous = to;
        }
        if (wonAt !== null) expect(events.at(-1)?.type).toBe('OpportunityWon');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
