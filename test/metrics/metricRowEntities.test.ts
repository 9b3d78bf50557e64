/**
 * A metric row's entity of the subgraph that answers the metric (the PSA's projects and resources,
 * the ERP's legal entities) is the whole record, the same as its root lookup answers, in one batched
 * statement per request whatever the number of rows; the other subgraphs' entities still resolve
 * through the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemName } from '../../systems/systems.ts';
import { startTestTessera, type GraphQLBody, type TestTessera } from '../harness/startTestTessera.ts';
import { METRICS_READER } from './metricsSuite.ts';

const MONTH = '2026-10';

let gateway: TestTessera;
let token: string;
let counts: Record<SystemName, number> = { crm: 0, psa: 0, erp: 0, integration: 0 };

beforeAll(async () => {
  gateway = await startTestTessera({
    onQuery: (system) => {
      counts[system] += 1;
    },
  });
  token = await gateway.token(METRICS_READER);
}, 240_000);
afterAll(() => gateway?.stop());

async function ask(query: string): Promise<{ body: GraphQLBody; counts: Record<SystemName, number> }> {
  counts = { crm: 0, psa: 0, erp: 0, integration: 0 };
  const body = await gateway.query(query, {}, token);
  return { body, counts };
}

/** Root fields per operation (TESSERA_LIMIT_ROOT_FIELDS). */
const ROOT_FIELDS = 20;

/** Each id's record as the root field `field(id:)` answers it, with `selection`: one alias per id, 20 to a query. */
async function lookups(field: string, ids: readonly string[], selection: string): Promise<Record<string, unknown>> {
  const records: Record<string, unknown> = {};
  for (let start = 0; start < ids.length; start += ROOT_FIELDS) {
    const chunk = ids.slice(start, start + ROOT_FIELDS);
    const { body } = await ask(`{ ${chunk.map((id, i) => `r${i}: ${field}(id: "${id}") { ${selection} }`).join(' ')} }`);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    const data = body.data as Record<string, unknown>;
    chunk.forEach((id, i) => (records[id] = data[`r${i}`]));
  }
  return records;
}

/**
 * The rows of `metric` with `entity { id }` only (the key, as every metric suite asks it) and with
 * `entity { <fields> }`: the same rows, each entity the record `lookup(id:)` answers; the full
 * envelope is compared, so no error is tolerated.
 */
async function rowsWithEntities(metric: (entity: string) => string, entity: string, lookup: string, fields: string) {
  const keys = await ask(`{ rows: ${metric('id')} }`);
  expect(keys.body.errors, JSON.stringify(keys.body.errors)).toBeUndefined();
  const keyRows = (keys.body.data as { rows: Record<string, unknown>[] }).rows;
  const ids = [...new Set(keyRows.map((row) => (row[entity] as { id: string }).id))];
  const records = await lookups(lookup, ids, fields);
  expect(ids.filter((id) => (records[id] as { id: string } | null)?.id !== id)).toEqual([]);
  const full = await ask(`{ rows: ${metric(fields)} }`);
  expect(full.body).toEqual({
    data: { rows: keyRows.map((row) => ({ ...row, [entity]: records[(row[entity] as { id: string }).id] })) },
  });
  return { rows: keyRows, records, counts: full.counts };
}

describe('metric rows resolve the entities of their own subgraph', () => {
  it('realization by project: each project is the record project(id:) answers', async () => {
    const {
      rows,
      records,
      counts: statements,
    } = await rowsWithEntities(
      (project) =>
        `realization(period: { month: "${MONTH}" }, groupBy: PROJECT) { project { ${project} } currency billableHours creditedHours billedValue { amount currency } }`,
      'project',
      'project',
      'id code name status',
    );
    expect(rows.length).toBeGreaterThan(1);
    const first = records[(rows[0]?.project as { id: string }).id] as { id: string; code: string; name: string; status: string };
    expect(first.code).toMatch(/\S/);
    expect(first.name).toMatch(/\S/);
    // The standard rate cards (ERP); the aggregate and one statement for every row's project (PSA).
    expect(statements).toEqual({ crm: 0, psa: 2, erp: 3, integration: 0 });
  });

  it('utilization by resource: each resource is the record resource(id:) answers', async () => {
    const { rows, counts: statements } = await rowsWithEntities(
      (resource) =>
        `utilization(period: { month: "${MONTH}" }, groupBy: [RESOURCE]) { resource { ${resource} } resourceCount billableHours billableUtilization }`,
      'resource',
      'resource',
      'id name status isBookable',
    );
    expect(rows.length).toBeGreaterThan(10);
    // Hours and population, and one statement for every row's resource.
    expect(statements).toEqual({ crm: 0, psa: 3, erp: 0, integration: 0 });
  });

  it('a grouping without the entity gives null there, and no error', async () => {
    const { body } = await ask(`{
      realization(period: { month: "${MONTH}" }, groupBy: LEGAL_ENTITY) { project { id code } legalEntity { id } currency }
      utilization(period: { month: "${MONTH}" }, groupBy: [PRACTICE, MONTH]) { resource { id name } practice month }
      margin(groupBy: PORTFOLIO) { project { id } legalEntity { id name } currency }
    }`);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    const data = body.data as Record<string, { project?: unknown; resource?: unknown; legalEntity?: unknown }[]>;
    expect(data.realization?.length).toBeGreaterThan(1);
    expect(data.realization?.filter((row) => row.project !== null || row.legalEntity === null)).toEqual([]);
    expect(data.utilization?.length).toBeGreaterThan(1);
    expect(data.utilization?.filter((row) => row.resource !== null)).toEqual([]);
    expect(data.margin?.length).toBeGreaterThan(0);
    expect(data.margin?.filter((row) => row.project !== null || row.legalEntity !== null)).toEqual([]);
  });

  it("utilization by legal entity: the ERP's legal entities, resolved through the gateway", async () => {
    const { rows } = await rowsWithEntities(
      (entity) =>
        `utilization(period: { month: "${MONTH}" }, groupBy: [LEGAL_ENTITY]) { legalEntity { ${entity} } resourceCount capacityHours }`,
      'legalEntity',
      'legalEntity',
      'id code name',
    );
    expect(rows.length).toBeGreaterThan(1);
  });

  it("the ERP's metric rows: each legal entity is the record legalEntity(id:) answers", async () => {
    const metrics = [
      (e: string) => `dso(period: { month: "${MONTH}" }) { legalEntity { ${e} } currency countbackDso }`,
      (e: string) => `invoiceCycleTime(period: { month: "${MONTH}" }) { legalEntity { ${e} } invoiceCount averageDays }`,
      (e: string) => `backlog(groupBy: LEGAL_ENTITY) { legalEntity { ${e} } currency backlog { amount } }`,
      (e: string) => `margin(groupBy: LEGAL_ENTITY) { legalEntity { ${e} } currency margin { amount } }`,
    ];
    for (const metric of metrics) {
      const { rows } = await rowsWithEntities(metric, 'legalEntity', 'legalEntity', 'id code name functionalCurrency');
      expect(rows.length).toBeGreaterThan(1);
    }
  });

  it('the statements of a metric do not grow with its rows', async () => {
    const realization = (filter: string) =>
      `{ realization(period: { month: "${MONTH}" }, groupBy: PROJECT${filter}) { project { id code name status } billableHours } }`;
    const utilization = (filter: string) =>
      `{ utilization(period: { month: "${MONTH}" }, groupBy: [RESOURCE]${filter}) { resource { id name } billableUtilization } }`;
    const dso = (filter: string) => `{ dso(period: { month: "${MONTH}" }${filter}) { legalEntity { id code name } currency } }`;
    const { body: entities } = await ask(`{ legalEntities { id } }`);
    const legalEntityId = (entities.data as { legalEntities: { id: string }[] }).legalEntities[0]?.id ?? '';
    for (const query of [realization, utilization, dso]) {
      const all = await ask(query(''));
      const one = await ask(query(`, legalEntityId: "${legalEntityId}"`));
      expect(all.body.errors, JSON.stringify(all.body.errors)).toBeUndefined();
      expect(one.body.errors, JSON.stringify(one.body.errors)).toBeUndefined();
      const size = (body: GraphQLBody) => (Object.values(body.data as Record<string, unknown[]>)[0] ?? []).length;
      expect(size(all.body)).toBeGreaterThan(size(one.body));
      expect(size(one.body)).toBeGreaterThan(0);
      expect(one.counts).toEqual(all.counts);
    }
  });
});
