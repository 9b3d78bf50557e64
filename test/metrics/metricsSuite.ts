/**
 * The business metrics of docs/metrics.md, each recomputed here in plain TypeScript from the stored
 * rows of the seeded `s` data and compared exactly with what the gateway answers; the statement
 * count of each metric is independent of the number of projects; partners and callers without
 * `metrics:read` read none. Run on SQLite and on PostgreSQL (businessMetrics*.test.ts).
 */
import type { Kysely } from 'kysely';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmTables } from '../../systems/crm/adapters/sql/tables.ts';
import type { ErpTables } from '../../systems/erp/adapters/sql/tables.ts';
import { formatHours, money, parseScaled } from '../../systems/kernel/decimal.ts';
import { openAllSystems, type AllSystems } from '../../systems/openAllSystems.ts';
import type { PsaTables } from '../../systems/psa/adapters/sql/tables.ts';
import type { SystemName } from '../../systems/systems.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import type { TempStore } from '../harness/tempDatabase.ts';

export const METRICS_READER: PrincipalClaims = {
  sub: 'cfo',
  scope: 'crm:read psa:read erp:read psa:cost metrics:read',
  legal_entities: '*',
};

const MONTH = '2026-10';
const FROM = '2026-10-01';
const TO = '2026-10-31';

/** n / d rounded half away from zero to `digits` decimals, exactly (BigInt). */
function exactRatio(n: bigint, d: bigint, digits: number): string {
  const negative = n < 0n !== d < 0n && n !== 0n;
  const [an, ad] = [n < 0n ? -n : n, d < 0n ? -d : d];
  const scale = 10n ** BigInt(digits);
  const r = (an * scale * 2n + ad) / (ad * 2n);
  const fraction = (r % scale).toString().padStart(digits, '0');
  return `${negative && r !== 0n ? '-' : ''}${r / scale}${digits ? `.${fraction}` : ''}`;
}
const big = (v: unknown) => BigInt(String(v ?? 0));
const num = (v: unknown) => Number(v ?? 0);
const half = (e6: bigint) => Number((e6 + 50n) / 100n);
const days = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
function weekdays(from: string, to: string): number {
  let n = 0;
  for (let d = days(from); d <= days(to); d += 1) {
    const w = new Date(d * 86_400_000).getUTCDay();
    if (w !== 0 && w !== 6) n += 1;
  }
  return n;
}
const byKey = <T>(rows: T[], key: (row: T) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

export function metricsSuite(name: string, makeStore: () => Promise<TempStore>): void {
  describe(`business metrics (${name})`, () => {
    let store: TempStore;
    let gateway: TestTessera;
    let systems: AllSystems;
    let psa: Kysely<PsaTables>;
    let erp: Kysely<ErpTables>;
    let crm: Kysely<CrmTables>;
    let token: string;
    let counts: Record<SystemName, number> = { crm: 0, psa: 0, erp: 0, integration: 0 };

    beforeAll(async () => {
      store = await makeStore();
      gateway = await startTestTessera({
        store,
        onQuery: (system) => {
          counts[system] += 1;
        },
      });
      systems = await openAllSystems(store.store);
      psa = systems.psa.db as Kysely<PsaTables>;
      erp = systems.erp.db as Kysely<ErpTables>;
      crm = systems.crm.db as Kysely<CrmTables>;
      token = await gateway.token(METRICS_READER);
    }, 240_000);
    afterAll(async () => {
      await systems?.close();
      await gateway?.stop();
      await store?.remove();
    });

    async function ask(query: string, variables: Record<string, unknown> = {}) {
      counts = { crm: 0, psa: 0, erp: 0, integration: 0 };
      const body = await gateway.query(query, variables, token);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      return body.data as Record<string, unknown>;
    }

    /** Approved entries with their timecard's resource and the resource's practice and home legal entity. */
    async function approvedEntries() {
      return psa
        .selectFrom('time_entries as e')
        .innerJoin('timecards as t', 't.id', 'e.timecard_id')
        .innerJoin('resources as r', 'r.id', 't.resource_id')
        .innerJoin('roles as pr', 'pr.id', 'r.primary_role_id')
        .innerJoin('projects as p', 'p.id', 'e.project_id')
        .select([
          'e.id',
          'e.entry_date',
          'e.hours_e2',
          'e.hour_class',
          'e.role_id',
          'e.billable_e4',
          'e.billing_status',
          'e.cost_rate_e4',
          'e.cost_currency',
          'e.project_id',
          'r.id as resource_id',
          'r.is_bookable',
          'r.status as resource_status',
          'r.home_legal_entity_id',
          'pr.practice',
          'p.legal_entity_id as project_entity',
          'p.currency as project_currency',
        ])
        .where('t.status', '=', 'APPROVED')
        .execute();
    }

    it('utilization by practice and legal entity, and per resource and month, recomputed from the rows', async () => {
      const entries = await approvedEntries();
      const resources = await psa
        .selectFrom('resources as r')
        .innerJoin('roles', 'roles.id', 'r.primary_role_id')
        .select(['r.id', 'r.is_bookable', 'r.status', 'r.home_legal_entity_id', 'roles.practice'])
        .execute();
      const population = resources.filter((r) => r.is_bookable === 1 && r.status !== 'TERMINATED');
      const field = { BILLABLE: 0, NON_BILLABLE: 1, CREDITED: 2, EXCLUDED: 3 } as Record<string, number>;
      function expected(
        keyOf: (r: { id: string; practice: string; home_legal_entity_id: string }) => string[],
        from: string,
        to: string,
        months: string[][],
      ) {
        const groups = new Map<string, { key: string[]; count: number }>();
        for (const r of population) {
          const key = keyOf(r);
          const id = JSON.stringify(key);
          groups.set(id, { key, count: (groups.get(id)?.count ?? 0) + 1 });
        }
        const inPop = new Map(population.map((r) => [r.id, r]));
        const rows = [];
        for (const [id, g] of groups) {
          for (const [month, mFrom, mTo] of months) {
            const hours = [0, 0, 0, 0];
            for (const e of entries) {
              const r = inPop.get(e.resource_id);
              if (!r || JSON.stringify(keyOf(r)) !== id || e.entry_date < (mFrom ?? from) || e.entry_date > (mTo ?? to)) continue;
              const f = field[e.hour_class];
              if (f !== undefined) hours[f] = (hours[f] ?? 0) + num(e.hours_e2);
            }
            const [b = 0, nb = 0, c = 0, x = 0] = hours;
            const capacity = g.count * weekdays(mFrom ?? from, mTo ?? to) * 800;
            const available = capacity - x;
            rows.push({
              key: [...g.key, month ?? ''],
              resourceCount: g.count,
              capacityHours: formatHours(capacity),
              billableHours: formatHours(b),
              nonBillableHours: formatHours(nb),
              creditedHours: formatHours(c),
              excludedHours: formatHours(x),
              availableHours: formatHours(available),
              billableUtilization: available > 0 ? exactRatio(BigInt(b), BigInt(available), 4) : null,
              productiveUtilization: available > 0 ? exactRatio(BigInt(b + c), BigInt(available), 4) : null,
            });
          }
        }
        return byKey(rows, (r) => JSON.stringify(r.key)).map(({ key: _key, ...r }) => r);
      }
      const FIGURES =
        'resourceCount capacityHours billableHours nonBillableHours creditedHours excludedHours availableHours billableUtilization productiveUtilization';
      const data = await ask(`{
        byPractice: utilization(period: { month: "${MONTH}" }, groupBy: [LEGAL_ENTITY, PRACTICE]) { legalEntity { id } practice ${FIGURES} }
        byResource: utilization(period: { from: "2026-09-15", to: "2026-10-31" }, groupBy: [RESOURCE, MONTH]) { resource { id } month ${FIGURES} }
      }`);
      const practice = (data.byPractice as { legalEntity: { id: string }; practice: string }[]).map(({ legalEntity, practice, ...r }) => ({
        key: [legalEntity.id, practice],
        ...r,
      }));
      expect(practice.map(({ key: _key, ...r }) => r)).toEqual(
        expected((r) => [r.home_legal_entity_id, r.practice], FROM, TO, [[null as unknown as string]]),
      );
      expect(practice.length).toBeGreaterThan(1);
      const perResource = (data.byResource as { resource: { id: string }; month: string }[]).map(({ resource: _r, month: _m, ...r }) => r);
      expect(perResource).toEqual(
        expected((r) => [r.id], '2026-09-15', '2026-10-31', [
          ['2026-09', '2026-09-15', '2026-09-30'],
          ['2026-10', '2026-10-01', '2026-10-31'],
        ]),
      );
      // Two statements per field (hours, population) and one for every byResource row's resource.
      expect(counts).toEqual({ crm: 0, psa: 5, erp: 0, integration: 0 });
    });

    it('a resource time summary, batched over the resources of a page', async () => {
      const data = await ask(`{ resources(first: 40) { nodes { id isBookable status timeSummary(period: { month: "${MONTH}" }) {
        capacityHours billableHours nonBillableHours creditedHours excludedHours availableHours billableUtilization productiveUtilization } } } }`);
      const nodes = (
        data.resources as { nodes: { id: string; isBookable: boolean; status: string; timeSummary: Record<string, unknown> }[] }
      ).nodes;
      const entries = await approvedEntries();
      for (const node of nodes) {
        const mine = entries.filter((e) => e.resource_id === node.id && e.entry_date >= FROM && e.entry_date <= TO);
        const sum = (cls: string) => mine.filter((e) => e.hour_class === cls).reduce((s, e) => s + num(e.hours_e2), 0);
        const capacity = node.isBookable && node.status !== 'TERMINATED' ? weekdays(FROM, TO) * 800 : 0;
        const available = capacity - sum('EXCLUDED');
        expect(node.timeSummary).toEqual({
          capacityHours: formatHours(capacity),
          billableHours: formatHours(sum('BILLABLE')),
          nonBillableHours: formatHours(sum('NON_BILLABLE')),
          creditedHours: formatHours(sum('CREDITED')),
          excludedHours: formatHours(sum('EXCLUDED')),
          availableHours: formatHours(available),
          billableUtilization: available > 0 ? exactRatio(BigInt(sum('BILLABLE')), BigInt(available), 4) : null,
          productiveUtilization: available > 0 ? exactRatio(BigInt(sum('BILLABLE') + sum('CREDITED')), BigInt(available), 4) : null,
        });
      }
      const few = await ask(`{ resources(first: 5) { nodes { timeSummary(period: { month: "${MONTH}" }) { billableHours } } } }`);
      expect(few).toBeDefined();
      const fewCounts = counts;
      await ask(`{ resources(first: 40) { nodes { timeSummary(period: { month: "${MONTH}" }) { billableHours } } } }`);
      expect(counts).toEqual(fewCounts);
    });

    it('realization per project and for the portfolio, against the standard rate cards', async () => {
      const cards = await erp
        .selectFrom('rate_card_lines as l')
        .innerJoin('rate_cards as c', 'c.id', 'l.rate_card_id')
        .select(['c.legal_entity_id', 'c.currency', 'l.role_id', 'l.bill_rate_e4', 'l.effective_from', 'l.effective_to'])
        .where('c.account_id', 'is', null)
        .execute();
      const entries = (await approvedEntries()).filter(
        (e) => (e.hour_class === 'BILLABLE' || e.hour_class === 'CREDITED') && e.entry_date >= FROM && e.entry_date <= TO,
      );
      function expected(keyOf: (e: (typeof entries)[number]) => string[]) {
        const groups = new Map<
          string,
          { key: string[]; currency: string; h: number; c: number; ph: number; sv: bigint; bv: number; bd: number; pbd: number }
        >();
        for (const e of entries) {
          const rate = cards.find(
            (c) =>
              c.legal_entity_id === e.project_entity &&
              c.role_id === e.role_id &&
              c.currency === e.project_currency &&
              e.entry_date >= c.effective_from &&
              e.entry_date <= (c.effective_to ?? '9999-12-31'),
          );
          const key = [e.project_currency, ...keyOf(e)];
          const id = JSON.stringify(key);
          const g = groups.get(id) ?? { key, currency: e.project_currency, h: 0, c: 0, ph: 0, sv: 0n, bv: 0, bd: 0, pbd: 0 };
          const billed = e.billing_status === 'BILLED' ? num(e.billable_e4) : 0;
          g.h += e.hour_class === 'BILLABLE' ? num(e.hours_e2) : 0;
          g.c += e.hour_class === 'CREDITED' ? num(e.hours_e2) : 0;
          g.ph += rate ? num(e.hours_e2) : 0;
          g.sv += rate ? big(e.hours_e2) * big(rate.bill_rate_e4) : 0n;
          g.bv += num(e.billable_e4);
          g.bd += billed;
          g.pbd += rate ? billed : 0;
          groups.set(id, g);
        }
        return byKey([...groups.values()], (g) => JSON.stringify(g.key)).map((g) => ({
          currency: g.currency,
          billableHours: formatHours(g.h),
          creditedHours: formatHours(g.c),
          pricedHours: formatHours(g.ph),
          standardValue: money(half(g.sv), g.currency),
          billableValue: money(g.bv, g.currency),
          billedValue: money(g.bd, g.currency),
          billingRealization: half(g.sv) === 0 ? null : exactRatio(BigInt(g.pbd), BigInt(half(g.sv)), 4),
        }));
      }
      const FIELDS =
        'currency billableHours creditedHours pricedHours standardValue { amount currency } billableValue { amount currency } billedValue { amount currency } billingRealization';
      const data = await ask(`{
        perProject: realization(period: { month: "${MONTH}" }, groupBy: PROJECT) { project { id } ${FIELDS} }
        portfolio: realization(period: { month: "${MONTH}" }, groupBy: PORTFOLIO) { ${FIELDS} }
      }`);
      expect((data.perProject as { project: unknown }[]).map(({ project: _p, ...r }) => r)).toEqual(expected((e) => [e.project_id]));
      expect(data.portfolio).toEqual(expected(() => []));
      expect((data.portfolio as unknown[]).length).toBeGreaterThan(0);
      // The ERP's standard rate cards are read once, whatever the number of projects.
      expect(counts.erp).toBe(6);
    });

    it('rateCards(standard:) gives the standard cards realization prices with, or only the customer cards', async () => {
      // The `s` data negotiates no card: one customer card, taken out again after the reads.
      const standardCard = await erp.selectFrom('rate_cards').selectAll().orderBy('id').executeTakeFirstOrThrow();
      const customer = await crm.selectFrom('accounts').select('id').orderBy('id').executeTakeFirstOrThrow();
      const negotiatedId = 'rc_test_negotiated';
      await erp
        .insertInto('rate_cards')
        .values({ ...standardCard, id: negotiatedId, name: 'Negotiated (test)', account_id: customer.id })
        .execute();
      const cards = await erp.selectFrom('rate_cards').select(['id', 'account_id']).orderBy('id').execute();
      const data = await ask(`{
        standard: rateCards(standard: true) { id customer { id } }
        negotiated: rateCards(standard: false) { id customer { id } }
        all: rateCards { id }
      }`);
      const ids = (rows: unknown) => (rows as { id: string }[]).map((card) => card.id);
      expect(ids(data.standard)).toEqual(cards.filter((c) => c.account_id === null).map((c) => c.id));
      expect(ids(data.negotiated)).toEqual(cards.filter((c) => c.account_id !== null).map((c) => c.id));
      expect(ids(data.all)).toEqual(cards.map((c) => c.id));
      expect((data.standard as { customer: unknown }[]).every((card) => card.customer === null)).toBe(true);
      expect(ids(data.standard).length).toBeGreaterThan(0);
      expect(ids(data.negotiated)).toEqual([negotiatedId]);
      await erp.deleteFrom('rate_cards').where('id', '=', negotiatedId).execute();
    });

    it('direct cost per project, the same statements for 5 projects as for 60', async () => {
      const q = (first: number) =>
        `{ projects(first: ${first}) { nodes { id directCost { amounts { amount currency } costedHours uncostedHours } } } }`;
      const few = await ask(q(5));
      const fewCounts = counts;
      const data = await ask(q(60));
      expect(counts).toEqual(fewCounts);
      expect(few).toBeDefined();
      const entries = await approvedEntries();
      const nodes = (data.projects as { nodes: { id: string; directCost: unknown }[] }).nodes;
      // Entries of timecards not approved are on these projects: the cost leaves them out.
      const notApproved = await psa
        .selectFrom('time_entries as e')
        .innerJoin('timecards as t', 't.id', 'e.timecard_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('t.status', '!=', 'APPROVED')
        .where(
          'e.project_id',
          'in',
          nodes.map((node) => node.id),
        )
        .executeTakeFirstOrThrow();
      expect(Number(notApproved.n)).toBeGreaterThan(0);
      for (const node of nodes) {
        const mine = entries.filter((e) => e.project_id === node.id);
        const costs = new Map<string, bigint>();
        for (const e of mine) {
          if (e.cost_rate_e4 !== null && e.cost_currency !== null)
            costs.set(e.cost_currency, (costs.get(e.cost_currency) ?? 0n) + big(e.hours_e2) * big(e.cost_rate_e4));
        }
        const costed = mine.filter((e) => e.cost_rate_e4 !== null && e.cost_currency !== null).reduce((s, e) => s + num(e.hours_e2), 0);
        const all = mine.reduce((s, e) => s + num(e.hours_e2), 0);
        expect(node.directCost).toEqual({
          amounts: [...costs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, e6]) => money(half(e6), c)),
          costedHours: formatHours(costed),
          uncostedHours: formatHours(all - costed),
        });
      }
    });

    async function revenueRows() {
      return erp
        .selectFrom('revenue_schedules as rs')
        .innerJoin('erp_projects as p', 'p.project_id', 'rs.project_id')
        .select(['rs.project_id', 'p.legal_entity_id', 'rs.currency', 'rs.allocated_e4', 'rs.recognized_e4', 'rs.status'])
        .where('rs.status', 'not in', ['SUPERSEDED', 'CANCELLED'])
        .execute();
    }

    it('backlog and margin per project and for the portfolio', async () => {
      const revenue = await revenueRows();
      const entries = await approvedEntries();
      const data = await ask(`{
        backlog(groupBy: PORTFOLIO) { currency contracted { amount currency } recognized { amount currency } backlog { amount currency } }
        margin(groupBy: PROJECT) { project { id } currency revenue { amount } directCost { amount } margin { amount } marginPercent otherCurrencyCost { amount currency } uncostedHours }
        portfolio: margin(groupBy: PORTFOLIO) { currency revenue { amount } directCost { amount } margin { amount } }
      }`);
      const perCurrency = new Map<string, { a: number; r: number }>();
      for (const row of revenue) {
        const t = perCurrency.get(row.currency) ?? { a: 0, r: 0 };
        perCurrency.set(row.currency, { a: t.a + num(row.allocated_e4), r: t.r + num(row.recognized_e4) });
      }
      expect(data.backlog).toEqual(
        [...perCurrency]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([currency, t]) => ({
            currency,
            contracted: money(t.a, currency),
            recognized: money(t.r, currency),
            backlog: money(t.a - t.r, currency),
          })),
      );
      // Margin per project: recognized revenue against the cost in the same currency.
      const projects = new Map<string, { currency: string; revenue: number }>();
      for (const row of revenue) {
        const key = `${row.project_id}|${row.currency}`;
        projects.set(key, { currency: row.currency, revenue: (projects.get(key)?.revenue ?? 0) + num(row.recognized_e4) });
      }
      const expectedProjects = byKey([...projects], ([key]) => key).map(([key, p]) => {
        const projectId = key.split('|')[0] ?? '';
        const mine = entries.filter((e) => e.project_id === projectId);
        const costE6 = new Map<string, bigint>();
        for (const e of mine)
          if (e.cost_rate_e4 !== null && e.cost_currency !== null)
            costE6.set(e.cost_currency, (costE6.get(e.cost_currency) ?? 0n) + big(e.hours_e2) * big(e.cost_rate_e4));
        const cost = half(costE6.get(p.currency) ?? 0n);
        return {
          project: { id: projectId },
          currency: p.currency,
          revenue: { amount: money(p.revenue, p.currency).amount },
          directCost: { amount: money(cost, p.currency).amount },
          margin: { amount: money(p.revenue - cost, p.currency).amount },
          marginPercent: p.revenue > 0 ? exactRatio(BigInt(p.revenue - cost) * 100n, BigInt(p.revenue), 2) : null,
          otherCurrencyCost: [...costE6]
            .filter(([c]) => c !== p.currency)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([c, e6]) => money(half(e6), c)),
          uncostedHours: formatHours(
            mine.filter((e) => e.cost_rate_e4 === null || e.cost_currency === null).reduce((s, e) => s + num(e.hours_e2), 0),
          ),
        };
      });
      expect(data.margin).toEqual(expectedProjects);
      const portfolio = new Map<string, { revenue: number; cost: number }>();
      for (const p of expectedProjects) {
        const t = portfolio.get(p.currency) ?? { revenue: 0, cost: 0 };
        portfolio.set(p.currency, {
          revenue: t.revenue + parseScaled(p.revenue.amount),
          cost: t.cost + parseScaled(p.directCost.amount),
        });
      }
      expect(data.portfolio).toEqual(
        [...portfolio]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([currency, t]) => ({
            currency,
            revenue: { amount: money(t.revenue, currency).amount },
            directCost: { amount: money(t.cost, currency).amount },
            margin: { amount: money(t.revenue - t.cost, currency).amount },
          })),
      );
      // One revenue aggregate per field, one PSA call for every project's cost.
      expect(counts.erp).toBe(3);
    });

    it('DSO by the countback method at the end of October', async () => {
      const invoices = await erp.selectFrom('invoices').selectAll().execute();
      const applications = await erp.selectFrom('payment_applications').selectAll().execute();
      const receivable = invoices.filter(
        (i) => ['POSTED', 'PARTIALLY_PAID', 'PAID', 'CREDITED'].includes(i.status) && i.invoice_date <= TO,
      );
      const keys = new Map<string, { le: string; currency: string; ar: number }>();
      for (const i of receivable) {
        const key = `${i.legal_entity_id}|${i.currency}`;
        const paid = applications.filter((a) => a.invoice_id === i.id && a.applied_on <= TO).reduce((s, a) => s + num(a.amount_e4), 0);
        const t = keys.get(key) ?? { le: i.legal_entity_id, currency: i.currency, ar: 0 };
        keys.set(key, { ...t, ar: t.ar + num(i.total_e4) - paid });
      }
      const sales = (le: string, currency: string, from: string, to: string) =>
        invoices
          .filter(
            (i) =>
              i.kind === 'INVOICE' &&
              ['POSTED', 'PARTIALLY_PAID', 'PAID', 'CREDITED', 'WRITTEN_OFF'].includes(i.status) &&
              i.legal_entity_id === le &&
              i.currency === currency &&
              i.invoice_date >= from &&
              i.invoice_date <= to,
          )
          .reduce((s, i) => s + num(i.total_e4), 0);
      for (const i of invoices) {
        const key = `${i.legal_entity_id}|${i.currency}`;
        if (!keys.has(key) && sales(i.legal_entity_id, i.currency, FROM, TO) > 0)
          keys.set(key, { le: i.legal_entity_id, currency: i.currency, ar: 0 });
      }
      const expected = byKey([...keys.values()], (k) => `${k.le}|${k.currency}`).map((k) => {
        // Countback: October, then September, ... until the receivables are used up.
        let remaining = BigInt(k.ar);
        let whole = 0n;
        let result: string | null = null;
        let months = 0;
        for (let back = 0; back < 24 && result === null; back += 1) {
          if (remaining <= 0n) {
            result = exactRatio(whole, 1n, 1);
            months = back;
            break;
          }
          const start = new Date(Date.UTC(2026, 9 - back, 1)).toISOString().slice(0, 10);
          const end = new Date(Date.UTC(2026, 10 - back, 0)).toISOString().slice(0, 10);
          const monthDays = BigInt(days(end) - days(start) + 1);
          const s = BigInt(sales(k.le, k.currency, start, end));
          if (s > 0n && remaining <= s) {
            result = exactRatio(whole * s + remaining * monthDays, s, 1);
            months = back + 1;
            break;
          }
          whole += monthDays;
          remaining -= s;
        }
        if (result === null) {
          result = exactRatio(whole, 1n, 1);
          months = 24;
        }
        const periodSales = sales(k.le, k.currency, FROM, TO);
        return {
          legalEntity: { id: k.le },
          currency: k.currency,
          receivables: money(k.ar, k.currency),
          periodSales: money(periodSales, k.currency),
          simpleDso: periodSales > 0 && k.ar >= 0 ? exactRatio(BigInt(k.ar) * 31n, BigInt(periodSales), 1) : null,
          countbackDso: result,
          monthsCounted: months,
        };
      });
      const data =
        await ask(`{ dso(period: { month: "${MONTH}" }) { legalEntity { id } currency receivables { amount currency } periodSales { amount currency }
        simpleDso countbackDso monthsCounted } }`);
      expect(data.dso).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
      // Receivables, two sales aggregates and one statement for every row's legal entity.
      expect(counts.erp).toBe(4);
    });

    it('invoice cycle time from cut-off to posting', async () => {
      const invoices = await erp
        .selectFrom('invoices')
        .selectAll()
        .where('kind', '=', 'INVOICE')
        .where('status', 'in', ['POSTED', 'PARTIALLY_PAID', 'PAID', 'CREDITED', 'WRITTEN_OFF'])
        .where('source_billing_draft_id', 'is not', null)
        .where('invoice_date', '>=', FROM)
        .where('invoice_date', '<=', TO)
        .execute();
      const drafts = new Map(
        (await psa.selectFrom('billing_drafts').select(['id', 'cutoff_date']).execute()).map((d) => [d.id, d.cutoff_date]),
      );
      const perEntity = new Map<string, { d: number[]; none: number }>();
      for (const i of invoices) {
        const g = perEntity.get(i.legal_entity_id) ?? { d: [], none: 0 };
        const cutoff = drafts.get(i.source_billing_draft_id ?? '');
        if (cutoff === undefined) g.none += 1;
        else g.d.push(days(i.invoice_date) - days(cutoff));
        perEntity.set(i.legal_entity_id, g);
      }
      const expected = byKey([...perEntity], ([le]) => le).map(([le, g]) => {
        const s = [...g.d].sort((a, b) => a - b);
        const mid = s.length % 2 ? BigInt(s[(s.length - 1) / 2] ?? 0) * 2n : BigInt((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0));
        return {
          legalEntity: { id: le },
          invoiceCount: s.length,
          invoicesWithoutCutoff: g.none,
          averageDays: s.length ? exactRatio(BigInt(s.reduce((a, b) => a + b, 0)), BigInt(s.length), 2) : null,
          medianDays: s.length ? exactRatio(mid, 2n, 1) : null,
          maxDays: s.length ? s[s.length - 1] : null,
        };
      });
      const data = await ask(
        `{ invoiceCycleTime(period: { month: "${MONTH}" }) { legalEntity { id } invoiceCount invoicesWithoutCutoff averageDays medianDays maxDays } }`,
      );
      expect(data.invoiceCycleTime).toEqual(expected);
      expect(invoices.length).toBeGreaterThan(0);
    });

    it('weighted pipeline per currency and stage', async () => {
      const open = (await crm.selectFrom('opportunities').selectAll().execute()).filter(
        (o) => !['CLOSED_WON', 'CLOSED_LOST'].includes(o.stage),
      );
      const groups = new Map<string, { stage: string; currency: string; n: number; a: number; w: bigint }>();
      for (const o of open) {
        const key = `${o.currency}|${o.stage}`;
        const g = groups.get(key) ?? { stage: o.stage, currency: o.currency, n: 0, a: 0, w: 0n };
        groups.set(key, { ...g, n: g.n + 1, a: g.a + num(o.amount_e4), w: g.w + big(o.amount_e4) * BigInt(o.probability) });
      }
      const data = await ask(
        `{ weightedPipeline(byStage: true) { stage currency opportunityCount amount { amount currency } weightedAmount { amount currency } } }`,
      );
      expect(data.weightedPipeline).toEqual(
        byKey([...groups.values()], (g) => `${g.currency}|${g.stage}`).map((g) => ({
          stage: g.stage,
          currency: g.currency,
          opportunityCount: g.n,
          amount: money(g.a, g.currency),
          weightedAmount: money(half(g.w), g.currency),
        })),
      );
      expect(counts).toEqual({ crm: 1, psa: 0, erp: 0, integration: 0 });
    });

    it('refuses firm-wide metrics to partners and to callers without metrics:read', async () => {
      const partner = await gateway.token({
        sub: 'partner',
        scope: 'psa:read erp:read metrics:read',
        legal_entities: '*',
        partner_accounts: ['acc_00020'],
      });
      const noScope = await gateway.token({ sub: 'pm', scope: 'psa:read erp:read', legal_entities: '*' });
      for (const bearer of [partner, noScope]) {
        const body = await gateway.query(`{ utilization(period: { month: "${MONTH}" }) { billableHours } }`, {}, bearer);
        expect(body.data).toEqual({ utilization: null });
        expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      }
    });

    it('refuses a malformed period with BAD_USER_INPUT', async () => {
      const body = await gateway.query(`{ dso(period: { month: "2026-13" }) { currency } }`, {}, token);
      expect(body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['BAD_USER_INPUT', 'period.month must be YYYY-MM; got "2026-13".'],
      ]);
    });
  });
}
