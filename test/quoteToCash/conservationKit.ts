/**
 * What the conservation property reads and checks (docs/invariants.md#inv-11, docs/invariants.md#inv-2,
 * docs/invariants.md#inv-3, docs/invariants.md#inv-21): one read of a project through the gateway
 * (the PSA's sources, drafts, holds and write-offs; the ERP's billed-to-date, invoices, credit memos
 * and customer credits), and the invariants over it, in exact integer money (E4, parsed from the
 * decimal strings the API answers, never through a float).
 */
import { expect } from 'vitest';
import { parseScaled } from '../../systems/kernel/decimal.ts';
import { APPROVED_VALUE_STATES } from '../../systems/psa/machines.ts';
import type { Gateway, Json } from './contractKit.ts';

const M = '{ amount }';
const ITEM = `id sourceType sourceId amount ${M}`;
const PROJECT = `query ($id: ID!, $customer: ID!) {
  project(id: $id) {
    billedToDate ${M} unbilledWip ${M}
    billableSources { sourceType sourceId date amount ${M} billingStatus }
    timecards(first: 10) { id weekStart status aggregateVersion }
    billingDrafts { id status aggregateVersion summaryAmount ${M} invoice { id } items { ${ITEM} } releasedItems { ${ITEM} }
      sourceCredits { itemId sourceType sourceId action amount ${M} } }
    billingHolds(all: true) { id sourceType sourceId status aggregateVersion }
    sourceWriteOffs { id sourceType sourceId status amount ${M} }
    invoices { id kind status aggregateVersion subtotal ${M} taxTotal ${M} total ${M} amountPaid ${M} amountCredited ${M}
      amountWrittenOff ${M} amountDue ${M} lines { id lineNumber amount ${M} taxCode taxAmount ${M} }
      payments { amountApplied ${M} } receivableWriteOffs { status amount ${M} }
      creditMemos { id subtotal ${M} taxTotal ${M} total ${M} lines { amount ${M} taxAmount ${M} creditedLineId } } }
  }
  account(id: $customer) { customerCredits { id creditMemo { id } amount ${M} applied ${M} refunded ${M} remaining ${M} status
    uses { kind amount ${M} invoice { id } } aggregateVersion } }
}`;

/** Everything the invariants look at, as the gateway answers it (a refused command must leave it equal). */
export interface Observation {
  readonly project: Json;
  /** The customer credits opened by this project's credit memos. */
  readonly credits: readonly Json[];
}

export async function observe(gateway: Gateway, token: string, projectId: string, customerId: string): Promise<Observation> {
  const data = await gateway.read(token, PROJECT, { id: projectId, customer: customerId });
  const memos = new Set<string>(data.project.invoices.flatMap((invoice: Json) => invoice.creditMemos.map((memo: Json) => memo.id)));
  const credits = data.account.customerCredits.filter((credit: Json) => memos.has(credit.creditMemo?.id));
  return { project: data.project, credits };
}

export const e4 = (money: { amount: string }): number => parseScaled(money.amount);
const sum = <T>(rows: readonly T[], value: (row: T) => number): number => rows.reduce((total, row) => total + value(row), 0);
const key = (source: Json): string => `${source.sourceType}:${source.sourceId}`;

/** Money in E4 as the API writes it (two decimals, GBP). */
export function decimal(amountE4: number): string {
  const cents = Math.round(amountE4 / 100);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** x rounded to the cent (E4 multiple of 100), half away from zero, from an exact numerator over a positive denominator. */
function roundedToCent(numerator: bigint, denominator: bigint): number {
  const sign = numerator < 0n ? -1n : 1n;
  const cents = (sign * numerator * 2n + denominator * 100n) / (denominator * 200n);
  return Number(sign * cents * 100n);
}

/** hours (E2) × rate (E4), rounded to the cent: a time entry's frozen value, computed here (docs/capabilities.md#approvetimecard). */
export const timeValue = (hoursE2: number, rateE4: number): number => roundedToCent(BigInt(hoursE2) * BigInt(rateE4), 100n);
/** amount × (1 + markup / 100), rounded to the cent (docs/capabilities.md#expenses); markup in E4 percent. */
export const markedUp = (amountE4: number, markupE4: number): number =>
  roundedToCent(BigInt(amountE4) * (1_000_000n + BigInt(markupE4)), 1_000_000n);
/** UK VAT at 20 % on a standard line, rounded to the cent. */
export const vatOn = (netE4: number): number => roundedToCent(BigInt(netE4) * 20n, 100n);

/** The value of the project's approved billable sources in each billing status (the terms of docs/invariants.md#inv-11). */
export function buckets(o: Observation): Record<string, number> {
  const terms: Record<string, number> = Object.fromEntries(APPROVED_VALUE_STATES.map((state) => [state, 0]));
  for (const source of o.project.billableSources) terms[source.billingStatus] = (terms[source.billingStatus] ?? 0) + e4(source.amount);
  return terms;
}

/** The items each invoice line billed: the draft's items, reopened ones included, in item order (item n is line n). */
export function itemsByLine(draft: Json): Json[] {
  const reopened = draft.sourceCredits.filter((credit: Json) => credit.action === 'REOPEN');
  const released = draft.releasedItems.filter((item: Json) => reopened.some((credit: Json) => credit.itemId === item.id));
  return [...draft.items, ...released].sort((a: Json, b: Json) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Every invariant, after every command:
 * - conservation: approved billable value (the model's, computed from what was approved) = ready to
 *   bill + on hold + on draft + billed + credited + written off, each term also read from its own
 *   record (drafts' summaries, invoiced drafts' items, approved write-offs, active holds);
 * - claims: each source claimed by at most one live draft item, exactly the sources on a draft,
 *   billed or credited, at their value; one invoice per invoiced draft;
 * - PSA and ERP agree: the ERP's billed-to-date is the PSA's billed value, and per invoice its net
 *   billed (lines less credit memos, net of tax) is the value of its draft's sources still BILLED;
 * - settlement: total = paid + credited + written off + due, none negative, each term from its own
 *   records (applications, credit memos, write-offs), the status the balances say; customer credits
 *   never below zero and their uses adding up.
 */
export function checkInvariants(o: Observation, approvedE4: number): void {
  const p = o.project;
  const sources: Json[] = p.billableSources;
  const terms = buckets(o);
  for (const source of sources) expect(APPROVED_VALUE_STATES, key(source)).toContain(source.billingStatus);
  expect(new Set(sources.map(key)).size).toBe(sources.length);
  const value = new Map<string, number>(sources.map((source) => [key(source), e4(source.amount)]));
  const status = new Map<string, string>(sources.map((source) => [key(source), source.billingStatus]));
  expect(
    sum(Object.values(terms), (v) => v),
    'approved = unbilled + on hold + on draft + billed + credited + written off',
  ).toBe(approvedE4);

  // Each term from its own records.
  const drafts: Json[] = p.billingDrafts;
  const open = drafts.filter((d) => d.status === 'IN_REVIEW' || d.status === 'GENERATED');
  const invoiced = drafts.filter((d) => d.status === 'INVOICED');
  expect(
    sum(open, (d) => e4(d.summaryAmount)),
    'on draft',
  ).toBe(terms.ON_DRAFT);
  expect(
    sum(invoiced, (d) => sum(d.items, (i: Json) => e4(i.amount))),
    'billed + credited',
  ).toBe(terms.BILLED! + terms.CREDITED!);
  const writtenOff = p.sourceWriteOffs.filter((w: Json) => w.status === 'APPROVED');
  expect(
    sum(writtenOff, (w: Json) => e4(w.amount)),
    'written off',
  ).toBe(terms.WRITTEN_OFF);
  for (const w of writtenOff) expect(status.get(key(w))).toBe('WRITTEN_OFF');
  const holds = p.billingHolds.filter((h: Json) => h.status === 'ACTIVE');
  const projectHold = holds.some((h: Json) => h.sourceId === null);
  if (projectHold) expect(terms.READY_TO_BILL, 'nothing ready to bill under a project hold').toBe(0);
  for (const source of sources.filter((s) => s.billingStatus === 'ON_HOLD'))
    expect(projectHold || holds.some((h: Json) => h.sourceId === source.sourceId), `${key(source)} held by an active hold`).toBe(true);
  const time = sources.filter((s) => s.sourceType === 'TIME_SPLIT' && ['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT'].includes(s.billingStatus));
  expect(e4(p.unbilledWip), 'unbilled WIP (time)').toBe(sum(time, (s) => e4(s.amount)));

  // Claims (docs/invariants.md#inv-2, docs/invariants.md#inv-3).
  const live = drafts.filter((d) => d.status !== 'DISCARDED').flatMap((d) => d.items.map((item: Json) => ({ ...item, draft: d })));
  expect(new Set(live.map(key)).size, 'each source claimed once').toBe(live.length);
  const claimed = sources.filter((s) => ['ON_DRAFT', 'BILLED', 'CREDITED'].includes(s.billingStatus)).map(key);
  expect(live.map(key).sort()).toEqual(claimed.sort());
  for (const item of live) {
    expect(e4(item.amount), `${key(item)} claimed at its value`).toBe(value.get(key(item)));
    expect(item.draft.status === 'INVOICED' ? ['BILLED', 'CREDITED'] : ['ON_DRAFT']).toContain(status.get(key(item)));
  }
  for (const d of drafts) {
    expect(d.status === 'DISCARDED' ? d.items : d.releasedItems.filter((i: Json) => !itemsByLine(d).includes(i))).toEqual([]);
    const held = d.status === 'DISCARDED' ? d.releasedItems : itemsByLine(d);
    expect(
      sum(held, (i: Json) => e4(i.amount)),
      `draft ${d.id} summary`,
    ).toBe(e4(d.summaryAmount));
  }
  const invoices: Json[] = p.invoices.filter((i: Json) => i.kind === 'INVOICE');
  expect(invoices.map((i) => i.id).sort()).toEqual(invoiced.map((d) => d.invoice?.id).sort());

  // PSA and ERP agree (docs/invariants.md#inv-11).
  // A project the ERP has not invoiced yet may have no billed-to-date (null): nothing billed.
  if (invoices.length > 0) expect(p.billedToDate).not.toBeNull();
  expect(p.billedToDate ? e4(p.billedToDate) : 0, "ERP billed to date = PSA's billed").toBe(terms.BILLED);
  for (const invoice of invoices) {
    const draft = invoiced.find((d) => d.invoice.id === invoice.id)!;
    const stillBilled = sum(
      draft.items.filter((i: Json) => status.get(key(i)) === 'BILLED'),
      (i: Json) => e4(i.amount),
    );
    const netBilled = e4(invoice.subtotal) + sum(invoice.creditMemos, (m: Json) => e4(m.subtotal));
    expect(netBilled, `invoice ${invoice.id}: net billed against the PSA's BILLED`).toBe(stillBilled);
    // Posted exactly from its draft: item n as line n, VAT on standard lines.
    const lines = [...invoice.lines].sort((a: Json, b: Json) => a.lineNumber - b.lineNumber);
    expect(lines.map((l: Json) => e4(l.amount))).toEqual(itemsByLine(draft).map((i) => e4(i.amount)));
    for (const line of lines) expect(e4(line.taxAmount)).toBe(line.taxCode === 'DISBURSEMENT' ? 0 : vatOn(e4(line.amount)));
    expect(e4(invoice.total)).toBe(e4(invoice.subtotal) + e4(invoice.taxTotal));
    expect(e4(invoice.taxTotal)).toBe(sum(lines, (l: Json) => e4(l.taxAmount)));
    checkSettlement(invoice, o.credits);
  }
  for (const credit of o.credits) {
    const [amount, applied, refunded, remaining] = [credit.amount, credit.applied, credit.refunded, credit.remaining].map(e4);
    expect(remaining).toBeGreaterThanOrEqual(0);
    expect(remaining).toBe(amount! - applied! - refunded!);
    const used = (kind: string) =>
      sum(
        credit.uses.filter((u: Json) => u.kind === kind),
        (u: Json) => e4(u.amount),
      );
    expect([used('APPLIED'), used('REFUNDED')]).toEqual([applied, refunded]);
    expect(credit.status).toBe(remaining === 0 ? 'USED' : 'OPEN');
  }
}

/** docs/invariants.md#inv-21: total = paid + credited + written off + due, every term ≥ 0 and read from its own records. */
function checkSettlement(invoice: Json, credits: readonly Json[]): void {
  const [total, paid, credited, writtenOff, due] = [
    invoice.total,
    invoice.amountPaid,
    invoice.amountCredited,
    invoice.amountWrittenOff,
    invoice.amountDue,
  ].map(e4) as [number, number, number, number, number];
  for (const term of [paid, credited, writtenOff, due]) expect(term, `invoice ${invoice.id} settlement term`).toBeGreaterThanOrEqual(0);
  expect(paid + credited + writtenOff + due, `invoice ${invoice.id}: total = paid + credited + written off + due`).toBe(total);
  const fromCredits = sum(
    credits.flatMap((c) => c.uses).filter((u: Json) => u.kind === 'APPLIED' && u.invoice?.id === invoice.id),
    (u: Json) => e4(u.amount),
  );
  expect(paid, 'paid = payments applied + customer credits applied').toBe(
    sum(invoice.payments, (a: Json) => e4(a.amountApplied)) + fromCredits,
  );
  const memos = new Set(invoice.creditMemos.map((m: Json) => m.id));
  const owedBack = sum(
    credits.filter((c) => memos.has(c.creditMemo.id)),
    (c) => e4(c.amount),
  );
  expect(credited + owedBack, 'credit memos = credited + owed back').toBe(0 - sum(invoice.creditMemos, (m: Json) => e4(m.total)));
  const creditedLines = invoice.creditMemos.flatMap((m: Json) => m.lines.map((l: Json) => l.creditedLineId));
  expect(new Set(creditedLines).size, 'a line credited once').toBe(creditedLines.length);
  expect(writtenOff, 'written off = approved write-offs').toBe(
    sum(
      invoice.receivableWriteOffs.filter((w: Json) => w.status === 'APPROVED'),
      (w: Json) => e4(w.amount),
    ),
  );
  const settledStatus = ['PAID', 'CREDITED', 'WRITTEN_OFF'];
  expect(due === 0 ? settledStatus : [paid > 0 ? 'PARTIALLY_PAID' : 'POSTED'], `invoice ${invoice.id} status`).toContain(invoice.status);
}
