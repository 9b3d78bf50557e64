/**
 * The reconciliation rules (docs/reconciliation.md#rules) on random worlds: projects whose approved
 * sources sit in every PSA bucket, released drafts (time, milestones and fees, over several months)
 * invoiced line for line, and credit memos crediting exactly what the PSA shows credited. Such a
 * world has no exception; one amount changed on one side yields the exceptions of exactly the rules
 * that compare it, on the changed subject, with the exact difference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findMismatches, type Mismatch } from '../../../systems/integration/reconciliation/rules.ts';
import type { ErpInvoice, PsaBillingDraft, PsaProject, PsaSource } from '../../../systems/integration/reconciliation/snapshot.ts';

const LE = 'le_DE01';
const MONTHS = ['2026-01', '2026-02', '2026-03'] as const;
const amount = fc.integer({ min: 1, max: 1_000_000_000 });
const billedSource = fc.record({
  month: fc.constantFrom(...MONTHS),
  amountE4: amount,
  milestone: fc.boolean(),
  credited: fc.boolean(),
});
const bill = fc.record({
  invoiced: fc.boolean(),
  sources: fc.array(billedSource, { minLength: 1, maxLength: 4 }),
  fees: fc.array(amount, { maxLength: 2 }),
  /** The credit in one memo or split over two. */
  memos: fc.constantFrom(1, 2),
});
const looseSource = fc.record({
  month: fc.constantFrom(...MONTHS),
  amountE4: amount,
  status: fc.constantFrom('READY_TO_BILL', 'ON_HOLD', 'WRITTEN_OFF', 'NOT_BILLABLE'),
});
const worldShape = fc.array(fc.record({ bills: fc.array(bill, { maxLength: 3 }), loose: fc.array(looseSource, { maxLength: 4 }) }), {
  minLength: 1,
  maxLength: 3,
});
type Shape = typeof worldShape extends fc.Arbitrary<infer T> ? T : never;

interface World {
  projects: PsaProject[];
  invoices: ErpInvoice[];
}

/** The consistent world of a shape. */
function build(shape: Shape): World {
  const invoices: ErpInvoice[] = [];
  const projects = shape.map((spec, p): PsaProject => {
    const projectId = `prj_${p}`;
    const sources: PsaSource[] = [];
    const drafts: PsaBillingDraft[] = [];
    spec.loose.forEach((loose, s) => {
      sources.push({
        sourceType: 'TIME_SPLIT',
        sourceId: `${projectId}-l${s}`,
        date: `${loose.month}-05`,
        amountE4: loose.amountE4,
        billingStatus: loose.status,
      });
    });
    spec.bills.forEach((billed, b) => {
      const draftId = `${projectId}-d${b}`;
      const status = (credited: boolean) => (!billed.invoiced ? 'ON_DRAFT' : credited ? 'CREDITED' : 'BILLED');
      const own = billed.sources.map((spec, s): PsaSource => ({
        sourceType: spec.milestone ? 'MILESTONE' : 'TIME_SPLIT',
        sourceId: `${draftId}-s${s}`,
        date: `${spec.month}-${String(10 + s).padStart(2, '0')}`,
        amountE4: spec.amountE4,
        billingStatus: status(spec.credited),
      }));
      sources.push(...own);
      const items = [
        ...own.map((source) => ({ sourceType: source.sourceType, sourceId: source.sourceId, amountE4: source.amountE4 })),
        ...billed.fees.map((amountE4, f) => ({ sourceType: 'FEE', sourceId: `${draftId}-f${f}`, amountE4 })),
      ];
      const cutoff = `${[...billed.sources.map((spec) => spec.month)].sort().at(-1)}-28`;
      const summaryE4 = items.reduce((sum, item) => sum + item.amountE4, 0);
      if (!billed.invoiced) {
        drafts.push({ id: draftId, status: 'IN_REVIEW', cutoffDate: cutoff, summaryE4, invoiceId: null, items });
        return;
      }
      const invoiceId = `inv_${draftId}`;
      drafts.push({ id: draftId, status: 'INVOICED', cutoffDate: cutoff, summaryE4, invoiceId, items });
      const lines = items.map((item, index) => ({ lineNumber: index + 1, amountE4: item.amountE4 }));
      const erp = { legalEntityId: LE, projectId, currency: 'EUR', invoiceDate: cutoff, status: 'ISSUED' };
      invoices.push({
        ...erp,
        id: invoiceId,
        invoiceNumber: `INV-${draftId}`,
        kind: 'INVOICE',
        subtotalE4: summaryE4,
        lines,
        originalInvoiceId: null,
      });
      const creditE4 = own.filter((source) => source.billingStatus === 'CREDITED').reduce((sum, source) => sum + source.amountE4, 0);
      const parts =
        creditE4 === 0
          ? []
          : billed.memos === 2 && creditE4 > 1
            ? [Math.floor(creditE4 / 2), creditE4 - Math.floor(creditE4 / 2)]
            : [creditE4];
      parts.forEach((part, m) => {
        invoices.push({
          ...erp,
          id: `cm_${draftId}-${m}`,
          invoiceNumber: `CM-${draftId}-${m}`,
          kind: 'CREDIT_MEMO',
          subtotalE4: -part,
          lines: [{ lineNumber: 1, amountE4: -part }],
          originalInvoiceId: invoiceId,
        });
      });
    });
    return { id: projectId, legalEntityId: LE, currency: 'EUR', sources, drafts };
  });
  return { projects, invoices };
}

const APPROVED = new Set(['READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT', 'BILLED', 'CREDITED', 'WRITTEN_OFF']);
const delta = fc.integer({ min: -5_000_000, max: 5_000_000 }).filter((d) => d !== 0);
const run = (world: World) => findMismatches({ projects: world.projects, invoices: world.invoices }).mismatches;
const difference = (m: Mismatch) => m.actualE4 - m.expectedE4;
const summary = (m: Mismatch) => [m.rule, m.subjectType, m.subjectId, difference(m)];

/** value × part / whole rounded toward zero (what the ERP's lines bill for a draft's sources). */
const proportion = (value: number, part: number, whole: number) =>
  part === whole ? value : Number((BigInt(value) * BigInt(part)) / BigInt(whole));

describe('reconciliation rules on random consistent worlds', () => {
  it('find no exception, and check every released draft, invoice, credited invoice and project month', () => {
    fc.assert(
      fc.property(worldShape, (shape) => {
        const world = build(shape);
        const result = findMismatches(world);
        expect(result.mismatches).toEqual([]);
        const released = shape.flatMap((spec) => spec.bills.filter((billed) => billed.invoiced));
        const months = world.projects.flatMap((p) => [
          ...new Set(p.sources.filter((s) => APPROVED.has(s.billingStatus)).map((s) => `${p.id}@${s.date.slice(0, 7)}`)),
        ]);
        expect(result.checked).toEqual({
          billingDrafts: released.length,
          invoices: released.length,
          creditedInvoices: released.filter((billed) => billed.sources.some((s) => s.credited)).length,
          projectPeriods: months.length,
        });
      }),
      { numRuns: 300 },
    );
  });

  it('find a BILLED source whose amount changed as exactly one CONSERVATION exception on its project month', () => {
    fc.assert(
      fc.property(worldShape, fc.nat(), delta, (shape, pick, d) => {
        const world = build(shape);
        const candidates = world.projects.flatMap((p) => p.sources.filter((s) => s.billingStatus === 'BILLED').map((s) => [p, s] as const));
        fc.pre(candidates.length > 0);
        const [p, changed] = candidates[pick % candidates.length]!;
        const month = changed.date.slice(0, 7);
        const approved = p.sources
          .filter((s) => APPROVED.has(s.billingStatus) && s.date.startsWith(month))
          .reduce((sum, s) => sum + s.amountE4, 0);
        (changed as { amountE4: number }).amountE4 += d;
        expect(run(world)).toEqual([
          {
            rule: 'CONSERVATION',
            subjectType: 'ProjectPeriod',
            subjectId: `${p.id}@${month}`,
            legalEntityId: LE,
            currency: 'EUR',
            expectedE4: approved + d,
            actualE4: approved,
            owner: 'BILLING_OPERATIONS',
            detail: expect.stringContaining(`Approved billable value of ${p.id} in ${month} against`),
          },
        ]);
      }),
      { numRuns: 300 },
    );
  });

  it('find an invoice line that changed on its draft, and the difference it makes to what the ERP bills for the sources', () => {
    fc.assert(
      fc.property(worldShape, fc.nat(), fc.nat(), delta, (shape, pick, line, d) => {
        const world = build(shape);
        const released = world.invoices.filter((invoice) => invoice.kind === 'INVOICE');
        fc.pre(released.length > 0);
        const invoice = released[pick % released.length]!;
        const draft = world.projects.flatMap((p) => p.drafts).find((candidate) => candidate.invoiceId === invoice.id)!;
        const allE4 = draft.items.reduce((sum, item) => sum + item.amountE4, 0);
        const sourceE4 = draft.items.filter((item) => item.sourceType !== 'FEE').reduce((sum, item) => sum + item.amountE4, 0);
        (invoice.lines[line % invoice.lines.length] as { amountE4: number }).amountE4 += d;
        const found = run(world);
        expect(found.filter((m) => m.rule !== 'CONSERVATION').map(summary)).toEqual([
          ['BILLED_TIME_VS_INVOICE_LINES', 'BillingDraft', draft.id, d],
        ]);
        const conservation = found.filter((m) => m.rule === 'CONSERVATION');
        expect(conservation.every((m) => m.subjectId.startsWith(`${invoice.projectId}@`))).toBe(true);
        // All of it when the draft bills no fee; the sources' share of it beside fees.
        expect(conservation.reduce((sum, m) => sum + difference(m), 0)).toBe(proportion(allE4 + d, sourceE4, allE4) - sourceE4);
      }),
      { numRuns: 300 },
    );
  });

  it('find a credit memo that changed on the invoice it credits, and the same difference in the months it credits', () => {
    fc.assert(
      fc.property(worldShape, fc.nat(), delta, (shape, pick, d) => {
        const world = build(shape);
        const memos = world.invoices.filter((invoice) => invoice.kind === 'CREDIT_MEMO');
        fc.pre(memos.length > 0);
        const memo = memos[pick % memos.length]!;
        // d more credited (the memo's subtotal is negative).
        (memo as { subtotalE4: number }).subtotalE4 -= d;
        const found = run(world);
        expect(found.filter((m) => m.rule !== 'CONSERVATION').map(summary)).toEqual([
          ['CREDIT_MEMO_VS_SOURCES', 'Invoice', memo.originalInvoiceId, -d],
        ]);
        const conservation = found.filter((m) => m.rule === 'CONSERVATION');
        expect(conservation.every((m) => m.subjectId.startsWith(`${memo.projectId}@`))).toBe(true);
        expect(conservation.reduce((sum, m) => sum + difference(m), 0)).toBe(-d);
      }),
      { numRuns: 300 },
    );
  });

  it('find a released draft whose summary changed as exactly one BILLED_TIME_VS_INVOICE_LINES exception on it', () => {
    fc.assert(
      fc.property(worldShape, fc.nat(), delta, (shape, pick, d) => {
        const world = build(shape);
        const released = world.projects.flatMap((p) => p.drafts.filter((draft) => draft.status === 'INVOICED'));
        fc.pre(released.length > 0);
        const draft = released[pick % released.length]!;
        (draft as { summaryE4: number }).summaryE4 += d;
        expect(run(world).map(summary)).toEqual([['BILLED_TIME_VS_INVOICE_LINES', 'BillingDraft', draft.id, -d]]);
      }),
      { numRuns: 300 },
    );
  });
});
