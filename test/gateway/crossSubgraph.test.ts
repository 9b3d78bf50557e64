/**
 * The README queries through the whole gateway (HTTP → query plan → three subgraphs → SQLite),
 * compared field by field with values computed from the generated dataset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSULTANT_ASSIGNMENTS, CUSTOMER_PORTFOLIO, PORTFOLIO, PROJECT_360 } from '../../bench/queries.ts';
import { generateDataset, type Dataset } from '../../seed/generate.ts';
import { byId, expectedBilled, expectedProjectTotals, expectedReceivables } from '../harness/expectations.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const MINOR: Record<string, number> = { JPY: 0 };

/** e4 integer → decimal string with the currency's minor units (integer arithmetic only). */
function amount(e4: number, currency: string): string {
  const digits = MINOR[currency] ?? 2;
  const abs = Math.abs(e4);
  const whole = Math.floor(abs / 10_000);
  const fraction = String(abs % 10_000).padStart(4, '0');
  const significant = fraction.replace(/0+$/, '');
  const shown = significant.length > digits ? significant : fraction.slice(0, digits);
  return `${e4 < 0 ? '-' : ''}${whole}${shown ? `.${shown}` : ''}`;
}
const money = (e4: number, currency: string) => ({ amount: amount(e4, currency), currency });
const hours = (e2: number) => `${Math.floor(e2 / 100)}.${String(e2 % 100).padStart(2, '0')}`;
const moneyList = (totals: Map<string, number>) =>
  [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, e4]) => money(e4, currency));

let gateway: TestTessera;
let data: Dataset;

beforeAll(async () => {
  [gateway, data] = await Promise.all([startTestTessera({ scale: 's' }), Promise.resolve(generateDataset({ scale: 's' }))]);
});
afterAll(() => gateway?.stop());

function find<T extends { id: string }>(rows: readonly T[], id: string | null): T {
  const row = rows.find((r) => r.id === id);
  if (!row) throw new Error(`dataset has no row ${id}`);
  return row;
}

/** The active customer project with the most staff (ties: lowest ID). */
function busiestProject(d: Dataset) {
  return [...d.psa.projects]
    .filter((p) => p.status === 'ACTIVE' && p.account_id && p.contract_id)
    .map((p) => ({ p, staff: expectedProjectTotals(d, p.id).staffCount }))
    .sort((a, b) => b.staff - a.staff || (a.p.id < b.p.id ? -1 : 1))[0]!.p;
}

describe('cross-subgraph queries through the gateway', () => {
  it('answers a project with its customer, contract, staff, time and invoices (README 1)', async () => {
    const project = busiestProject(data);
    const account = find(data.crm.accounts, project.account_id);
    const contract = find(data.crm.contracts, project.contract_id);
    const terms = data.erp.contract_terms.find((t) => t.contract_id === contract.id);
    const erpProject = data.erp.erp_projects.find((e) => e.project_id === project.id)!;
    const roleName = (id: string) => find(data.psa.roles, id).name;
    const assignments = data.psa.assignments
      .filter((a) => a.project_id === project.id && (a.status === 'CONFIRMED' || a.status === 'ACTIVE'))
      .sort((a, b) => (a.start_date === b.start_date ? (a.id < b.id ? -1 : 1) : a.start_date < b.start_date ? -1 : 1));
    const timecards = data.psa.timecards
      .filter((t) => t.project_id === project.id)
      .sort((a, b) => (a.week_start === b.week_start ? (a.id < b.id ? -1 : 1) : a.week_start < b.week_start ? 1 : -1))
      .slice(0, 4);
    const invoices = data.erp.invoices
      .filter((i) => i.project_id === project.id)
      .sort((a, b) => (a.invoice_date === b.invoice_date ? (a.id < b.id ? -1 : 1) : a.invoice_date < b.invoice_date ? 1 : -1));
    const totals = expectedProjectTotals(data, project.id);

    const response = await gateway.request({ query: PROJECT_360, variables: { id: project.id } });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: {
        project: {
          code: project.code,
          name: project.name,
          status: project.status,
          customer: { name: account.name, industry: account.industry, arBalances: moneyList(expectedReceivables(data, account.id)) },
          contract: {
            contractNumber: contract.contract_number,
            totalContractValue: money(contract.tcv_e4, contract.currency),
            paymentTerms: terms?.payment_terms ?? null,
            lines: byId(data.psa.contract_lines.filter((l) => l.contract_id === contract.id)).map((l) => ({
              billingMethod: l.billing_method,
            })),
          },
          assignments: assignments.map((a) => ({
            resource: { name: find(data.psa.resources, a.resource_id).name },
            role: { name: roleName(a.role_id) },
            billRate: a.bill_rate_e4 === null ? null : money(a.bill_rate_e4, a.currency),
          })),
          timecards: timecards.map((t) => ({ weekStart: t.week_start, status: t.status, totalHours: hours(t.total_hours_e2) })),
          invoices: invoices.map((i) => ({
            invoiceNumber: i.invoice_number,
            status: i.status,
            total: money(i.total_e4, i.currency),
            amountDue: money(i.status === 'VOIDED' ? 0 : i.total_e4 - i.amount_paid_e4, i.currency),
          })),
          billedToDate: money(expectedBilled(data, project.id).get(erpProject.currency) ?? 0, erpProject.currency),
          unbilledWip: money(totals.unbilledWipE4, project.currency),
        },
      },
    });
    expect(assignments.length).toBeGreaterThan(1);
    expect(invoices.length).toBeGreaterThan(0);
  });

  it("answers a customer's portfolio across CRM, PSA and ERP (README 2)", async () => {
    const project = busiestProject(data);
    const account = find(data.crm.accounts, project.account_id);
    const projects = byId(data.psa.projects.filter((p) => p.account_id === account.id));
    const contracts = data.crm.contracts
      .filter((c) => c.account_id === account.id)
      .sort((a, b) => (a.start_date === b.start_date ? (a.id < b.id ? -1 : 1) : a.start_date < b.start_date ? 1 : -1));
    const profiles = data.erp.billing_profiles
      .filter((b) => b.account_id === account.id)
      .sort((a, b) => (a.customer_number < b.customer_number ? -1 : 1));

    const body = await gateway.query(CUSTOMER_PORTFOLIO, { id: account.id });

    expect(body).toEqual({
      data: {
        account: {
          name: account.name,
          type: account.type,
          projects: projects.map((p) => {
            const erpProject = data.erp.erp_projects.find((e) => e.project_id === p.id);
            return {
              code: p.code,
              name: p.name,
              status: p.status,
              staffCount: expectedProjectTotals(data, p.id).staffCount,
              billedToDate: erpProject ? money(expectedBilled(data, p.id).get(erpProject.currency) ?? 0, erpProject.currency) : null,
              unbilledWip: money(expectedProjectTotals(data, p.id).unbilledWipE4, p.currency),
            };
          }),
          contracts: contracts.map((c) => ({
            contractNumber: c.contract_number,
            status: c.status,
            totalContractValue: money(c.tcv_e4, c.currency),
          })),
          billingProfiles: profiles.map((b) => ({
            customerNumber: b.customer_number,
            legalEntity: { code: find(data.erp.legal_entities, b.legal_entity_id).code },
            paymentTerms: b.payment_terms,
          })),
          arBalances: moneyList(expectedReceivables(data, account.id)),
        },
      },
    });
  });

  it("answers a consultant's assignments with each project's customer (README 3)", async () => {
    const project = busiestProject(data);
    const resourceId = data.psa.assignments.find((a) => a.project_id === project.id && a.status !== 'CANCELLED')!.resource_id;
    const resource = find(data.psa.resources, resourceId);
    const homeLe = find(data.erp.legal_entities, resource.home_legal_entity_id);
    const assignments = data.psa.assignments
      .filter((a) => a.resource_id === resourceId)
      .sort((a, b) => (a.start_date === b.start_date ? (a.id < b.id ? -1 : 1) : a.start_date < b.start_date ? -1 : 1));

    const body = await gateway.query(CONSULTANT_ASSIGNMENTS, { id: resourceId });

    expect(body).toEqual({
      data: {
        resource: {
          name: resource.name,
          employmentType: resource.employment_type,
          primaryRole: { name: find(data.psa.roles, resource.primary_role_id).name },
          homeLegalEntity: { code: homeLe.code, name: homeLe.name },
          assignments: assignments.map((a) => {
            const p = find(data.psa.projects, a.project_id);
            return {
              status: a.status,
              startDate: a.start_date,
              endDate: a.end_date,
              scheduledHours: hours(a.scheduled_hours_e2),
              billRate: a.bill_rate_e4 === null ? null : money(a.bill_rate_e4, a.currency),
              project: { code: p.code, name: p.name, customer: p.account_id ? { name: find(data.crm.accounts, p.account_id).name } : null },
            };
          }),
        },
      },
    });
  });

  it('answers the portfolio dashboard over every active project', async () => {
    const active = byId(data.psa.projects.filter((p) => p.status === 'ACTIVE'));
    const body = await gateway.query(PORTFOLIO);
    expect(body).toEqual({
      data: {
        projects: {
          totalCount: active.length,
          nodes: active.map((p) => {
            const contract = p.contract_id ? find(data.crm.contracts, p.contract_id) : null;
            const erpProject = data.erp.erp_projects.find((e) => e.project_id === p.id);
            return {
              code: p.code,
              name: p.name,
              customer: p.account_id ? { name: find(data.crm.accounts, p.account_id).name } : null,
              contract: contract ? { totalContractValue: money(contract.tcv_e4, contract.currency) } : null,
              staffCount: expectedProjectTotals(data, p.id).staffCount,
              billedToDate: erpProject ? money(expectedBilled(data, p.id).get(erpProject.currency) ?? 0, erpProject.currency) : null,
            };
          }),
        },
      },
    });
  });

  it('resolves Account.projects, Project.invoices and Resource.assignments for an unknown ID as not found', async () => {
    const response = await gateway.request({ query: '{ account(id: "acc_nope") { name projects { code } } }' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { account: null },
      errors: [{ message: 'Account "acc_nope" was not found.', path: ['account'], extensions: { code: 'NOT_FOUND', serviceName: 'crm' } }],
    });
  });
});
