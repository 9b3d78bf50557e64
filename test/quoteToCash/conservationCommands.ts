/**
 * The commands of the conservation property (conservation.property.test.ts), each run through the
 * gateway by the person who would run it, with the answer the rules give predicted from what was
 * observed before it (docs/capabilities.md#time-to-billing, docs/capabilities.md#billing-controls,
 * docs/capabilities.md#expenses, docs/capabilities.md#billing-to-cash).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { bankReference, newKey } from '../capability/erp/erpKit.ts';
import { ERRORS, FAILURE, type Gateway, type Json } from './contractKit.ts';
import { decimal, e4, itemsByLine, markedUp, timeValue, type Observation } from './conservationKit.ts';

/** Every command posts on this day (open in the demo data's books), after every week of work. */
export const DAY = '2026-12-31';
export const WEEKS = ['2026-11-30', '2026-12-07', '2026-12-14', '2026-12-21'] as const;
export const HOUR_CLASSES = ['BILLABLE', 'CREDITED', 'EXCLUDED', 'NON_BILLABLE'] as const;
/** The contract's expenses line: 12.5 % markup on a recharge (docs/capabilities.md#expenses). */
export const MARKUP_E4 = 125_000;

type Share = 'part' | 'all' | 'over';
export type Command =
  | { kind: 'time'; week: number; days: { day: number; quarters: number; hourClass: (typeof HOUR_CLASSES)[number] }[] }
  | { kind: 'approveTime'; pick: number }
  | { kind: 'expense'; cents: number; day: number; disbursement: boolean }
  | { kind: 'draft'; week: number }
  | { kind: 'discard' | 'release'; pick: number; stale: boolean }
  | { kind: 'credit'; pick: number; lines: number[]; action: 'CREDIT' | 'REOPEN'; stale: boolean }
  | { kind: 'void'; pick: number; action: 'CREDIT' | 'REOPEN' }
  | { kind: 'writeOffSource' | 'hold' | 'releaseHold'; pick: number; project?: boolean }
  | { kind: 'writeOffReceivable' | 'pay'; pick: number; share: Share }
  | { kind: 'applyCredit'; pick: number; credit: number; over: boolean };

const pick = fc.nat({ max: 1000 });
const stale = fc.constantFrom(false, false, false, false, false, true);
const action = fc.constantFrom('CREDIT' as const, 'REOPEN' as const);
const share = fc.constantFrom<Share>('part', 'all', 'over');
export const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('time' as const),
      week: fc.integer({ min: 0, max: WEEKS.length - 1 }),
      days: fc.uniqueArray(
        fc.record({
          day: fc.integer({ min: 0, max: 4 }),
          quarters: fc.integer({ min: 1, max: 8 }),
          hourClass: fc.constantFrom(...HOUR_CLASSES),
        }),
        { minLength: 1, maxLength: 5, selector: (entry) => entry.day },
      ),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('approveTime' as const), pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('expense' as const),
      cents: fc.integer({ min: 1, max: 100_000 }),
      day: fc.integer({ min: 0, max: 25 }),
      disbursement: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('draft' as const), week: fc.integer({ min: 0, max: WEEKS.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('discard' as const), pick, stale }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('release' as const), pick, stale }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('credit' as const),
      pick,
      lines: fc.array(pick, { minLength: 1, maxLength: 3 }),
      action,
      stale,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('void' as const), pick, action }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('writeOffSource' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('writeOffReceivable' as const), pick, share }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), pick, share }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('applyCredit' as const), pick, credit: pick, over: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('hold' as const), pick, project: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('releaseHold' as const), pick }) },
);

const v1 = (field: string, type: string, selection: string) =>
  `mutation ($input: ${type}!) { ${field}(input: $input) { ${selection} ${ERRORS} } }`;
const v2 = (field: string, type: string, success: string, selection: string) =>
  `mutation ($input: ${type}!) { ${field}(input: $input) { __typename ... on ${success} { ${selection} warnings { code } replayed } ${FAILURE} } }`;

const SUBMIT_TIMECARD = v1('submitTimecard', 'SubmitTimecardInput', 'timecard { id }');
const APPROVE_TIMECARD = v1('approveTimecard', 'ApproveTimecardInput', 'timecard { id }');
const SUBMIT_EXPENSE = v1('submitExpense', 'SubmitExpenseInput', 'expense { id aggregateVersion }');
const APPROVE_EXPENSE = v1('approveExpense', 'ApproveExpenseInput', 'expense { id billableAmount { amount } }');
const GENERATE_DRAFT = v1('generateBillingDraft', 'GenerateBillingDraftInput', 'billingDraft { id summaryAmount { amount } }');
const DISCARD_DRAFT = v1('discardBillingDraft', 'DiscardBillingDraftInput', 'billingDraft { id }');
const PLACE_HOLD = v1('placeBillingHold', 'PlaceBillingHoldInput', 'billingHold { id }');
const RELEASE_HOLD = v1('releaseBillingHold', 'ReleaseBillingHoldInput', 'billingHold { id }');
const REQUEST_SOURCE_WRITE_OFF = v1('requestSourceWriteOff', 'RequestSourceWriteOffInput', 'sourceWriteOff { id aggregateVersion }');
const APPROVE_SOURCE_WRITE_OFF = v1('approveSourceWriteOff', 'DecideSourceWriteOffInput', 'sourceWriteOff { id }');
const RECORD_PAYMENT = v1('recordPayment', 'RecordPaymentInput', 'payment { id }');
const APPLY_PAYMENT = v1('applyPayment', 'ApplyPaymentInput', 'invoice { id }');
const RELEASE_INVOICE = v2('releaseInvoiceV2', 'ReleaseInvoiceV2Input', 'ReleaseInvoiceSuccess', 'invoice { id }');
const CREDIT_LINES = v2(
  'creditInvoiceLines',
  'CreditInvoiceLinesInput',
  'CreditInvoiceLinesSuccess',
  'invoice { id } customerCredit { id amount { amount } }',
);
const VOID = v2('voidInvoice', 'VoidInvoiceInput', 'VoidInvoiceSuccess', 'invoice { id }');
const APPLY_CREDIT = v2('applyCustomerCredit', 'ApplyCustomerCreditInput', 'ApplyCustomerCreditSuccess', 'invoice { id }');
const RECEIVABLE = (field: string, type: string) =>
  v2(field, type, 'ReceivableWriteOffSuccess', 'receivableWriteOff { id aggregateVersion }');
const REQUEST_RECEIVABLE_WRITE_OFF = RECEIVABLE('requestReceivableWriteOff', 'RequestReceivableWriteOffInput');
const APPROVE_RECEIVABLE_WRITE_OFF = RECEIVABLE('approveReceivableWriteOff', 'ApproveReceivableWriteOffInput');

/** The code an answer carries: its first error (a v1 user error or a V2 failure), else its first warning, else OK. */
export function codeOf(payload: Json): string {
  if (payload.__typename === 'CapabilityFailure') return payload.errors[0].code;
  return payload.userErrors?.[0]?.code ?? payload.warnings?.[0]?.code ?? 'OK';
}

/** What one run works on: its project, the people's tokens, and what the model knows that the reads do not say. */
export interface Run {
  readonly gateway: Gateway;
  readonly tokens: Record<string, string>;
  readonly consultantToken: string;
  readonly consultantId: string;
  readonly projectId: string;
  readonly assignmentId: string;
  readonly customerId: string;
  readonly rateE4: number;
  /** Approved billable value as the model computes it from what was approved (hours × rate, expenses with markup). */
  approvedE4: number;
  /** Submitted (not yet approved) timecards' entries, by timecard id. */
  readonly submitted: Map<string, { hoursE2: number; hourClass: string }[]>;
  /** Drafts and invoices in the order they were made (a pick names one by its index). */
  readonly drafts: string[];
  readonly invoices: string[];
}

/** What a command did: the code it answered and the codes the rules allow. */
export interface Outcome {
  readonly code: string;
  readonly expected: readonly string[];
  /** What an accepted command must have done, checked on the observation after it. */
  readonly effect?: (after: Observation) => void;
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const chosen = <T>(items: readonly T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);
const OPEN = ['POSTED', 'PARTIALLY_PAID'];

/** The sources in a stable order (by date, kind and amount; ids are random): a pick names the same one on a replay. */
function sourcesInOrder(o: Observation): Json[] {
  return [...o.project.billableSources].sort(
    (a: Json, b: Json) =>
      a.date.localeCompare(b.date) ||
      a.sourceType.localeCompare(b.sourceType) ||
      e4(a.amount) - e4(b.amount) ||
      a.sourceId.localeCompare(b.sourceId),
  );
}

/** Runs one command against the state observed before it; null when it has nothing to act on. */
export async function execute(run: Run, step: Command, o: Observation): Promise<Outcome | null> {
  const { gateway, tokens } = run;
  const p = o.project;
  const draftOf = (id: string | undefined) => p.billingDrafts.find((d: Json) => d.id === id);
  const invoiceOf = (id: string | undefined) => p.invoices.find((i: Json) => i.id === id);
  const projectHold = p.billingHolds.find((h: Json) => h.status === 'ACTIVE' && h.sourceId === null);
  switch (step.kind) {
    case 'time': {
      const monday = WEEKS[step.week]!;
      const existing = p.timecards.find((t: Json) => t.weekStart === monday);
      const entries = step.days.map((d) => ({ date: addDays(monday, d.day), hours: (d.quarters / 4).toFixed(2), hourClass: d.hourClass }));
      const answer = await gateway.call(run.consultantToken, SUBMIT_TIMECARD, {
        assignmentId: run.assignmentId,
        weekStart: monday,
        entries,
        ...(existing ? { expectedVersion: existing.aggregateVersion } : {}),
      });
      const code = codeOf(answer);
      if (code === 'OK')
        run.submitted.set(
          answer.timecard.id,
          step.days.map((d) => ({ hoursE2: d.quarters * 25, hourClass: d.hourClass })),
        );
      return { code, expected: [!existing ? 'OK' : existing.status === 'SUBMITTED' ? 'ALREADY_IN_STATE' : 'INVALID_STATE_TRANSITION'] };
    }
    case 'approveTime': {
      const timecard = chosen(
        [...p.timecards].sort((a: Json, b: Json) => a.weekStart.localeCompare(b.weekStart)),
        step.pick,
      );
      if (!timecard) return null;
      const answer = await gateway.call(tokens.DELIVERY!, APPROVE_TIMECARD, {
        timecardId: timecard.id,
        expectedVersion: timecard.aggregateVersion,
      });
      const code = codeOf(answer);
      if (code === 'OK') {
        const entries = run.submitted.get(timecard.id)!;
        run.approvedE4 += entries.filter((e) => e.hourClass === 'BILLABLE').reduce((s, e) => s + timeValue(e.hoursE2, run.rateE4), 0);
        run.submitted.delete(timecard.id);
      }
      return { code, expected: [timecard.status === 'SUBMITTED' ? 'OK' : 'ALREADY_IN_STATE'] };
    }
    case 'expense': {
      const amountE4 = step.cents * 100;
      const submitted = await gateway.call(run.consultantToken, SUBMIT_EXPENSE, {
        projectId: run.projectId,
        resourceId: run.consultantId,
        date: addDays(WEEKS[0], step.day),
        category: 'TRAVEL',
        description: 'Client visit',
        amount: decimal(amountE4),
        currency: 'GBP',
        receiptReference: `R-${newKey().slice(0, 8)}`,
        taxTreatment: step.disbursement ? 'DISBURSEMENT' : 'STANDARD',
      });
      if (codeOf(submitted) !== 'OK') return { code: `submit:${codeOf(submitted)}`, expected: ['OK'] };
      const answer = await gateway.call(tokens.DELIVERY!, APPROVE_EXPENSE, { expenseId: submitted.expense.id, expectedVersion: 1 });
      const value = step.disbursement ? amountE4 : markedUp(amountE4, MARKUP_E4);
      if (codeOf(answer) === 'OK') {
        run.approvedE4 += value;
        if (e4(answer.expense.billableAmount) !== value)
          return { code: `billed at ${answer.expense.billableAmount.amount}`, expected: ['OK'] };
      }
      return { code: codeOf(answer), expected: ['OK'] };
    }
    case 'draft': {
      const cutoff = addDays(WEEKS[step.week]!, 6);
      const ready = p.billableSources.filter((s: Json) => s.billingStatus === 'READY_TO_BILL' && s.date <= cutoff);
      const answer = await gateway.call(tokens.DELIVERY!, GENERATE_DRAFT, { projectId: run.projectId, cutoffDate: cutoff });
      const code = codeOf(answer);
      if (code === 'OK') {
        run.drafts.push(answer.billingDraft.id);
        const summary = ready.reduce((s: number, source: Json) => s + e4(source.amount), 0);
        if (e4(answer.billingDraft.summaryAmount) !== summary)
          return { code: `summary ${answer.billingDraft.summaryAmount.amount}`, expected: ['OK'] };
      }
      return { code, expected: [projectHold ? 'BILLING_ON_HOLD' : ready.length === 0 ? 'NOTHING_TO_BILL' : 'OK'] };
    }
    case 'discard':
    case 'release': {
      const draft = draftOf(chosen(run.drafts, step.pick));
      if (!draft) return null;
      const expectedVersion = draft.aggregateVersion - (step.stale ? 1 : 0);
      if (step.kind === 'discard') {
        const answer = await gateway.call(tokens.DELIVERY!, DISCARD_DRAFT, { billingDraftId: draft.id, expectedVersion, reason: 'Redo' });
        const expected = step.stale
          ? 'VERSION_CONFLICT'
          : { IN_REVIEW: 'OK', DISCARDED: 'ALREADY_IN_STATE', INVOICED: 'INVALID_STATE_TRANSITION' }[draft.status as string];
        return { code: codeOf(answer), expected: [expected!] };
      }
      const answer = await gateway.call(tokens.FINANCE!, RELEASE_INVOICE, { billingDraftId: draft.id, invoiceDate: DAY, expectedVersion });
      const code = codeOf(answer);
      if (code === 'OK') run.invoices.push(answer.invoice.id);
      const expected = {
        IN_REVIEW: step.stale ? 'VERSION_CONFLICT' : 'OK',
        DISCARDED: 'INVALID_STATE_TRANSITION',
        INVOICED: 'SOURCE_ALREADY_BILLED',
      };
      return { code, expected: [expected[draft.status as keyof typeof expected]] };
    }
    case 'credit':
    case 'void': {
      const invoice = invoiceOf(chosen(run.invoices, step.pick));
      if (!invoice) return null;
      const stale = step.kind === 'credit' && step.stale;
      const input = {
        invoiceId: invoice.id,
        expectedVersion: invoice.aggregateVersion - (stale ? 1 : 0),
        reason: 'Disputed by the customer',
      };
      const credited = new Set(invoice.creditMemos.flatMap((m: Json) => m.lines.map((l: Json) => l.creditedLineId)));
      const refusal = (test: boolean, code: string) => (test ? code : null);
      const writtenOff = e4(invoice.amountWrittenOff) !== 0;
      if (step.kind === 'void') {
        const answer = await gateway.call(tokens.FINANCE!, VOID, { ...input, action: step.action, voidDate: DAY });
        const unpaid = invoice.status === 'POSTED' && e4(invoice.amountPaid) === 0 && e4(invoice.amountCredited) === 0;
        const all = invoice.lines.map((l: Json) => l.lineNumber);
        return {
          code: codeOf(answer),
          expected: [writtenOff || !unpaid ? 'INVALID_STATE_TRANSITION' : 'OK'],
          effect: movedBy(o, invoice.id, all, step.action, Boolean(projectHold)),
        };
      }
      const lines = [...new Set(step.lines.map((n) => (n % invoice.lines.length) + 1))];
      const answer = await gateway.call(tokens.FINANCE!, CREDIT_LINES, {
        ...input,
        lines: lines.map((lineNumber) => ({ lineNumber, action: step.action })),
        creditDate: DAY,
      });
      const expected =
        refusal(stale, 'VERSION_CONFLICT') ??
        refusal(writtenOff || !['POSTED', 'PARTIALLY_PAID', 'PAID'].includes(invoice.status), 'INVALID_STATE_TRANSITION') ??
        refusal(
          invoice.lines.some((l: Json) => lines.includes(l.lineNumber) && credited.has(l.id)),
          'ALREADY_CREDITED',
        ) ??
        'OK';
      const code = codeOf(answer);
      if (code === 'OK') {
        // Owed back: what the credited lines total beyond what was still due.
        const gross = invoice.lines
          .filter((l: Json) => lines.includes(l.lineNumber))
          .reduce((s: number, l: Json) => s + e4(l.amount) + e4(l.taxAmount), 0);
        const owed = Math.max(0, gross - e4(invoice.amountDue));
        const got = answer.customerCredit ? e4(answer.customerCredit.amount) : 0;
        if (got !== owed) return { code: `owed back ${decimal(got)}, not ${decimal(owed)}`, expected: ['OK'] };
      }
      return { code, expected: [expected], effect: movedBy(o, invoice.id, lines, step.action, Boolean(projectHold)) };
    }
    case 'writeOffSource': {
      const source = chosen(sourcesInOrder(o), step.pick);
      if (!source) return null;
      const requested = await gateway.call(tokens.DELIVERY!, REQUEST_SOURCE_WRITE_OFF, {
        sourceType: source.sourceType,
        sourceId: source.sourceId,
        reasonCode: 'GOODWILL',
        reasonText: 'Not charged by agreement',
      });
      const expected = [source.billingStatus === 'READY_TO_BILL' ? 'OK' : 'INVALID_STATE_TRANSITION'];
      if (codeOf(requested) !== 'OK') return { code: codeOf(requested), expected };
      const approved = await gateway.call(tokens.DELIVERY_DIRECTOR!, APPROVE_SOURCE_WRITE_OFF, {
        writeOffId: requested.sourceWriteOff.id,
        expectedVersion: requested.sourceWriteOff.aggregateVersion,
      });
      return { code: codeOf(approved), expected };
    }
    case 'hold': {
      const source = step.project ? null : chosen(sourcesInOrder(o), step.pick);
      if (!step.project && !source) return null;
      const answer = await gateway.call(tokens.DELIVERY!, PLACE_HOLD, {
        projectId: run.projectId,
        ...(source ? { sourceType: source.sourceType, sourceId: source.sourceId } : {}),
        reason: 'Customer query',
      });
      const expected = source
        ? ({ READY_TO_BILL: 'OK', ON_HOLD: 'ALREADY_IN_STATE' }[source.billingStatus as string] ?? 'INVALID_STATE_TRANSITION')
        : projectHold
          ? 'ALREADY_IN_STATE'
          : 'OK';
      return { code: codeOf(answer), expected: [expected] };
    }
    case 'releaseHold': {
      const hold = chosen<Json>(p.billingHolds, step.pick);
      if (!hold) return null;
      const answer = await gateway.call(tokens.DELIVERY!, RELEASE_HOLD, { billingHoldId: hold.id, expectedVersion: hold.aggregateVersion });
      return { code: codeOf(answer), expected: [hold.status === 'ACTIVE' ? 'OK' : 'ALREADY_IN_STATE'] };
    }
    case 'writeOffReceivable':
    case 'pay': {
      const invoice = invoiceOf(chosen(run.invoices, step.pick));
      if (!invoice) return null;
      const due = e4(invoice.amountDue);
      const amount = step.share === 'all' ? due : step.share === 'over' ? due + 100 : Math.max(100, Math.floor(due / 200) * 100);
      const open = OPEN.includes(invoice.status);
      const expected = [!open ? 'INVALID_STATE_TRANSITION' : amount > due ? 'AMOUNT_EXCEEDS_OPEN_BALANCE' : 'OK'];
      if (step.kind === 'pay') {
        const payment = await gateway.call(tokens.FINANCE!, RECORD_PAYMENT, {
          legalEntityId: 'le_UK01',
          accountId: run.customerId,
          amount: decimal(amount),
          currency: 'GBP',
          receivedDate: DAY,
          method: 'WIRE',
          bankReference: bankReference(),
        });
        if (codeOf(payment) !== 'OK') return { code: `record:${codeOf(payment)}`, expected: ['OK'] };
        const answer = await gateway.call(tokens.FINANCE!, APPLY_PAYMENT, {
          paymentId: payment.payment.id,
          invoiceId: invoice.id,
          amount: decimal(amount),
          expectedVersion: invoice.aggregateVersion,
        });
        return { code: codeOf(answer), expected };
      }
      const requested = await gateway.call(tokens.FINANCE!, REQUEST_RECEIVABLE_WRITE_OFF, {
        invoiceId: invoice.id,
        amount: decimal(amount),
        reasonCode: 'SMALL_BALANCE',
        reasonText: 'Not worth collecting',
      });
      if (codeOf(requested) !== 'OK') return { code: codeOf(requested), expected };
      const approved = await gateway.call(tokens.CONTROLLER!, APPROVE_RECEIVABLE_WRITE_OFF, {
        writeOffId: requested.receivableWriteOff.id,
        expectedVersion: requested.receivableWriteOff.aggregateVersion,
        writtenOffOn: DAY,
      });
      return { code: codeOf(approved), expected };
    }
    case 'applyCredit': {
      const credit = chosen(
        o.credits.filter((c) => e4(c.remaining) > 0),
        step.credit,
      );
      const invoice = invoiceOf(chosen(run.invoices, step.pick));
      if (!credit || !invoice) return null;
      const [remaining, due] = [e4(credit.remaining), e4(invoice.amountDue)];
      const amount = Math.max(100, Math.min(remaining, due)) + (step.over ? 100 : 0);
      const answer = await gateway.call(tokens.FINANCE!, APPLY_CREDIT, {
        customerCreditId: credit.id,
        invoiceId: invoice.id,
        amount: decimal(amount),
        expectedVersion: invoice.aggregateVersion,
        appliedOn: DAY,
      });
      const open = OPEN.includes(invoice.status);
      return {
        code: codeOf(answer),
        expected: [!open ? 'INVALID_STATE_TRANSITION' : amount > remaining || amount > due ? 'AMOUNT_EXCEEDS_OPEN_BALANCE' : 'OK'],
      };
    }
  }
}

/**
 * A credit's effect on the PSA: every source of the credited lines (line n bills item n) CREDITED,
 * or READY_TO_BILL again when reopened (ON_HOLD under a project hold), at the value it was billed at.
 */
function movedBy(before: Observation, invoiceId: string, lineNumbers: readonly number[], action: string, held: boolean) {
  const draft = before.project.billingDrafts.find((d: Json) => d.invoice?.id === invoiceId);
  const items = itemsByLine(draft).filter((_, index) => lineNumbers.includes(index + 1));
  return (after: Observation) => {
    const moved = items.map((item) => {
      const source = after.project.billableSources.find((s: Json) => s.sourceType === item.sourceType && s.sourceId === item.sourceId);
      return [source?.billingStatus, source && e4(source.amount)];
    });
    const status = action === 'CREDIT' ? 'CREDITED' : held ? 'ON_HOLD' : 'READY_TO_BILL';
    expect(moved).toEqual(items.map((item) => [status, e4(item.amount)]));
  };
}
