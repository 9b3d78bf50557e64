/**
 * Random command sequences on one project's timecards and billing sources, through the gateway
 * (and the ERP's system step straight to the PSA subgraph): submit, approve, reject, generate a
 * draft, invoice a draft, hold a source or the project and release a hold, discard a draft, write a
 * source off (requested by one person, approved by another), with stale versions now and then.
 * After every command:
 * - each answer is the one the machines predict (accepted, ALREADY_IN_STATE, refused with its code);
 * - every timecard, time entry and draft moved only along its state machine;
 * - money is conserved: the approved billable value (the TimecardApproved events) equals what is
 *   ready to bill + on a draft + billed + on hold + written off, a draft's summary is the sum of its
 *   items (a discarded draft's: of its released items), and each source is claimed by one live
 *   draft item at most;
 * - no source is ready to bill while the project is on billing hold, and the approved write-offs
 *   add up to the value written off.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { systemPrincipal } from '../../../systems/kernel/capability/peers.ts';
import { canTransition, type StateMachine } from '../../../systems/kernel/capability/stateMachine.ts';
import type { SubgraphServer } from '../../../systems/kernel/subgraphServer.ts';
import { parseScaled } from '../../../systems/kernel/decimal.ts';
import {
  APPROVED_VALUE_STATES,
  billingDraftMachine,
  billingHoldMachine,
  billingStatusMachine,
  timecardMachine,
} from '../../../systems/psa/machines.ts';
import { callSubgraph, startAuthTessera, type AuthTestTessera } from '../../harness/authTessera.ts';
import { APPROVE_WRITE_OFF, DISCARD_DRAFT, PLACE_HOLD, RELEASE_HOLD, REQUEST_WRITE_OFF } from './billingControlKit.ts';
import { newKey } from '../../harness/capabilities.ts';
import {
  APPROVER,
  APPROVE_TIMECARD,
  GENERATE_DRAFT,
  REJECT_TIMECARD,
  SUBMIT_TIMECARD,
  activate,
  call,
  confirm,
  freeResource,
  newProject,
  pick,
  psaDb,
  request,
  seededContracts,
  startPsaSubgraph,
  type Payload,
  type SeededContract,
} from './psaKit.ts';

let tessera: AuthTestTessera;
let psa: SubgraphServer;
let contract: SeededContract;
/**
 * Free people the runs take in turn: a person's hours a day (24) and a week (80) are bounded across
 * projects, and a run books at most 4 hours a day, 20 a week, so each serves four runs.
 */
const pool: string[] = [];
let runs = 0;

const WEEKS = ['2027-03-01', '2027-03-08', '2027-03-15', '2027-03-22'] as const;

beforeAll(async () => {
  tessera = await startAuthTessera({ scale: 's' });
  psa = await startPsaSubgraph(tessera);
  // Seeded time-and-materials lines are capped at their contract value: the one with the largest cap
  // (drafting beyond it is NTE_EXCEEDED, an answer the sequences predict).
  const running = (await seededContracts(tessera))
    .filter(
      (c) =>
        c.status === 'ACTIVE' &&
        c.billingMethod === 'TIME_AND_MATERIALS' &&
        c.legalEntity.id === 'le_US01' &&
        c.lines[0]?.rateCard?.id === 'rc_001' &&
        c.startDate <= WEEKS[0] &&
        c.endDate >= '2027-03-26',
    )
    .sort((a, b) => capOf(b) - capOf(a));
  const taken = new Set<string>();
  for (let found = 0; found < 12; found += 1) {
    const free = await freeResource(tessera, 'le_US01', WEEKS[0], '2027-03-26', taken).catch(() => null);
    if (!free) break;
    taken.add(free.id);
    pool.push(free.id);
  }
  contract = pick(running, 'ACTIVE US01 T&M contract at rc_001, running in March 2027', () => true);
});
afterAll(async () => {
  await psa?.stop();
  await tessera?.stop();
});

type Command =
  | { kind: 'submit'; week: number; days: { day: number; quarters: number; billable: boolean }[]; stale: boolean }
  | { kind: 'approve'; pick: number; stale: boolean }
  | { kind: 'reject'; pick: number; stale: boolean }
  | { kind: 'generate'; cutoffWeek: number }
  | { kind: 'invoice'; pick: number }
  | { kind: 'hold'; pick: number; project: boolean }
  | { kind: 'release'; pick: number }
  | { kind: 'discard'; pick: number; stale: boolean }
  | { kind: 'writeOff'; pick: number };

const week = fc.integer({ min: 0, max: WEEKS.length - 1 });
/** One call in four reads a stale version. */
const stale = fc.constantFrom(false, false, false, true);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      week,
      days: fc.uniqueArray(
        fc.record({ day: fc.integer({ min: 0, max: 4 }), quarters: fc.integer({ min: 1, max: 16 }), billable: fc.boolean() }),
        { minLength: 1, maxLength: 5, selector: (entry) => entry.day },
      ),
      stale,
    }),
  },
  // Decisions and invoices pick one of the timecards or drafts there are (by index modulo their number).
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('approve' as const), pick: fc.nat(), stale }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), pick: fc.nat(), stale }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('generate' as const), cutoffWeek: week }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('invoice' as const), pick: fc.nat() }) },
  // Billing controls pick one of the approved billable entries, holds or drafts there are.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hold' as const), pick: fc.nat(), project: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('discard' as const), pick: fc.nat(), stale }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('writeOff' as const), pick: fc.nat() }) },
);

interface State {
  timecards: Map<string, { status: string; version: number; week: string }>;
  entries: Map<string, { timecard: string; status: string; billableE4: number; date: string }>;
  drafts: Map<string, { status: string; summaryE4: number; version: number }>;
  items: { draft: string; sourceType: string; sourceId: string; amountE4: number }[];
  /** What discarded drafts held (their claims released). */
  released: { draft: string; sourceType: string; sourceId: string; amountE4: number }[];
  holds: Map<string, { status: string; version: number; sourceId: string | null }>;
  writtenOffE4: number;
  approvedValueE4: number;
}

async function observe(projectId: string): Promise<State> {
  const db = psaDb(tessera);
  const timecards = await db
    .selectFrom('timecards')
    .select(['id', 'status', 'aggregate_version', 'week_start'])
    .where('project_id', '=', projectId)
    .execute();
  const entries = await db
    .selectFrom('time_entries')
    .select(['id', 'timecard_id', 'billing_status', 'billable_e4', 'entry_date'])
    .where('project_id', '=', projectId)
    .execute();
  const drafts = await db
    .selectFrom('billing_drafts')
    .select(['id', 'status', 'summary_e4', 'aggregate_version'])
    .where('project_id', '=', projectId)
    .execute();
  const released =
    drafts.length === 0
      ? []
      : await db
          .selectFrom('released_draft_items')
          .select(['draft_id', 'source_type', 'source_id', 'amount_e4'])
          .where(
            'draft_id',
            'in',
            drafts.map((d) => d.id),
          )
          .execute();
  const holds = await db
    .selectFrom('billing_holds')
    .select(['id', 'status', 'aggregate_version', 'source_id'])
    .where('project_id', '=', projectId)
    .execute();
  const writeOffs = await db
    .selectFrom('source_write_offs')
    .select(['amount_e4'])
    .where('project_id', '=', projectId)
    .where('status', '=', 'APPROVED')
    .execute();
  const items =
    drafts.length === 0
      ? []
      : await db
          .selectFrom('billing_draft_items')
          .select(['draft_id', 'source_type', 'source_id', 'amount_e4'])
          .where(
            'draft_id',
            'in',
            drafts.map((d) => d.id),
          )
          .execute();
  const approvals =
    timecards.length === 0
      ? []
      : await db
          .selectFrom('outbox_events')
          .select('payload_json')
          .where('type', '=', 'TimecardApproved')
          .where(
            'aggregate_id',
            'in',
            timecards.map((t) => t.id),
          )
          .execute();
  return {
    timecards: new Map(timecards.map((t) => [t.id, { status: t.status, version: t.aggregate_version, week: t.week_start }])),
    entries: new Map(
      entries.map((e) => [e.id, { timecard: e.timecard_id, status: e.billing_status, billableE4: e.billable_e4, date: e.entry_date }]),
    ),
    drafts: new Map(drafts.map((d) => [d.id, { status: d.status, summaryE4: d.summary_e4, version: d.aggregate_version }])),
    items: items.map((i) => ({ draft: i.draft_id, sourceType: i.source_type, sourceId: i.source_id, amountE4: i.amount_e4 })),
    released: released.map((i) => ({ draft: i.draft_id, sourceType: i.source_type, sourceId: i.source_id, amountE4: i.amount_e4 })),
    holds: new Map(holds.map((h) => [h.id, { status: h.status, version: h.aggregate_version, sourceId: h.source_id }])),
    writtenOffE4: writeOffs.reduce((sum, w) => sum + w.amount_e4, 0),
    approvedValueE4: approvals.reduce(
      (sum, event) =>
        sum + parseScaled((JSON.parse(event.payload_json) as { approvedBillableValue: { amount: string } }).approvedBillableValue.amount),
      0,
    ),
  };
}

function movedAlong<S extends string>(machine: StateMachine<S>, from: string, to: string): boolean {
  return from === to || canTransition(machine, from as S, to as S);
}

/** The invariants between two observations. */
function checkInvariants(before: State, after: State): void {
  for (const [id, timecard] of after.timecards) {
    const previous = before.timecards.get(id);
    if (previous)
      expect(movedAlong(timecardMachine, previous.status, timecard.status), `timecard ${previous.status} → ${timecard.status}`).toBe(true);
    else expect(timecard.status).toBe('SUBMITTED');
  }
  for (const [id, entry] of before.entries) {
    const now = after.entries.get(id);
    // Only never-approved entries of a week submitted again are replaced.
    if (!now) expect(entry.status).toBe('UNAPPROVED');
    else expect(movedAlong(billingStatusMachine, entry.status, now.status), `entry ${entry.status} → ${now.status}`).toBe(true);
  }
  for (const [id, entry] of after.entries) if (!before.entries.has(id)) expect(entry.status).toBe('UNAPPROVED');
  for (const [id, draft] of after.drafts) {
    const previous = before.drafts.get(id);
    if (previous)
      expect(movedAlong(billingDraftMachine, previous.status, draft.status), `draft ${previous.status} → ${draft.status}`).toBe(true);
    else expect(draft.status).toBe('IN_REVIEW');
  }

  // Conservation, at frozen rates.
  const entries = [...after.entries.values()];
  const valued = (states: readonly string[]) => entries.filter((e) => states.includes(e.status)).reduce((sum, e) => sum + e.billableE4, 0);
  expect(valued(APPROVED_VALUE_STATES)).toBe(after.approvedValueE4);
  expect(valued(['UNAPPROVED', 'NOT_BILLABLE'])).toBe(0);
  const live = [...after.drafts].filter(([, d]) => d.status !== 'DISCARDED');
  expect(live.reduce((sum, [, d]) => sum + d.summaryE4, 0)).toBe(valued(['ON_DRAFT', 'BILLED']));
  for (const [id, draft] of after.drafts) {
    const own = after.items.filter((item) => item.draft === id);
    const released = after.released.filter((item) => item.draft === id);
    if (draft.status === 'DISCARDED') {
      expect(own).toEqual([]);
      expect(released.reduce((sum, item) => sum + item.amountE4, 0)).toBe(draft.summaryE4);
      continue;
    }
    expect(released).toEqual([]);
    expect(own.reduce((sum, item) => sum + item.amountE4, 0)).toBe(draft.summaryE4);
    const expected = draft.status === 'INVOICED' ? 'BILLED' : 'ON_DRAFT';
    for (const item of own) expect(after.entries.get(item.sourceId)?.status).toBe(expected);
  }
  expect(new Set(after.items.map((item) => `${item.sourceType}:${item.sourceId}`)).size).toBe(after.items.length);
  // Billing controls: a held project has nothing ready to bill; what was written off is what the approvals wrote off.
  if (projectHoldOf(after)) expect(valued(['READY_TO_BILL'])).toBe(0);
  expect(valued(['WRITTEN_OFF'])).toBe(after.writtenOffE4);
  for (const [id, hold] of after.holds) {
    const previous = before.holds.get(id);
    if (previous) expect(movedAlong(billingHoldMachine, previous.status, hold.status)).toBe(true);
    else expect(hold.status).toBe('ACTIVE');
    if (hold.status === 'ACTIVE' && hold.sourceId) expect(after.entries.get(hold.sourceId)?.status).toBe('ON_HOLD');
  }
}

/** What the contract's drafts that are not discarded bill (its not-to-exceed counts them). */
async function billedOnContract(contractId: string): Promise<number> {
  const drafts = await psaDb(tessera)
    .selectFrom('billing_drafts')
    .select('summary_e4')
    .where('contract_id', '=', contractId)
    .where('status', '!=', 'DISCARDED')
    .execute();
  return drafts.reduce((sum, d) => sum + d.summary_e4, 0);
}

function capOf(c: SeededContract): number {
  return c.lines[0]?.notToExceed ? parseScaled(c.lines[0].notToExceed.amount) : Number.MAX_SAFE_INTEGER;
}

function projectHoldOf(state: State): string | null {
  return [...state.holds].find(([, h]) => h.status === 'ACTIVE' && h.sourceId === null)?.[0] ?? null;
}

const TWO_DAYS = [
  { day: 0, quarters: 16, billable: true },
  { day: 1, quarters: 12, billable: true },
];
const EVERY_SUCCESS: Command[] = [
  { kind: 'submit', week: 0, days: TWO_DAYS, stale: false },
  { kind: 'reject', pick: 0, stale: false },
  { kind: 'submit', week: 0, days: TWO_DAYS, stale: false },
  { kind: 'approve', pick: 0, stale: false },
  { kind: 'hold', pick: 0, project: false },
  { kind: 'release', pick: 0 },
  { kind: 'generate', cutoffWeek: 0 },
  { kind: 'discard', pick: 0, stale: false },
  { kind: 'writeOff', pick: 0 },
  { kind: 'generate', cutoffWeek: 0 },
  { kind: 'invoice', pick: 1 },
  { kind: 'hold', pick: 0, project: true },
  { kind: 'generate', cutoffWeek: 0 },
];

const CODE = (payload: Payload | null | undefined) => payload?.userErrors[0]?.code ?? payload?.warnings[0]?.code ?? 'OK';

describe('timecards and billing sources under random commands', () => {
  it('stay inside their state machines and conserve money', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 8, maxLength: 24 }), async (commands) => {
        const project = await activate(tessera, await newProject(tessera, contract.id, { startDate: WEEKS[0], endDate: '2027-03-26' }));
        const wanted = await request(tessera, project.id, { roleId: 'rol_02', startDate: WEEKS[0], endDate: '2027-03-26', hours: '1' });
        const resourceId = pool[runs++ % pool.length]!;
        const { assignment } = await confirm(tessera, wanted, resourceId, true);
        const draftIds: string[] = [];
        let state = await observe(project.id);
        for (const step of commands) {
          const timecardOf = (week: number) => [...state.timecards].find(([, t]) => t.week === WEEKS[week]);
          let code: string;
          let expected: string[];
          if (step.kind === 'submit') {
            const existing = timecardOf(step.week);
            const monday = WEEKS[step.week]!;
            const entries = step.days.map((d) => ({
              date: new Date(Date.parse(`${monday}T00:00:00Z`) + d.day * 86_400_000).toISOString().slice(0, 10),
              hours: (d.quarters / 4).toFixed(2),
              billable: d.billable,
            }));
            const version = existing ? existing[1].version - (step.stale ? 1 : 0) : undefined;
            const result = await call(tessera, SUBMIT_TIMECARD, {
              idempotencyKey: newKey(),
              assignmentId: assignment.id,
              weekStart: monday,
              entries,
              ...(version === undefined ? {} : { expectedVersion: version }),
            });
            expect(result.body.errors).toBeUndefined();
            code = CODE(result.payload);
            const status = existing?.[1].status;
            expected = !existing
              ? ['OK']
              : step.stale
                ? ['VERSION_CONFLICT']
                : status === 'SUBMITTED'
                  ? ['ALREADY_IN_STATE']
                  : status === 'APPROVED'
                    ? ['INVALID_STATE_TRANSITION']
                    : ['OK'];
          } else if (step.kind === 'approve' || step.kind === 'reject') {
            const timecards = [...state.timecards].sort(([a], [b]) => a.localeCompare(b));
            if (timecards.length === 0) continue;
            const [id, timecard] = timecards[step.pick % timecards.length]!;
            const input = {
              idempotencyKey: newKey(),
              timecardId: id,
              expectedVersion: timecard.version - (step.stale ? 1 : 0),
              ...(step.kind === 'reject' ? { reason: 'Fix it' } : {}),
            };
            const result = await call(tessera, step.kind === 'approve' ? APPROVE_TIMECARD : REJECT_TIMECARD, input, { claims: APPROVER });
            expect(result.body.errors).toBeUndefined();
            code = CODE(result.payload);
            const target = step.kind === 'approve' ? 'APPROVED' : 'REJECTED';
            expected = step.stale
              ? ['VERSION_CONFLICT']
              : timecard.status === target
                ? ['ALREADY_IN_STATE']
                : timecard.status === 'SUBMITTED'
                  ? ['OK']
                  : ['INVALID_STATE_TRANSITION'];
          } else if (step.kind === 'generate') {
            const cutoff = new Date(Date.parse(`${WEEKS[step.cutoffWeek]}T00:00:00Z`) + 4 * 86_400_000).toISOString().slice(0, 10);
            const ready = [...state.entries.values()].filter((e) => e.status === 'READY_TO_BILL' && e.date <= cutoff);
            const result = await call(tessera, GENERATE_DRAFT, { idempotencyKey: newKey(), projectId: project.id, cutoffDate: cutoff });
            expect(result.body.errors).toBeUndefined();
            code = CODE(result.payload);
            const readyE4 = ready.reduce((sum, e) => sum + e.billableE4, 0);
            expected = projectHoldOf(state)
              ? ['BILLING_ON_HOLD']
              : ready.length === 0
                ? ['NOTHING_TO_BILL']
                : (await billedOnContract(contract.id)) + readyE4 > capOf(contract)
                  ? ['NTE_EXCEEDED']
                  : ['OK'];
            const draft = result.payload?.billingDraft as { id: string; summaryAmount: { amount: string } } | null | undefined;
            if (draft) {
              draftIds.push(draft.id);
              expect(parseScaled(draft.summaryAmount.amount)).toBe(ready.reduce((sum, e) => sum + e.billableE4, 0));
            }
          } else if (step.kind === 'invoice') {
            if (draftIds.length === 0) continue;
            const id = draftIds[step.pick % draftIds.length]!;
            const answer = await callSubgraph(
              psa,
              {
                query: `mutation ($input: RecordBillingDraftInvoicedInput!) { recordBillingDraftInvoiced(input: $input) {
                billingDraft { id } userErrors { code message field } warnings { code message field } replayed } }`,
                variables: { input: { idempotencyKey: newKey(), billingDraftId: id, invoiceId: `inv_${id}`, invoiceNumber: `N-${id}` } },
              },
              {
                [INTERNAL_PRINCIPAL_HEADER]: signInternalPrincipal(systemPrincipal('erp'), tessera.internalSecret, { requestId: newKey() }),
              },
            );
            expect(answer.body.errors).toBeUndefined();
            code = CODE((answer.body.data as { recordBillingDraftInvoiced: Payload }).recordBillingDraftInvoiced);
            const status = state.drafts.get(id)?.status;
            expected = status === 'INVOICED' ? ['ALREADY_IN_STATE'] : status === 'DISCARDED' ? ['INVALID_STATE_TRANSITION'] : ['OK'];
          } else if (step.kind === 'hold') {
            const approved = [...state.entries]
              .filter(([, e]) => APPROVED_VALUE_STATES.includes(e.status as never))
              .sort(([a], [b]) => a.localeCompare(b));
            if (!step.project && approved.length === 0) continue;
            const [sourceId, entry] = step.project ? [null, null] : approved[step.pick % approved.length]!;
            const result = await call(tessera, PLACE_HOLD, {
              idempotencyKey: newKey(),
              projectId: project.id,
              ...(sourceId ? { sourceType: 'TIME_SPLIT', sourceId } : {}),
              reason: 'Property hold',
            });
            expect(result.body.errors).toBeUndefined();
            code = CODE(result.payload);
            expected = step.project
              ? [projectHoldOf(state) ? 'ALREADY_IN_STATE' : 'OK']
              : [entry!.status === 'READY_TO_BILL' ? 'OK' : entry!.status === 'ON_HOLD' ? 'ALREADY_IN_STATE' : 'INVALID_STATE_TRANSITION'];
          } else if (step.kind === 'release') {
            const holds = [...state.holds].sort(([a], [b]) => a.localeCompare(b));
            if (holds.length === 0) continue;
            const [id, hold] = holds[step.pick % holds.length]!;
            const result = await call(tessera, RELEASE_HOLD, {
              idempotencyKey: newKey(),
              billingHoldId: id,
              expectedVersion: hold.version,
            });
            expect(result.body.errors).toBeUndefined();
            code = CODE(result.payload);
            expected = [hold.status === 'ACTIVE' ? 'OK' : 'ALREADY_IN_STATE'];
          } else if (step.kind === 'discard') {
            if (draftIds.length === 0) continue;
            const id = draftIds[step.pick % draftIds.length]!;
            const draft = state.drafts.get(id)!;
            const result = await call(tessera, DISCARD_DRAFT, {
              idempotencyKey: newKey(),
              billingDraftId: id,
              expectedVersion: draft.version - (step.stale ? 1 : 0),
              reason: 'Property discard',
            });
            expect(result.body.errors).toBeUndefined();
            code = CODE(result.payload);
            expected = step.stale
              ? ['VERSION_CONFLICT']
              : draft.status === 'DISCARDED'
                ? ['ALREADY_IN_STATE']
                : draft.status === 'INVOICED'
                  ? ['INVALID_STATE_TRANSITION']
                  : ['OK'];
          } else if (step.kind === 'writeOff') {
            const approved = [...state.entries]
              .filter(([, e]) => APPROVED_VALUE_STATES.includes(e.status as never))
              .sort(([a], [b]) => a.localeCompare(b));
            if (approved.length === 0) continue;
            const [sourceId, entry] = approved[step.pick % approved.length]!;
            const requested = await call(tessera, REQUEST_WRITE_OFF, {
              idempotencyKey: newKey(),
              sourceType: 'TIME_SPLIT',
              sourceId,
              reasonCode: 'GOODWILL',
              reasonText: 'Property write-off',
            });
            expect(requested.body.errors).toBeUndefined();
            code = CODE(requested.payload);
            expected = [entry.status === 'READY_TO_BILL' ? 'OK' : 'INVALID_STATE_TRANSITION'];
            const writeOff = requested.payload?.sourceWriteOff as { id: string; aggregateVersion: number } | null | undefined;
            if (writeOff) {
              const approval = await call(
                tessera,
                APPROVE_WRITE_OFF,
                { idempotencyKey: newKey(), writeOffId: writeOff.id, expectedVersion: writeOff.aggregateVersion },
                { claims: APPROVER },
              );
              expect(approval.body.errors).toBeUndefined();
              expect(CODE(approval.payload)).toBe('OK');
            }
          } else {
            throw new Error(`unknown command ${JSON.stringify(step)}`);
          }
          seen.add(`${step.kind}:${code}`);
          expect(expected, `${JSON.stringify(step)} answered ${code}`).toContain(code);
          const next = await observe(project.id);
          checkInvariants(state, next);
          state = next;
        }
      }),
      // The first sequence walks every kind of success once; the random ones follow.
      { numRuns: 25, examples: [[EVERY_SUCCESS]] },
    );
    // The sequences reached every kind of success (the refusals are checked as they come).
    expect([...seen].filter((outcome) => outcome.endsWith(':OK')).sort()).toEqual([
      'approve:OK',
      'discard:OK',
      'generate:OK',
      'hold:OK',
      'invoice:OK',
      'reject:OK',
      'release:OK',
      'submit:OK',
      'writeOff:OK',
    ]);
  });
});
