/**
 * Conservation of approved billable value under random quote-to-cash sequences, across the PSA and
 * the ERP wired together through the gateway as in the quote-to-cash story (quoteToCash.contract.ts):
 * a contract sold in the CRM, amended with an expenses line (12.5 % markup), in force in the ERP; each
 * run a new project on it, staffed, and a random sequence of time (billable, credited, excluded and
 * non-billable hours), approvals, expenses (recharged or disbursed), billing drafts, discards,
 * invoices released, line credits (CREDIT and REOPEN), voids, source and receivable write-offs,
 * payments, customer credits applied, and billing holds and releases (conservationCommands.ts).
 *
 * After every command, in exact integer money (E4; conservationKit.ts):
 * - its answer is the one the rules give, predicted from what was observed before it; a refused
 *   command (a guard) leaves every figure read exactly as it was;
 * - docs/invariants.md#inv-11: approved billable value (computed here from what was approved) =
 *   unbilled + on hold + on draft + billed + credited + written off, each term read from the PSA;
 * - docs/invariants.md#inv-2, docs/invariants.md#inv-3: each source claimed by one live draft item at
 *   most, one invoice per invoiced draft;
 * - the PSA and the ERP agree: the ERP's billed-to-date is the PSA's billed value, and per invoice its
 *   net billed (lines less credit memos, net of tax) the value of its sources the PSA shows BILLED;
 * - docs/invariants.md#inv-21: invoice total = paid + credited + written off + open balance, none
 *   negative; customer credits never below zero.
 *
 * SQLite, in process. A failure prints fast-check's seed and path: pass them back as
 * `{ seed, path }` in the fc.assert options to replay the sequence (the picks name records by
 * creation order, date and amount, not by their random ids).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import {
  ERRORS,
  consultantToken,
  engagement,
  gatewayOf,
  projectOn,
  staffed,
  tokensOf,
  ukParties,
  type Gateway,
  type Json,
} from './contractKit.ts';
import { DAY, WEEKS, command, execute, type Command, type Run } from './conservationCommands.ts';
import { checkInvariants, observe } from './conservationKit.ts';

let tessera: TestTessera;
let gateway: Gateway;
let tokens: Record<string, string> = {};
let contract: { id: string; customerId: string; rateCardId: string };
let consultants: Json[] = [];
/** The engagement's own project, for the first run. */
let first: { projectId: string; assignmentId: string } | null;
let runs = 0;
const WINDOW = { from: WEEKS[0], to: '2026-12-27' };

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
  gateway = gatewayOf(tessera);
  tokens = await tokensOf(tessera);
  const parties = await ukParties(gateway, tokens.FINANCE!, WINDOW);
  // A person books at most 24 hours a day and 80 a week (docs/invariants.md#inv-23): a run books at most
  // 2 hours a day, so three consultants in turn serve any number of runs here.
  consultants = parties.consultants.slice(0, 3) as Json[];
  const delivered = await engagement(tessera, gateway, tokens, {
    customerId: parties.customer.id,
    name: 'Conservation',
    amount: '400000.00',
    estimatedHours: '3200',
    startDate: WINDOW.from,
    endDate: '2027-01-29',
    envelope: 'conservation',
    rateCardId: parties.rateCard.id,
    consultantId: consultants[0]!.id,
    staffedUntil: WINDOW.to,
  });
  expect(delivered.assignment.billRate).toEqual({ amount: '125.00' });
  contract = { id: delivered.contractId, customerId: parties.customer.id, rateCardId: parties.rateCard.id };
  first = { projectId: delivered.project.id, assignmentId: delivered.assignment.id };
  // A change order adds the expenses line, recharged at a 12.5 % markup; the caps leave room for every run.
  const amended = await gateway.call(
    tokens.SALES!,
    `mutation ($input: AmendContractInput!) { amendContract(input: $input) { amendment { id } ${ERRORS} } }`,
    {
      contractId: contract.id,
      expectedVersion: 5,
      kind: 'CHANGE_ORDER',
      reason: 'Travel recharged',
      totalContractValue: '500000.00',
      lines: [
        { lineId: delivered.project.lineId, notToExceed: '400000.00' },
        { billingMethod: 'EXPENSES', notToExceed: '100000.00', markupPercent: '12.5' },
      ],
    },
  );
  const approved = await gateway.call(
    tokens.FINANCE!,
    `mutation ($input: ApproveContractAmendmentInput!) { approveContractAmendment(input: $input) { ${ERRORS} } }`,
    { contractId: contract.id, amendmentId: amended.amendment.id, expectedVersion: 6 },
  );
  expect(approved.userErrors).toEqual([]);
});
afterAll(() => tessera?.stop());

/** A fresh staffed project on the contract, with the consultant whose turn it is. */
async function newRun(): Promise<Run> {
  const consultant = consultants[runs % consultants.length]!;
  runs += 1;
  let project = first;
  first = null;
  if (!project) {
    const created = await projectOn(gateway, tokens, contract.id, `Conservation ${runs}`, contract.rateCardId);
    const assignment = await staffed(gateway, tokens, created.id, { consultantId: consultant.id, ...WINDOW, hours: '1' });
    project = { projectId: created.id, assignmentId: assignment.id };
  }
  return {
    gateway,
    tokens,
    consultantToken: await consultantToken(tessera, consultant),
    consultantId: consultant.id,
    customerId: contract.customerId,
    rateE4: 1_250_000,
    approvedE4: 0,
    submitted: new Map(),
    drafts: [],
    invoices: [],
    ...project,
  };
}

const billable = (day: number, quarters: number) => ({ day, quarters, hourClass: 'BILLABLE' as const });
/** Walks every kind of success once (the random sequences follow). */
const EVERY_SUCCESS: Command[] = [
  {
    kind: 'time',
    week: 0,
    days: [
      billable(0, 8),
      { day: 1, quarters: 6, hourClass: 'CREDITED' },
      { day: 2, quarters: 4, hourClass: 'EXCLUDED' },
      { day: 3, quarters: 3, hourClass: 'NON_BILLABLE' },
    ],
  },
  { kind: 'approveTime', pick: 0 },
  { kind: 'expense', cents: 12_345, day: 1, disbursement: false },
  { kind: 'expense', cents: 4_550, day: 2, disbursement: true },
  { kind: 'hold', pick: 0, project: true },
  { kind: 'releaseHold', pick: 0 },
  { kind: 'hold', pick: 0, project: false },
  { kind: 'releaseHold', pick: 1 },
  { kind: 'draft', week: 0 },
  { kind: 'discard', pick: 0, stale: false },
  { kind: 'draft', week: 0 },
  { kind: 'release', pick: 1, stale: false },
  { kind: 'pay', pick: 0, share: 'all' },
  { kind: 'credit', pick: 0, lines: [0], action: 'CREDIT', stale: false },
  { kind: 'time', week: 1, days: [billable(0, 8)] },
  { kind: 'approveTime', pick: 1 },
  { kind: 'draft', week: 1 },
  { kind: 'release', pick: 2, stale: false },
  { kind: 'writeOffReceivable', pick: 1, share: 'part' },
  { kind: 'applyCredit', pick: 1, credit: 0, over: false },
  { kind: 'credit', pick: 0, lines: [1], action: 'REOPEN', stale: false },
  { kind: 'writeOffSource', pick: 1 },
  { kind: 'time', week: 2, days: [billable(0, 4)] },
  { kind: 'approveTime', pick: 2 },
  { kind: 'draft', week: 2 },
  { kind: 'release', pick: 3, stale: false },
  { kind: 'void', pick: 2, action: 'REOPEN' },
];

describe('conservation across the PSA and the ERP under random quote-to-cash sequences', () => {
  it(
    'keeps approved billable value conserved, the PSA and the ERP in agreement and settlement in bounds',
    { timeout: 240_000 },
    async () => {
      const seen = new Set<string>();
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 6, maxLength: 16 }), async (commands) => {
          const run = await newRun();
          const look = () => observe(gateway, tokens.FINANCE!, run.projectId, run.customerId);
          let before = await look();
          checkInvariants(before, 0);
          for (const [index, step] of commands.entries()) {
            const outcome = await execute(run, step, before);
            if (!outcome) continue;
            seen.add(`${step.kind}:${outcome.code}`);
            const where = `step ${index} ${JSON.stringify(step)} on ${DAY}`;
            expect(outcome.expected, `${where} answered ${outcome.code}`).toContain(outcome.code);
            const after = await look();
            // A guard's refusal (or ALREADY_IN_STATE) changes no figure.
            if (outcome.code !== 'OK') expect(after, `${where}: refused, yet something moved`).toEqual(before);
            else outcome.effect?.(after);
            checkInvariants(after, run.approvedE4);
            before = after;
          }
        }),
        { numRuns: 10, examples: [[EVERY_SUCCESS]] },
      );
      const kinds = ['time', 'approveTime', 'expense', 'draft', 'discard', 'release', 'credit', 'void', 'writeOffSource'];
      const more = ['writeOffReceivable', 'pay', 'applyCredit', 'hold', 'releaseHold'];
      expect([...seen].filter((outcome) => outcome.endsWith(':OK')).sort()).toEqual([...kinds, ...more].map((k) => `${k}:OK`).sort());
    },
  );

  it('counts the invoices of a project added to the contract after its activation in its ERP billed-to-date', async () => {
    first = null;
    const run = await newRun();
    const look = () => observe(gateway, tokens.FINANCE!, run.projectId, run.customerId);
    const steps: Command[] = [
      { kind: 'time', week: 0, days: [billable(0, 7)] },
      { kind: 'approveTime', pick: 0 },
      { kind: 'draft', week: 0 },
      { kind: 'release', pick: 0, stale: false },
    ];
    for (const step of steps) expect(await execute(run, step, await look())).toMatchObject({ code: 'OK' });
    const after = await look();
    // 1.75 h at 125.00: 218.75 billed, in the ERP as in the PSA.
    expect([after.project.billedToDate, after.project.invoices.map((i: Json) => i.subtotal)]).toEqual([
      { amount: '218.75' },
      [{ amount: '218.75' }],
    ]);
    checkInvariants(after, 2_187_500);
  });
});
