/**
 * The demo-data generator: determinism, tier sizes, the cross-system and financial invariants the
 * API tests rely on (every expectation is recomputed from the rows), the demo-data fixtures (docs/demo-data.md#fixtures),
 * and a round trip into SQLite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extend, taxOn } from '../../systems/kernel/decimal.ts';
import { openAllSystems, type AllSystems } from '../../systems/openAllSystems.ts';
import { addMonths, isoDate, isoWeekday, mondayOf, parseDay } from '../../seed/calendar.ts';
import { DEFAULT_AS_OF, datasetCounts, generateDataset, type Dataset } from '../../seed/generate.ts';
import { isSeeded, seedSystems, systemIsEmpty, type SeedSummary } from '../../seed/seedSystems.ts';
import { erpTables } from '../../systems/erp/adapters/sql/tables.ts';
import { psaTables } from '../../systems/psa/adapters/sql/tables.ts';
import { asStored } from '../harness/stored.ts';

const small = generateDataset({ scale: 's' });
let mid: Dataset | undefined;
/** Tier M is generated once for the whole file (about a second). */
function medium(): Dataset {
  mid ??= generateDataset({ scale: 'm' });
  return mid;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

function countBy<T>(rows: readonly T[], key: (row: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[key(row)] = (counts[key(row)] ?? 0) + 1;
  return counts;
}

function sum<T>(rows: readonly T[], value: (row: T) => number): number {
  return rows.reduce((total, row) => total + value(row), 0);
}

/**
 * Collects violated invariants instead of asserting row by row: a hundred thousand `expect`
 * calls are slow, and one list of the first offenders reads better than the first failure.
 */
function violations(): { check: (ok: boolean, what: string) => void; readonly found: string[] } {
  const found: string[] = [];
  return {
    found,
    check(ok, what) {
      if (!ok && found.length < 10) found.push(what);
    },
  };
}

describe('generateDataset', () => {
  it('is deterministic: the same options give deep-equal data, another seed different data', () => {
    expect(generateDataset({ scale: 's' })).toEqual(small);
    expect(generateDataset({ scale: 's', seed: 20261, asOf: DEFAULT_AS_OF })).toEqual(small);
    const other = generateDataset({ scale: 's', seed: 7 });
    expect(other.psa.time_entries).not.toEqual(small.psa.time_entries);
    expect(other.crm.accounts.map((a) => a.name)).not.toEqual(small.crm.accounts.map((a) => a.name));
  });

  it('rejects a malformed asOf', () => {
    expect(() => generateDataset({ scale: 's', asOf: '2026-02-30' })).toThrow(TypeError);
  });

  it('sizes tier S as the demo firm', () => {
    const counts = datasetCounts(small);
    expect(counts.erp.legal_entities).toBe(2);
    expect(small.erp.legal_entities.map((le) => `${le.code} ${le.functional_currency}`)).toEqual(['US01 USD', 'UK01 GBP']);
    expect(counts.psa.roles).toBe(8);
    expect(counts.psa.resources).toBe(35);
    expect(counts.crm.accounts).toBe(60);
    expect(counts.crm.contacts).toBe(150);
    expect(counts.crm.opportunities).toBe(40);
    expect(counts.crm.contracts).toBe(12);
    expect(counts.psa.projects).toBe(12);
    expect(counts.psa.timecards).toBeGreaterThan(900);
    expect(counts.psa.timecards).toBeLessThan(2000);
    expect(counts.psa.time_entries).toBeGreaterThan(3500);
    expect(counts.psa.time_entries).toBeLessThan(8000);
    expect(counts.erp.invoices).toBeGreaterThan(25);
    expect(counts.erp.invoices).toBeLessThan(60);
    expect(counts.erp.payments).toBeGreaterThan(5);
    expect(counts.erp.payments).toBeLessThan(45);
    const statuses = countBy(small.psa.projects, (p) => `${p.type} ${p.status}`);
    expect(statuses['CUSTOMER_BILLABLE ACTIVE']).toBeGreaterThanOrEqual(4);
    expect(small.psa.projects.some((p) => p.type !== 'CUSTOMER_BILLABLE')).toBe(true);
    expect(new Set(small.psa.projects.map((p) => p.billing_method))).toEqual(
      new Set([null, 'TIME_AND_MATERIALS', 'FIXED_FEE', 'MILESTONE', 'RETAINER']),
    );
    // Six months of time: the earliest entry is six months before asOf.
    const first = small.psa.time_entries.reduce((min, e) => (e.entry_date < min ? e.entry_date : min), '9999');
    expect(first >= '2026-05-15').toBe(true);
    expect(first <= '2026-05-20').toBe(true);
  });

  it('sizes tier M as the reference mid-size firm, with about 220 ACTIVE projects', () => {
    const data = medium();
    const counts = datasetCounts(data);
    expect(data.erp.legal_entities.map((le) => `${le.code} ${le.functional_currency}`)).toEqual([
      'US01 USD',
      'UK01 GBP',
      'CA01 CAD',
      'IN01 INR',
      'DE01 EUR',
    ]);
    expect(counts.psa.roles).toBe(14);
    expect(counts.psa.resources).toBe(420);
    expect(countBy(data.crm.accounts, (a) => a.source_system)).toEqual({ salesforce: 2000, hubspot: 1000 });
    expect(counts.crm.contacts).toBe(12_000);
    expect(counts.crm.opportunities).toBe(1100);
    const active = data.psa.projects.filter((p) => p.status === 'ACTIVE').length;
    expect(active).toBeGreaterThanOrEqual(210);
    expect(active).toBeLessThanOrEqual(230);
    expect(counts.crm.contracts).toBeGreaterThan(350);
    expect(counts.crm.contracts).toBeLessThan(600);
    expect(counts.psa.timecards).toBeGreaterThan(22_000);
    expect(counts.psa.timecards).toBeLessThan(40_000);
    expect(counts.psa.time_entries).toBeGreaterThan(90_000);
    expect(counts.psa.time_entries).toBeLessThan(160_000);
    expect(counts.erp.invoices).toBeGreaterThan(1500);
    expect(counts.erp.payments).toBeGreaterThan(1000);
    // Twelve months of history, twelve months of open periods ahead.
    expect(countBy(data.erp.accounting_periods, (p) => p.status)).toEqual({ CLOSED: 5 * 11, SOFT_CLOSED: 5, OPEN: 5 * 13 });
  });
});

/** A different seed and clock: the invariants must not depend on the defaults. */
const OTHER_AS_OF = '2026-08-12';

describe.each([
  ['S', () => small, DEFAULT_AS_OF],
  [`S (seed 7, asOf ${OTHER_AS_OF})`, () => generateDataset({ scale: 's', seed: 7, asOf: OTHER_AS_OF }), OTHER_AS_OF],
  ['M', medium, DEFAULT_AS_OF],
])('tier %s is internally consistent', (_tier, dataOf, asOf) => {
  let data: Dataset;
  beforeAll(() => {
    data = dataOf();
  });

  it('has unique primary keys and natural keys', () => {
    for (const system of ['crm', 'psa', 'erp'] as const) {
      for (const [table, rows] of Object.entries(data[system]) as [string, { id?: string }[]][]) {
        const ids = rows.map(
          (row) => row.id ?? (row as { contract_id?: string }).contract_id ?? (row as { project_id?: string }).project_id,
        );
        expect(new Set(ids).size, `${system}.${table}`).toBe(rows.length);
      }
    }
    const unique = (values: string[]) => new Set(values).size === values.length;
    expect(unique(data.psa.timecards.map((t) => `${t.resource_id}|${t.project_id}|${t.week_start}`))).toBe(true);
    expect(unique(data.psa.billing_draft_items.map((i) => `${i.source_type}|${i.source_id}`))).toBe(true);
    expect(unique(data.erp.invoices.map((i) => i.invoice_number))).toBe(true);
    expect(unique(data.erp.invoices.flatMap((i) => (i.source_billing_draft_id ? [i.source_billing_draft_id] : [])))).toBe(true);
    expect(unique(data.crm.accounts.map((a) => `${a.source_system}|${a.source_id}`))).toBe(true);
    expect(unique(data.erp.billing_profiles.map((b) => `${b.account_id}|${b.legal_entity_id}`))).toBe(true);
    expect(unique(data.psa.projects.map((p) => p.code))).toBe(true);
  });

  it('resolves every cross-system reference of a project', () => {
    const accounts = new Set(data.crm.accounts.map((a) => a.id));
    const contracts = new Map(data.crm.contracts.map((c) => [c.id, c]));
    const les = new Map(data.erp.legal_entities.map((le) => [le.id, le]));
    const erpProjects = new Map(data.erp.erp_projects.map((p) => [p.project_id, p]));
    const lines = groupBy(data.psa.contract_lines, (l) => l.contract_id);
    for (const project of data.psa.projects) {
      const le = les.get(project.legal_entity_id);
      expect(le, project.id).toBeDefined();
      expect(project.currency, project.id).toBe(le?.functional_currency);
      if (project.type !== 'CUSTOMER_BILLABLE') {
        expect(project.account_id).toBeNull();
        continue;
      }
      expect(accounts.has(project.account_id ?? ''), project.id).toBe(true);
      const contract = contracts.get(project.contract_id ?? '');
      expect(contract?.account_id, project.id).toBe(project.account_id);
      expect(contract?.legal_entity_id, project.id).toBe(project.legal_entity_id);
      expect(contract?.currency, project.id).toBe(project.currency);
      expect(lines.get(project.contract_id ?? '')?.length, project.id).toBeGreaterThan(0);
      const erp = erpProjects.get(project.id);
      expect(erp?.legal_entity_id, project.id).toBe(project.legal_entity_id);
      expect(erp?.currency, project.id).toBe(project.currency);
    }
    const opportunities = new Set(data.crm.opportunities.map((o) => o.id));
    for (const contract of data.crm.contracts) {
      expect(opportunities.has(contract.opportunity_id ?? '')).toBe(true);
      expect(
        data.erp.billing_profiles.some((b) => b.account_id === contract.account_id && b.legal_entity_id === contract.legal_entity_id),
      ).toBe(true);
    }
    expect(data.erp.contract_terms.map((t) => t.contract_id).sort()).toEqual(data.crm.contracts.map((c) => c.id).sort());
  });

  it('prices every role on every rate card, in the legal entity currency', () => {
    const les = new Map(data.erp.legal_entities.map((le) => [le.id, le]));
    const roles = data.psa.roles.map((r) => r.id).sort();
    const lines = groupBy(data.erp.rate_card_lines, (l) => l.rate_card_id);
    for (const card of data.erp.rate_cards) {
      expect(card.currency).toBe(les.get(card.legal_entity_id)?.functional_currency);
      const cardLines = lines.get(card.id) ?? [];
      expect([...new Set(cardLines.map((l) => l.role_id))].sort()).toEqual(roles);
      // Versions chain without gaps: each ends the day before the next starts.
      for (const versions of groupBy(cardLines, (l) => l.role_id).values()) {
        versions.sort((a, b) => (a.effective_from < b.effective_from ? -1 : 1));
        versions.forEach((v, i) => {
          const next = versions[i + 1];
          if (next) expect(parseDay(next.effective_from) - parseDay(v.effective_to ?? '')).toBe(1);
          else expect(v.effective_to).toBeNull();
        });
      }
    }
  });

  it('books time on weekdays inside project and assignment dates, at the locked assignment rate', () => {
    const projects = new Map(data.psa.projects.map((p) => [p.id, p]));
    const assignments = new Map(data.psa.assignments.map((a) => [a.id, a]));
    const timecards = new Map(data.psa.timecards.map((t) => [t.id, t]));
    const entriesByTimecard = groupBy(data.psa.time_entries, (e) => e.timecard_id);
    const { check, found } = violations();
    for (const timecard of data.psa.timecards) {
      const entries = entriesByTimecard.get(timecard.id) ?? [];
      const assignment = assignments.get(timecard.assignment_id ?? '');
      check(entries.length > 0, `${timecard.id} has entries`);
      check(timecard.total_hours_e2 === sum(entries, (e) => e.hours_e2), `${timecard.id} total hours`);
      check(timecard.total_billable_e4 === sum(entries, (e) => e.billable_e4), `${timecard.id} total billable`);
      check(
        isoWeekday(parseDay(timecard.week_start)) === 1 && parseDay(timecard.week_end) - parseDay(timecard.week_start) === 6,
        `${timecard.id} week`,
      );
      check(assignment?.resource_id === timecard.resource_id && assignment.project_id === timecard.project_id, `${timecard.id} assignment`);
      check(timecard.currency === projects.get(timecard.project_id)?.currency, `${timecard.id} currency`);
    }
    for (const entry of data.psa.time_entries) {
      const timecard = timecards.get(entry.timecard_id);
      const project = projects.get(entry.project_id);
      const assignment = assignments.get(timecard?.assignment_id ?? '');
      if (!timecard || !project || !assignment) throw new Error(`dangling time entry ${entry.id}`);
      const day = entry.entry_date;
      check(timecard.project_id === entry.project_id, `${entry.id} project`);
      check(isoWeekday(parseDay(day)) <= 5, `${entry.id} on a weekday`);
      check(mondayOf(parseDay(day)) === parseDay(timecard.week_start), `${entry.id} in its week`);
      check(day >= project.start_date && day <= project.end_date, `${entry.id} within project dates`);
      check(day >= assignment.start_date && day <= assignment.end_date, `${entry.id} within assignment dates`);
      check(day <= asOf, `${entry.id} not after asOf`);
      check(entry.hours_e2 > 0 && entry.hours_e2 % 25 === 0, `${entry.id} quarter hours`);
      // Approval freezes the rate and the value; only time-and-materials time bills.
      const approved = timecard.status === 'APPROVED';
      check(entry.bill_rate_e4 === (approved ? assignment.bill_rate_e4 : null), `${entry.id} rate`);
      const bills = approved && entry.hour_class === 'BILLABLE' && project.billing_method === 'TIME_AND_MATERIALS';
      const billable = bills ? extend(entry.hours_e2, entry.bill_rate_e4 ?? 0, project.currency) : 0;
      check(entry.billable_e4 === billable, `${entry.id} billable amount`);
    }
    expect(found).toEqual([]);
  });

  it('takes each assignment rate from the rate card version in force on its first day', () => {
    const projects = new Map(data.psa.projects.map((p) => [p.id, p]));
    // The line that bills the contract's method (an EXPENSES line bills no time).
    const contractLines = new Map(data.psa.contract_lines.filter((l) => l.billing_method !== 'EXPENSES').map((l) => [l.contract_id, l]));
    const lines = groupBy(data.erp.rate_card_lines, (l) => `${l.rate_card_id}|${l.role_id}`);
    for (const assignment of data.psa.assignments) {
      const project = projects.get(assignment.project_id);
      expect(assignment.currency).toBe(project?.currency);
      if (project?.type !== 'CUSTOMER_BILLABLE') {
        expect(assignment.bill_rate_e4).toBeNull();
        continue;
      }
      const card = contractLines.get(project.contract_id ?? '')?.rate_card_id ?? '';
      const versions = lines.get(`${card}|${assignment.role_id}`) ?? [];
      const inForce = versions.filter((v) => v.effective_from <= assignment.start_date).pop() ?? versions[0];
      expect(assignment.bill_rate_e4, assignment.id).toBe(inForce?.bill_rate_e4);
    }
  });

  it('approves timecards after their week, by someone else, with the current week in draft', () => {
    const currentWeek = isoDate(mondayOf(parseDay(asOf)));
    const { check, found } = violations();
    for (const timecard of data.psa.timecards) {
      if (timecard.week_start === currentWeek) check(timecard.status === 'DRAFT', `${timecard.id} current week in draft`);
      if (timecard.status === 'APPROVED') {
        check(timecard.approver_id !== null && timecard.approver_id !== timecard.resource_id, `${timecard.id} approver`);
        check((timecard.approved_at ?? '') > `${timecard.week_end}T23:59:59Z`, `${timecard.id} approved after its week`);
        check((timecard.approved_at ?? '') > (timecard.submitted_at ?? 'z'), `${timecard.id} approved after submission`);
      } else {
        check(timecard.approved_at === null, `${timecard.id} not approved`);
      }
    }
    expect(found).toEqual([]);
    const statuses = countBy(data.psa.timecards, (t) => t.status);
    const share = (status: string) => (statuses[status] ?? 0) / data.psa.timecards.length;
    expect(share('APPROVED')).toBeGreaterThan(0.85);
    expect(share('REJECTED')).toBeGreaterThan(0.002);
    expect(share('REJECTED')).toBeLessThan(0.02);
    expect(statuses.SUBMITTED).toBeGreaterThan(0);
  });

  it('keeps billing statuses consistent with approval, drafts and invoices (no double billing)', () => {
    const timecards = new Map(data.psa.timecards.map((t) => [t.id, t]));
    const projects = new Map(data.psa.projects.map((p) => [p.id, p]));
    const drafts = new Map(data.psa.billing_drafts.map((d) => [d.id, d]));
    const itemOf = new Map(data.psa.billing_draft_items.map((i) => [`${i.source_type}|${i.source_id}`, i]));
    const { check, found } = violations();
    for (const entry of data.psa.time_entries) {
      const approved = timecards.get(entry.timecard_id)?.status === 'APPROVED';
      const item = itemOf.get(`TIME_SPLIT|${entry.id}`);
      const draft = drafts.get(item?.draft_id ?? '');
      const tm = projects.get(entry.project_id)?.billing_method === 'TIME_AND_MATERIALS';
      const billable = entry.hour_class === 'BILLABLE';
      const where = `${entry.id} ${entry.billing_status}`;
      switch (entry.billing_status) {
        case 'NOT_BILLABLE':
          check((!billable || (approved && !tm)) && !item, where);
          break;
        case 'UNAPPROVED':
          check(billable && !approved && !item, where);
          break;
        case 'READY_TO_BILL':
        case 'ON_HOLD':
          check(approved && tm && billable && !item, where);
          break;
        case 'ON_DRAFT':
          check(approved && draft?.status === 'IN_REVIEW', where);
          break;
        case 'BILLED':
        case 'CREDITED':
          check(approved && draft?.status === 'INVOICED' && item?.amount_e4 === entry.billable_e4, where);
          break;
        default:
          check(false, where);
      }
      if (item) check(entry.entry_date <= (draft?.cutoff_date ?? ''), `${entry.id} after the cutoff of ${draft?.id}`);
    }
    expect(found).toEqual([]);
    const items = groupBy(data.psa.billing_draft_items, (i) => i.draft_id);
    for (const draft of data.psa.billing_drafts) {
      expect(draft.summary_e4).toBe(sum(items.get(draft.id) ?? [], (i) => i.amount_e4));
      expect(draft.invoice_id === null).toBe(draft.status !== 'INVOICED');
    }
    const statuses = countBy(data.psa.time_entries, (e) => e.billing_status);
    for (const status of ['BILLED', 'READY_TO_BILL', 'ON_HOLD', 'ON_DRAFT', 'UNAPPROVED', 'NOT_BILLABLE', 'CREDITED']) {
      expect(statuses[status], status).toBeGreaterThan(0);
    }
  });

  it('posts every invoice from its draft, in an accounting period of its legal entity, with exact totals', () => {
    const drafts = new Map(data.psa.billing_drafts.map((d) => [d.id, d]));
    const periods = new Map(data.erp.accounting_periods.map((p) => [p.id, p]));
    const projects = new Map(data.psa.projects.map((p) => [p.id, p]));
    const profiles = new Map(data.erp.billing_profiles.map((b) => [`${b.account_id}|${b.legal_entity_id}`, b]));
    const taxes = new Map(data.erp.tax_profiles.map((t) => [t.id, t]));
    const lines = groupBy(data.erp.invoice_lines, (l) => l.invoice_id);
    for (const invoice of data.erp.invoices) {
      const own = lines.get(invoice.id) ?? [];
      expect(own.length, invoice.id).toBeGreaterThan(0);
      expect(own.map((l) => l.line_number)).toEqual(own.map((_, i) => i + 1));
      expect(invoice.subtotal_e4).toBe(sum(own, (l) => l.amount_e4));
      expect(invoice.tax_e4).toBe(sum(own, (l) => l.tax_e4));
      expect(invoice.total_e4).toBe(invoice.subtotal_e4 + invoice.tax_e4);
      const profile = profiles.get(`${invoice.account_id}|${invoice.legal_entity_id}`);
      const tax = taxes.get(profile?.tax_profile_id ?? '');
      // A disbursement (an expense passed on at cost) is outside the scope of tax; every other line is taxed at the profile.
      for (const line of own) {
        const disbursement = line.tax_code === 'DISBURSEMENT';
        expect(line.tax_code).toBe(disbursement ? 'DISBURSEMENT' : tax?.default_tax_code);
        expect(line.tax_e4).toBe(disbursement ? 0 : taxOn(line.amount_e4, tax?.rate_percent_e4 ?? -1, invoice.currency));
      }
      const period = periods.get(invoice.posting_period_id);
      expect(period?.legal_entity_id).toBe(invoice.legal_entity_id);
      expect(invoice.invoice_date >= (period?.start_date ?? '') && invoice.invoice_date <= (period?.end_date ?? '')).toBe(true);
      const project = projects.get(invoice.project_id ?? '');
      expect(project?.legal_entity_id).toBe(invoice.legal_entity_id);
      expect(project?.account_id).toBe(invoice.account_id);
      expect(project?.contract_id).toBe(invoice.contract_id);
      expect(project?.currency).toBe(invoice.currency);
      if (invoice.kind === 'CREDIT_MEMO') {
        expect(invoice.subtotal_e4).toBeLessThan(0);
        expect(invoice.status).toBe('CREDITED');
      } else {
        expect(invoice.subtotal_e4).toBeGreaterThan(0);
      }
      if (invoice.source_billing_draft_id !== null) {
        const draft = drafts.get(invoice.source_billing_draft_id);
        expect(draft?.invoice_id).toBe(invoice.id);
        expect(draft?.summary_e4).toBe(invoice.subtotal_e4);
      }
    }
    for (const draft of data.psa.billing_drafts) {
      if (draft.invoice_id) expect(data.erp.invoices.find((i) => i.id === draft.invoice_id)?.source_billing_draft_id).toBe(draft.id);
    }
    const kinds = countBy(data.erp.invoices, (i) => `${i.kind} ${i.status}`);
    expect(kinds['CREDIT_MEMO CREDITED']).toBe(kinds['INVOICE CREDITED']);
    expect(kinds['INVOICE VOIDED']).toBeGreaterThan(0);
  });

  it('applies payments exactly: amount paid is the sum of applications and drives the status', () => {
    const applications = groupBy(data.erp.payment_applications, (a) => a.invoice_id);
    const byPayment = groupBy(data.erp.payment_applications, (a) => a.payment_id);
    for (const invoice of data.erp.invoices) {
      const paid = sum(applications.get(invoice.id) ?? [], (a) => a.amount_e4);
      expect(invoice.amount_paid_e4, invoice.id).toBe(paid);
      const expected =
        invoice.kind === 'CREDIT_MEMO' || invoice.status === 'VOIDED' || invoice.status === 'CREDITED'
          ? invoice.status
          : paid === 0
            ? 'POSTED'
            : paid === invoice.total_e4
              ? 'PAID'
              : 'PARTIALLY_PAID';
      expect(invoice.status, invoice.id).toBe(expected);
      if (invoice.status === 'VOIDED' || invoice.status === 'CREDITED') expect(paid).toBe(0);
      for (const application of applications.get(invoice.id) ?? []) expect(application.applied_on >= invoice.invoice_date).toBe(true);
    }
    const invoices = new Map(data.erp.invoices.map((i) => [i.id, i]));
    let overpayments = 0;
    for (const payment of data.erp.payments) {
      const own = byPayment.get(payment.id) ?? [];
      const applied = sum(own, (a) => a.amount_e4);
      expect(payment.amount_e4 >= applied).toBe(true);
      if (payment.amount_e4 > applied) overpayments++;
      expect(payment.status).toBe(payment.amount_e4 === applied ? 'APPLIED' : 'PARTIALLY_APPLIED');
      for (const application of own) {
        const invoice = invoices.get(application.invoice_id);
        expect(invoice?.account_id).toBe(payment.account_id);
        expect(invoice?.legal_entity_id).toBe(payment.legal_entity_id);
        expect(invoice?.currency).toBe(payment.currency);
      }
    }
    expect(overpayments).toBe(1);
    const statuses = countBy(data.erp.invoices, (i) => i.status);
    expect(statuses.PAID).toBeGreaterThan(0);
    expect(statuses.POSTED).toBeGreaterThan(0);
  });

  it('recognizes T&M revenue as invoiced up to the last ended month, net of credit memos', () => {
    const billed = new Map<string, number>();
    const lastRun = isoDate(parseDay(`${asOf.slice(0, 7)}-01`) - 1);
    for (const invoice of data.erp.invoices) {
      if (['POSTED', 'PARTIALLY_PAID', 'PAID', 'CREDITED', 'WRITTEN_OFF'].includes(invoice.status) && invoice.invoice_date <= lastRun) {
        billed.set(invoice.project_id ?? '', (billed.get(invoice.project_id ?? '') ?? 0) + invoice.subtotal_e4);
      }
    }
    for (const schedule of data.erp.revenue_schedules) {
      expect(schedule.recognized_e4 <= schedule.allocated_e4, schedule.id).toBe(true);
      // Capped at the allocation: billed expenses count as invoiced too, and may take a project past its contract value.
      if (schedule.method === 'AS_INVOICED' && schedule.status !== 'ON_HOLD')
        expect(schedule.recognized_e4, schedule.project_id).toBe(Math.min(schedule.allocated_e4, billed.get(schedule.project_id) ?? 0));
    }
  });

  it('closes accounting periods behind asOf and opens twelve months ahead', () => {
    const month = asOf.slice(0, 7);
    const previous = isoDate(addMonths(parseDay(asOf), -1)).slice(0, 7);
    for (const period of data.erp.accounting_periods) {
      const status = period.name < previous ? 'CLOSED' : period.name === previous ? 'SOFT_CLOSED' : 'OPEN';
      expect(period.status, period.name).toBe(status);
      expect(period.start_date.slice(0, 7)).toBe(period.name);
      expect(parseDay(period.end_date) + 1).toBe(addMonths(parseDay(period.start_date), 1));
    }
    expect(
      data.erp.accounting_periods
        .map((p) => p.name)
        .sort()
        .pop(),
    ).toBe(isoDate(addMonths(parseDay(asOf), 12)).slice(0, 7));
    expect(data.erp.accounting_periods.some((p) => p.name === month && p.status === 'OPEN')).toBe(true);
  });

  it('contains the demo-data fixtures (docs/demo-data.md#fixtures)', () => {
    const projects = new Map(data.psa.projects.map((p) => [p.id, p]));
    const resources = new Map(data.psa.resources.map((r) => [r.id, r]));
    const timecards = new Map(data.psa.timecards.map((t) => [t.id, t]));
    // 1. An approved timecard whose week spans two months, with entries on both sides.
    const spanning = [...groupBy(data.psa.time_entries, (e) => e.timecard_id)].some(
      ([id, entries]) => timecards.get(id)?.status === 'APPROVED' && new Set(entries.map((e) => e.entry_date.slice(0, 7))).size === 2,
    );
    expect(spanning).toBe(true);
    // 3. An assignment that runs across a rate card version change, billed at its locked rate.
    const versionStarts = new Set(data.erp.rate_card_lines.map((l) => l.effective_from));
    const crossing = data.psa.assignments.filter(
      (a) => a.bill_rate_e4 !== null && [...versionStarts].some((v) => v > a.start_date && v <= a.end_date && v <= asOf),
    );
    expect(crossing.length).toBeGreaterThan(0);
    // 5. A milestone delivered but awaiting customer sign-off: not approved, not billable.
    expect(
      data.psa.milestones.some(
        (m) => m.status === 'COMPLETE' && m.requires_sign_off === 1 && m.approved_for_billing === 0 && m.billing_status === 'UNAPPROVED',
      ),
    ).toBe(true);
    expect(data.psa.milestones.some((m) => m.billing_status === 'BILLED')).toBe(true);
    // 6. A resource homed in another legal entity working on a project (intercompany time).
    const intercompany = data.psa.timecards.some(
      (t) => resources.get(t.resource_id)?.home_legal_entity_id !== projects.get(t.project_id)?.legal_entity_id,
    );
    expect(intercompany).toBe(true);
    // 10. A customer on credit hold: suspended contract, project on hold, time held from billing.
    const held = data.erp.billing_profiles.filter((b) => b.credit_hold === 1);
    expect(held).toHaveLength(1);
    const heldProject = data.psa.projects.find((p) => p.account_id === held[0]?.account_id && p.status === 'ON_HOLD');
    expect(heldProject).toBeDefined();
    expect(data.crm.contracts.find((c) => c.id === heldProject?.contract_id)?.status).toBe('SUSPENDED');
    expect(data.psa.time_entries.some((e) => e.project_id === heldProject?.id && e.billing_status === 'ON_HOLD')).toBe(true);
    // 11. UK VAT at 20% and a tax-exempt US customer.
    const vat = new Set(data.erp.invoice_lines.filter((l) => l.tax_code === 'GB-VAT-STD' && l.tax_e4 > 0).map((l) => l.invoice_id));
    expect(data.erp.invoices.some((i) => i.currency === 'GBP' && vat.has(i.id))).toBe(true);
    expect(data.erp.tax_profiles.some((t) => t.party_type === 'CUSTOMER' && t.default_tax_code === 'US-EXEMPT')).toBe(true);
    // 12. Post-merger duplicates with open deals in both CRMs.
    const acme = data.crm.accounts.filter((a) => a.website === 'https://www.acme.example');
    expect(acme.map((a) => `${a.source_system} ${a.name}`).sort()).toEqual(['hubspot ACME Corporation Inc.', 'salesforce Acme Corp']);
    for (const account of acme) {
      expect(data.crm.opportunities.some((o) => o.account_id === account.id && !o.stage.startsWith('CLOSED'))).toBe(true);
    }
    // 16. Partial payment and unapplied overpayment are checked above; 15. void and credit memo too.
  });
});

describe('tier M specifics', () => {
  it('bills a EUR project in the German entity and staffs US projects from India', () => {
    const data = medium();
    const de = data.erp.legal_entities.find((le) => le.code === 'DE01');
    const india = data.erp.legal_entities.find((le) => le.code === 'IN01');
    const us = data.erp.legal_entities.find((le) => le.code === 'US01');
    expect(data.erp.invoices.some((i) => i.legal_entity_id === de?.id && i.currency === 'EUR' && i.status !== 'VOIDED')).toBe(true);
    const resources = new Map(data.psa.resources.map((r) => [r.id, r]));
    const projects = new Map(data.psa.projects.map((p) => [p.id, p]));
    expect(
      data.psa.timecards.some(
        (t) => resources.get(t.resource_id)?.home_legal_entity_id === india?.id && projects.get(t.project_id)?.legal_entity_id === us?.id,
      ),
    ).toBe(true);
    // The acquired firm's customers live in HubSpot.
    const accounts = new Map(data.crm.accounts.map((a) => [a.id, a]));
    const german = data.psa.projects.filter((p) => p.legal_entity_id === de?.id && p.account_id);
    expect(german.length).toBeGreaterThan(0);
    expect(german.every((p) => accounts.get(p.account_id ?? '')?.source_system === 'hubspot')).toBe(true);
  });
});

describe('seedSystems on SQLite', () => {
  let dataDir: string;
  let systems: AllSystems;
  let summary: SeedSummary;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-seed-'));
    systems = await openAllSystems({ kind: 'sqlite', dataDir });
    const dbs = { crm: systems.crm.db, psa: systems.psa.db, erp: systems.erp.db };
    expect(await isSeeded(dbs)).toBe(false);
    summary = await seedSystems(dbs, { scale: 's' });
  });

  afterAll(async () => {
    await systems?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('inserts every row of the dataset, and reports it', async () => {
    expect(summary.rows).toEqual(datasetCounts(small));
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(summary.insertMs);
    for (const system of ['crm', 'psa', 'erp'] as const) {
      const db = systems[system].db;
      for (const [table, rows] of Object.entries(small[system])) {
        const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
        expect(Number(result.rows[0]?.n), `${system}.${table}`).toBe((rows as unknown[]).length);
      }
    }
  });

  it('stores rows unchanged', async () => {
    const stored = await systems.psa.db.selectFrom('time_entries').selectAll().orderBy('id').execute();
    expect(stored).toEqual(
      asStored(
        psaTables.time_entries,
        [...small.psa.time_entries].sort((a, b) => (a.id < b.id ? -1 : 1)),
      ),
    );
    const invoices = await systems.erp.db.selectFrom('invoices').selectAll().orderBy('id').execute();
    expect(invoices).toEqual(
      asStored(
        erpTables.invoices,
        [...small.erp.invoices].sort((a, b) => (a.id < b.id ? -1 : 1)),
      ),
    );
  });

  it('knows a seeded store from an empty one', async () => {
    const dbs = { crm: systems.crm.db, psa: systems.psa.db, erp: systems.erp.db };
    expect(await isSeeded(dbs)).toBe(true);
    expect(await systemIsEmpty(systems.psa.db, 'timecards')).toBe(false);
  });
});
