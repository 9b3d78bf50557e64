/**
 * Batched resolution: a query over N projects costs a constant number of SQL statements per
 * subgraph, whatever N. Counted on the `m` dataset (about 220 active projects) for N = 10 and 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.ts';
import type { SystemName } from '../../systems/systems.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';

const QUERY = `query Wide($first: Int!) {
  projects(filter: { status: [ACTIVE], type: [CUSTOMER_BILLABLE] }, first: $first) {
    nodes {
      code
      customer { name industry arBalances { amount currency } contacts { lastName } }
      contract { contractNumber totalContractValue { amount currency } paymentTerms lines { billingMethod } }
      legalEntity { code functionalCurrency }
      projectManager { name primaryRole { name } }
      assignments { resource { name homeLegalEntity { code } } role { name } }
      milestones { name amount { amount currency } }
      timecards(first: 2) { weekStart entries { hours role { name } } }
      staffCount approvedHours unbilledWip { amount currency }
      invoices { invoiceNumber lines { amount { amount } } payments { amountApplied { amount } } }
      billedToDate { amount currency }
      revenueSchedules { method }
    }
  }
}`;

let gateway: TestTessera;
let counts: Record<SystemName, number> = { crm: 0, psa: 0, erp: 0, integration: 0 };

beforeAll(async () => {
  gateway = await startTestTessera({
    scale: 'm',
    // What is measured here is batching, not cost: this wide screen's estimate (about 1.26 million at
    // 200 projects, each nested list at its assumed size) is over the default budget, so cost is only measured.
    config: { demandControl: { ...loadConfig({}).demandControl, mode: 'measure' } },
    onQuery: (system) => {
      counts[system] += 1;
    },
  });
});
afterAll(() => gateway?.stop());

async function statementsFor(first: number) {
  counts = { crm: 0, psa: 0, erp: 0, integration: 0 };
  const body = await gateway.query(QUERY, { first });
  expect(body.errors).toBeUndefined();
  expect((body.data as { projects: { nodes: unknown[] } }).projects.nodes).toHaveLength(first);
  return counts;
}

describe('statement count per subgraph', () => {
  it('is the same for 10 projects as for 200', async () => {
    const ten = await statementsFor(10);
    const twoHundred = await statementsFor(200);
    expect(twoHundred).toEqual(ten);
    // A handful per subgraph: one statement per relation the query touches (a relation reached
    // twice, in two ticks of the query plan, costs two), never one per row. The plan executor sends
    // the ERP's two entity fetches of one level as one request, in one tick (docs/executor.md#batching):
    // 9 statements where @apollo/gateway's executor makes 10.
    expect(ten).toEqual({ crm: 3, psa: 12, erp: 9, integration: 0 });
  });
});
