/**
 * Billing through the gateway: a billing draft claims a project's approved time and milestones
 * ready to bill up to a cut-off (each source once: INV-2), within the contract's not-to-exceed
 * amount, for an active contract and a customer not on credit hold; then the ERP's system step
 * marks it invoiced and its sources billed. Also the draft as the ERP reads it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_PRINCIPAL_HEADER, signInternalPrincipal } from '../../../auth/internalPrincipal.ts';
import { principalFromClaims, type PrincipalClaims } from '../../../auth/principal.ts';
import { systemPrincipal } from '../../../systems/kernel/capability/peers.ts';
import type { SubgraphServer } from '../../../systems/kernel/subgraphServer.ts';
import { money } from '../../../systems/kernel/decimal.ts';
import { callSubgraph, startAuthTessera, type AuthTestTessera, type SubgraphAnswer } from '../../harness/authTessera.ts';
import { newKey } from '../../harness/capabilities.ts';
import { FULL_ACCESS } from '../../harness/startTestTessera.ts';
import {
  COMPLETE_MILESTONE,
  DEFAULT_SUB,
  GENERATE_DRAFT,
  MILESTONE_FIELDS,
  UK_ONLY,
  accepted,
  amountOf,
  approve,
  auditOf,
  call,
  draftSeededWork,
  envelope,
  eventsOfRequest,
  generate,
  pick,
  psaDb,
  readDraft,
  readTimecard,
  refused,
  requestIdOf,
  seededProjects,
  snapshot,
  staffedProject,
  startPsaSubgraph,
  submit,
  succeeded,
  type Assignment,
  type BillingDraft,
  type Milestone,
  type Project,
  type SeededProject,
  type Timecard,
  type UserError,
} from './psaKit.ts';

let tessera: AuthTestTessera;
let psa: SubgraphServer;
let projects: SeededProject[];
let project: Project;
let assignment: Assignment;

beforeAll(async () => {
  tessera = await startAuthTessera({ scale: 's' });
  psa = await startPsaSubgraph(tessera);
  projects = await seededProjects(tessera);
  ({ project, assignment } = await staffedProject(tessera, { from: '2027-03-01', to: '2027-04-30', hours: '300' }));
});
afterAll(async () => {
  await psa?.stop();
  await tessera?.stop();
});

/** An approved week: `entries` (date, hours) billable at the assignment's 170.00. */
async function approvedWeek(monday: string, entries: { date: string; hours: string; billable?: boolean }[]): Promise<Timecard> {
  return approve(tessera, await submit(tessera, assignment.id, monday, entries));
}

const RATE = { amount: '170.00', currency: 'USD' };
const timeItem = (entryDate: string, hours: string) => ({
  sourceType: 'TIME_SPLIT',
  description: `${entryDate} Consultant`,
  quantity: hours,
  unitPrice: RATE,
  amount: amountOf(hours, '170.00'),
});

describe('generateBillingDraft', () => {
  it('claims approved billable time up to the cut-off in one IN_REVIEW draft; later time stays ready to bill', async () => {
    const first = await approvedWeek('2027-03-01', [
      { date: '2027-03-01', hours: '8' },
      { date: '2027-03-02', hours: '7.25' },
      { date: '2027-03-03', hours: '1', billable: false },
    ]);
    const second = await approvedWeek('2027-03-08', [
      { date: '2027-03-08', hours: '6.5' },
      { date: '2027-03-09', hours: '8' },
    ]);
    const key = newKey();
    const result = await call(tessera, GENERATE_DRAFT, { idempotencyKey: key, projectId: project.id, cutoffDate: '2027-03-08' });
    const draft = accepted<BillingDraft>(result, 'billingDraft');
    expect(draft.id).toMatch(/^bd_[0-9a-f]{20}$/);
    const items = [timeItem('2027-03-01', '8.00'), timeItem('2027-03-02', '7.25'), timeItem('2027-03-08', '6.50')];
    const entryIds = await psaDb(tessera)
      .selectFrom('time_entries')
      .select(['id', 'entry_date'])
      .where('timecard_id', 'in', [first.id, second.id])
      .where('hour_class', '=', 'BILLABLE')
      .orderBy('entry_date')
      .execute();
    const expected: BillingDraft = {
      id: draft.id,
      project: { id: project.id },
      contract: project.contract,
      legalEntity: { id: 'le_US01' },
      customer: project.customer!,
      cutoffDate: '2027-03-08',
      status: 'IN_REVIEW',
      // 1360.00 + 1232.50 + 1105.00
      summaryAmount: { amount: '3697.50', currency: 'USD' },
      items: items.map((item, index) => ({ ...item, sourceId: entryIds[index]!.id })),
      invoice: null,
      invoiceNumber: null,
      aggregateVersion: 1,
    };
    expect(envelope(result)).toEqual(succeeded('generateBillingDraft', { billingDraft: expected }));
    expect(await readDraft(tessera, draft.id)).toEqual(expected);
    expect((await readTimecard(tessera, first.id)).entries.map((e) => e.billingStatus)).toEqual(['ON_DRAFT', 'ON_DRAFT', 'NOT_BILLABLE']);
    expect((await readTimecard(tessera, second.id)).entries.map((e) => e.billingStatus)).toEqual(['ON_DRAFT', 'READY_TO_BILL']);
    const requestId = requestIdOf(result);
    expect(await eventsOfRequest(tessera, requestId)).toEqual([
      {
        type: 'BillingDraftGenerated',
        aggregateType: 'BillingDraft',
        aggregateId: draft.id,
        aggregateVersion: 1,
        correlationId: requestId,
        legalEntityId: 'le_US01',
        payload: {
          billingDraftId: draft.id,
          projectId: project.id,
          contractId: project.contract!.id,
          customerId: project.customer!.id,
          status: 'IN_REVIEW',
          cutoffDate: '2027-03-08',
          summaryAmount: { amount: '3697.50', currency: 'USD' },
          timeEntryCount: 3,
          expenseCount: 0,
          milestoneCount: 0,
        },
      },
    ]);
    expect(await auditOf(tessera, key)).toEqual([
      { outcome: 'SUCCEEDED', capability: 'psa.generateBillingDraft', version: 1, principalSub: DEFAULT_SUB, requestId, errorCode: null },
    ]);

    // The same key replays the draft; nothing is claimed twice.
    const replay = await call(tessera, GENERATE_DRAFT, { idempotencyKey: key, projectId: project.id, cutoffDate: '2027-03-08' });
    expect(envelope(replay)).toEqual(succeeded('generateBillingDraft', { billingDraft: expected }, { replayed: true }));
    // What was left is billed next time, and only that.
    const next = await generate(tessera, project.id, '2027-03-31');
    expect(next.items).toEqual([{ ...timeItem('2027-03-09', '8.00'), sourceId: await entryId(second.id, '2027-03-09') }]);
    expect(next.summaryAmount).toEqual({ amount: '1360.00', currency: 'USD' });
  });

  it('bills a completed milestone of a milestone project as one item at its amount', async () => {
    const milestoneProject = pick(
      projects,
      'ACTIVE MILESTONE project of US01',
      (p) => p.status === 'ACTIVE' && p.billingMethod === 'MILESTONE' && p.legalEntity.id === 'le_US01',
    );
    const body = await tessera.query(`query ($id: ID!) { project(id: $id) { milestones { ${MILESTONE_FIELDS} } } }`, {
      id: milestoneProject.id,
    });
    const milestone = pick(
      (body.data as { project: { milestones: Milestone[] } }).project.milestones,
      'open milestone without sign-off',
      (m) => !m.requiresCustomerSignOff && m.status === 'PLANNED',
    );
    await draftSeededWork(tessera, milestoneProject.id, '2026-11-30');
    accepted(
      await call(tessera, COMPLETE_MILESTONE, {
        idempotencyKey: newKey(),
        milestoneId: milestone.id,
        expectedVersion: 1,
        actualDate: '2026-11-16',
      }),
      'milestone',
    );
    const draft = await generate(tessera, milestoneProject.id, '2026-11-30');
    expect(draft).toMatchObject({
      status: 'IN_REVIEW',
      summaryAmount: milestone.amount,
      items: [
        {
          sourceType: 'MILESTONE',
          sourceId: milestone.id,
          description: milestone.name,
          quantity: '1.00',
          unitPrice: milestone.amount,
          amount: milestone.amount,
        },
      ],
    });
    const after = await tessera.query(`query ($id: ID!) { project(id: $id) { milestones { id billingStatus } } }`, {
      id: milestoneProject.id,
    });
    expect(
      (after.data as { project: { milestones: { id: string; billingStatus: string }[] } }).project.milestones.find(
        (m) => m.id === milestone.id,
      ),
    ).toEqual({ id: milestone.id, billingStatus: 'ON_DRAFT' });
  });

  it('claims each source once when two runs race for the same project: one draft, the other NOTHING_TO_BILL', async () => {
    await approvedWeek('2027-03-15', [
      { date: '2027-03-15', hours: '8' },
      { date: '2027-03-16', hours: '8' },
    ]);
    const input = () => ({ idempotencyKey: newKey(), projectId: project.id, cutoffDate: '2027-03-19' });
    const results = await Promise.all([call(tessera, GENERATE_DRAFT, input()), call(tessera, GENERATE_DRAFT, input())]);
    const codes = results.map((result) => (result.payload?.billingDraft ? 'DRAFT' : result.payload?.userErrors[0]?.code)).sort();
    expect(codes).toEqual(['DRAFT', 'NOTHING_TO_BILL']);
    const claims = await psaDb(tessera)
      .selectFrom('billing_draft_items')
      .select(['source_id'])
      .where('source_type', '=', 'TIME_SPLIT')
      .execute();
    expect(new Set(claims.map((row) => row.source_id)).size).toBe(claims.length);
  });

  it('refuses a draft that claims a source another draft holds (SOURCE_ALREADY_BILLED): the whole draft is rolled back', async () => {
    const week = await approvedWeek('2027-03-22', [
      { date: '2027-03-22', hours: '8' },
      { date: '2027-03-23', hours: '4' },
    ]);
    const db = psaDb(tessera);
    const held = await entryId(week.id, '2027-03-23');
    // A concurrent run that inserted its claim but has not moved the entry yet.
    await db
      .insertInto('billing_drafts')
      .values({
        id: 'bd_concurrent',
        project_id: project.id,
        contract_id: project.contract!.id,
        legal_entity_id: 'le_US01',
        account_id: project.customer!.id,
        cutoff_date: '2027-03-23',
        status: 'GENERATED',
        summary_e4: 0,
        currency: 'USD',
        invoice_id: null,
        invoice_number: null,
        aggregate_version: 1,
      })
      .execute();
    await db
      .insertInto('billing_draft_items')
      .values({
        id: 'bdi_concurrent',
        draft_id: 'bd_concurrent',
        source_type: 'TIME_SPLIT',
        source_id: held,
        description: 'held',
        quantity_e2: 0,
        unit_price_e4: 0,
        amount_e4: 0,
        tax_treatment: 'STANDARD',
      })
      .execute();
    try {
      const before = await snapshot(tessera);
      expect(
        envelope(await call(tessera, GENERATE_DRAFT, { idempotencyKey: newKey(), projectId: project.id, cutoffDate: '2027-03-26' })),
      ).toEqual(
        refused('generateBillingDraft', {
          code: 'SOURCE_ALREADY_BILLED',
          message: 'A source of this draft was claimed by another draft meanwhile; nothing was drafted.',
          field: 'projectId',
        }),
      );
      expect(await snapshot(tessera)).toEqual(before);
    } finally {
      await db.deleteFrom('billing_draft_items').where('id', '=', 'bdi_concurrent').execute();
      await db.deleteFrom('billing_drafts').where('id', '=', 'bd_concurrent').execute();
    }
    expect((await generate(tessera, project.id, '2027-03-26')).summaryAmount).toEqual({ amount: '2040.00', currency: 'USD' });
  });

  it("refuses to bill beyond the T&M line's not-to-exceed amount: billed to date (drafts not discarded) + this draft", async () => {
    await approvedWeek('2027-03-29', [{ date: '2027-03-29', hours: '2' }]);
    const db = psaDb(tessera);
    const contractId = project.contract!.id;
    // What the contract's drafts that are not discarded billed on its T&M line: its time (expenses
    // bill on the EXPENSES line the demo data may have given the contract, docs/demo-data.md#expenses).
    const lines = await db.selectFrom('contract_lines').select(['id', 'billing_method']).where('contract_id', '=', contractId).execute();
    const tmLine = lines.find((line) => line.billing_method === 'TIME_AND_MATERIALS')!;
    const onExpensesLine = lines.some((line) => line.billing_method === 'EXPENSES');
    const billed = await db
      .selectFrom('billing_draft_items')
      .innerJoin('billing_drafts', 'billing_drafts.id', 'billing_draft_items.draft_id')
      .select(['billing_draft_items.amount_e4', 'billing_draft_items.source_type'])
      .where('billing_drafts.contract_id', '=', contractId)
      .where('billing_drafts.status', '!=', 'DISCARDED')
      .execute();
    const billedE4 = billed.filter((row) => row.source_type !== 'EXPENSE' || !onExpensesLine).reduce((sum, row) => sum + row.amount_e4, 0);
    const capE4 = billedE4 + 340_0000; // exactly this draft (2 h × 170.00) fits
    const ofLine = lines.length > 1 ? ` of the TIME_AND_MATERIALS line ${tmLine.id}.` : '.';
    const capLine = (nte: number | null) => db.updateTable('contract_lines').set({ nte_e4: nte }).where('id', '=', tmLine.id).execute();
    await capLine(capE4 - 100);
    try {
      const before = await snapshot(tessera);
      const usd = (e4: number) => money(e4, 'USD').amount;
      expect(
        envelope(await call(tessera, GENERATE_DRAFT, { idempotencyKey: newKey(), projectId: project.id, cutoffDate: '2027-04-02' })),
      ).toEqual(
        refused('generateBillingDraft', {
          code: 'NTE_EXCEEDED',
          field: 'projectId',
          message: `Billed to date ${usd(billedE4)} plus this draft 340.00 exceeds the not-to-exceed amount ${usd(capE4 - 100)} USD${ofLine}`,
        }),
      );
      expect(await snapshot(tessera)).toEqual(before);
      await capLine(capE4);
      expect((await generate(tessera, project.id, '2027-04-02')).summaryAmount).toEqual({ amount: '340.00', currency: 'USD' });
    } finally {
      await capLine(null);
    }
  });

  describe('refuses, writing nothing', () => {
    const input = (projectId: string, cutoffDate = '2026-11-30') => ({ idempotencyKey: newKey(), projectId, cutoffDate });
    /** A project row written straight into the PSA, for states no capability of this issue produces. */
    async function fixture(overrides: Record<string, unknown>): Promise<string> {
      const id = `prj_fx_${newKey().slice(0, 8)}`;
      await psaDb(tessera)
        .insertInto('projects')
        .values({
          id,
          code: `FX-${id.slice(7)}`,
          name: 'Fixture',
          status: 'ACTIVE',
          type: 'CUSTOMER_BILLABLE',
          billing_method: 'TIME_AND_MATERIALS',
          account_id: project.customer!.id,
          contract_id: project.contract!.id,
          legal_entity_id: 'le_US01',
          start_date: '2027-01-04',
          end_date: '2027-05-31',
          currency: 'USD',
          project_manager_id: null,
          budget_hours_e2: null,
          planned_revenue_e4: null,
          aggregate_version: 1,
          ...overrides,
        })
        .execute();
      return id;
    }
    const seeded = (what: string, predicate: (p: SeededProject) => boolean) => pick(projects, what, predicate);
    type Case = [string, () => Promise<{ input: Record<string, unknown>; error: UserError; claims?: PrincipalClaims }>];
    const cases: Case[] = [
      [
        'an unknown project',
        async () => ({
          input: input('prj_nope'),
          error: { code: 'NOT_FOUND', message: 'Project "prj_nope" was not found.', field: 'projectId' },
        }),
      ],
      [
        'a project the caller cannot see',
        async () => ({
          input: input(project.id),
          error: { code: 'NOT_FOUND', message: `Project "${project.id}" was not found.`, field: 'projectId' },
          claims: UK_ONLY,
        }),
      ],
      [
        'a PLANNED project',
        async () => {
          const planned = seeded('PLANNED project', (p) => p.status === 'PLANNED');
          return {
            input: input(planned.id),
            error: {
              code: 'PRECONDITION_FAILED',
              message: `Project ${planned.id} is PLANNED: only an ACTIVE or CLOSING project is billed.`,
              field: 'projectId',
            },
          };
        },
      ],
      [
        'an internal project',
        async () => {
          const internal = seeded('ACTIVE internal project', (p) => p.status === 'ACTIVE' && p.type === 'INTERNAL');
          return {
            input: input(internal.id),
            error: { code: 'PRECONDITION_FAILED', message: `Project ${internal.id} has no customer contract to bill.`, field: 'projectId' },
          };
        },
      ],
      [
        'a contract that is not ACTIVE',
        async () => {
          const signed = seeded('project of a SIGNED contract', (p) => p.contract?.status === 'SIGNED');
          const id = await fixture({ contract_id: signed.contract!.id, account_id: signed.customer!.id });
          return {
            input: input(id),
            error: {
              code: 'CONTRACT_NOT_ACTIVE',
              message: `Contract ${signed.contract!.id} is SIGNED, not ACTIVE: nothing is billed on it.`,
              field: 'projectId',
            },
          };
        },
      ],
      [
        'a customer without a billing profile in the legal entity',
        async () => {
          const id = await fixture({ account_id: 'acc_unknown' });
          return {
            input: input(id),
            error: {
              code: 'CUSTOMER_NOT_ENABLED_IN_LEGAL_ENTITY',
              message: 'Customer acc_unknown has no billing profile in le_US01.',
              field: 'projectId',
            },
          };
        },
      ],
      [
        'a customer on credit hold',
        async () => {
          const held = seeded(
            'ACTIVE project of a customer on credit hold',
            (p) =>
              p.status === 'ACTIVE' &&
              p.legalEntity.id === 'le_UK01' &&
              p.type === 'CUSTOMER_BILLABLE' &&
              p.customer?.id === seeded('ON_HOLD project', (q) => q.status === 'ON_HOLD').customer?.id,
          );
          return {
            input: input(held.id),
            error: {
              code: 'CUSTOMER_ON_CREDIT_HOLD',
              message: `Customer ${held.customer!.id} is on credit hold in le_UK01: billing is blocked.`,
              field: 'projectId',
            },
          };
        },
      ],
      [
        'nothing ready up to the cut-off',
        async () => ({
          input: input(project.id, '2027-02-28'),
          error: {
            code: 'NOTHING_TO_BILL',
            message: `Project ${project.id} has nothing ready to bill up to 2027-02-28.`,
            field: 'cutoffDate',
          },
        }),
      ],
    ];

    it.each(cases)('%s', async (_, build) => {
      const { input: values, error, claims } = await build();
      const before = await snapshot(tessera);
      expect(envelope(await call(tessera, GENERATE_DRAFT, values, claims ? { claims } : {}))).toEqual(
        refused('generateBillingDraft', error),
      );
      expect(await snapshot(tessera)).toEqual(before);
    });
  });
});

async function entryId(timecardId: string, date: string): Promise<string> {
  const row = await psaDb(tessera)
    .selectFrom('time_entries')
    .select('id')
    .where('timecard_id', '=', timecardId)
    .where('entry_date', '=', date)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const RECORD_INVOICED = `mutation ($input: RecordBillingDraftInvoicedInput!) { recordBillingDraftInvoiced(input: $input) {
  billingDraft { id status invoice { id } invoiceNumber aggregateVersion } userErrors { code message field } warnings { code message field } replayed
} }`;

/** Calls the PSA subgraph the way a peer system does: signed as `system:erp`, or as `claims`. */
function asSystem(body: { query: string; variables?: Record<string, unknown> }, claims?: PrincipalClaims): Promise<SubgraphAnswer> {
  const principal = claims ? principalFromClaims(claims) : systemPrincipal('erp');
  return callSubgraph(psa, body, {
    [INTERNAL_PRINCIPAL_HEADER]: signInternalPrincipal(principal, tessera.internalSecret, { requestId: `step-${newKey()}` }),
  });
}

describe("recordBillingDraftInvoiced (system step of ERP's releaseInvoice)", () => {
  let draft: BillingDraft;
  beforeAll(async () => {
    await approvedWeek('2027-04-05', [
      { date: '2027-04-05', hours: '8' },
      { date: '2027-04-06', hours: '3' },
    ]);
    draft = await generate(tessera, project.id, '2027-04-09');
  });

  it("is not in the gateway's schema (GRAPHQL_VALIDATION_FAILED)", async () => {
    const response = await tessera.request({
      query: RECORD_INVOICED,
      variables: { input: { billingDraftId: draft.id, invoiceId: 'inv_x', invoiceNumber: 'X' } },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors?.map((error) => error.extensions?.code)).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
  });

  it('is refused to a principal that is not a system (FORBIDDEN)', async () => {
    const before = await snapshot(tessera);
    const answer = await asSystem(
      {
        query: RECORD_INVOICED,
        variables: { input: { idempotencyKey: newKey(), billingDraftId: draft.id, invoiceId: 'inv_x', invoiceNumber: 'X' } },
      },
      FULL_ACCESS,
    );
    expect(answer).toEqual({
      status: 200,
      body: {
        data: null,
        errors: [
          {
            message: "recordBillingDraftInvoiced is a step only Tessera's systems call.",
            locations: [{ line: 1, column: 55 }],
            path: ['recordBillingDraftInvoiced'],
            extensions: { code: 'FORBIDDEN' },
          },
        ],
      },
    });
    expect(await snapshot(tessera)).toEqual(before);
  });

  it('marks the draft INVOICED and its sources BILLED; a retry with the same key replays; the same invoice again is ALREADY_IN_STATE; another is refused', async () => {
    const input = {
      idempotencyKey: `erp.releaseInvoice:${draft.id}`,
      billingDraftId: draft.id,
      invoiceId: 'inv_released_1',
      invoiceNumber: ' US01-INV-900001 ',
    };
    const invoiced = {
      id: draft.id,
      status: 'INVOICED',
      invoice: { id: 'inv_released_1' },
      invoiceNumber: 'US01-INV-900001',
      aggregateVersion: 2,
    };
    const answer = await asSystem({ query: RECORD_INVOICED, variables: { input } });
    expect(answer).toEqual({
      status: 200,
      body: { data: { recordBillingDraftInvoiced: { billingDraft: invoiced, userErrors: [], warnings: [], replayed: false } } },
    });
    const sources = await psaDb(tessera)
      .selectFrom('time_entries')
      .select('billing_status')
      .where(
        'id',
        'in',
        draft.items.map((item) => item.sourceId),
      )
      .execute();
    expect(sources.map((row) => row.billing_status)).toEqual(['BILLED', 'BILLED']);
    const events = await psaDb(tessera)
      .selectFrom('outbox_events')
      .select(['type', 'aggregate_version', 'payload_json'])
      .where('aggregate_id', '=', draft.id)
      .orderBy('aggregate_version')
      .execute();
    expect(events.map((event) => [event.type, event.aggregate_version, JSON.parse(event.payload_json)])).toEqual([
      ['BillingDraftGenerated', 1, expect.objectContaining({ billingDraftId: draft.id })],
      [
        'BillingDraftInvoiced',
        2,
        {
          billingDraftId: draft.id,
          projectId: project.id,
          invoiceId: 'inv_released_1',
          invoiceNumber: 'US01-INV-900001',
          status: 'INVOICED',
          summaryAmount: { amount: '1870.00', currency: 'USD' },
          billedTimeEntries: 2,
          billedExpenses: 0,
          billedMilestones: 0,
        },
      ],
    ]);
    expect((await auditOf(tessera, input.idempotencyKey)).map((row) => [row.outcome, row.capability, row.principalSub])).toEqual([
      ['SUCCEEDED', 'psa.recordBillingDraftInvoiced', 'system:erp'],
    ]);

    expect(await asSystem({ query: RECORD_INVOICED, variables: { input } })).toEqual({
      status: 200,
      body: { data: { recordBillingDraftInvoiced: { billingDraft: invoiced, userErrors: [], warnings: [], replayed: true } } },
    });
    expect(await asSystem({ query: RECORD_INVOICED, variables: { input: { ...input, idempotencyKey: newKey() } } })).toEqual({
      status: 200,
      body: {
        data: {
          recordBillingDraftInvoiced: {
            billingDraft: invoiced,
            userErrors: [],
            warnings: [{ code: 'ALREADY_IN_STATE', message: 'BillingDraft already is INVOICED; nothing changed.', field: null }],
            replayed: false,
          },
        },
      },
    });
    expect(
      await asSystem({ query: RECORD_INVOICED, variables: { input: { ...input, idempotencyKey: newKey(), invoiceId: 'inv_other' } } }),
    ).toEqual({
      status: 200,
      body: {
        data: {
          recordBillingDraftInvoiced: {
            billingDraft: null,
            userErrors: [
              {
                code: 'SOURCE_ALREADY_BILLED',
                message: `Billing draft ${draft.id} is already invoiced by inv_released_1.`,
                field: 'invoiceId',
              },
            ],
            warnings: [],
            replayed: false,
          },
        },
      },
    });
    expect(await readDraft(tessera, draft.id)).toMatchObject({
      status: 'INVOICED',
      invoice: { id: 'inv_released_1' },
      invoiceNumber: 'US01-INV-900001',
      aggregateVersion: 2,
    });
  });

  it('refuses an unknown draft, a discarded one and a blank invoice number', async () => {
    const other = await (async () => {
      await approvedWeek('2027-04-12', [{ date: '2027-04-12', hours: '1' }]);
      return generate(tessera, project.id, '2027-04-16');
    })();
    const step = (overrides: Record<string, unknown>) =>
      asSystem({
        query: RECORD_INVOICED,
        variables: {
          input: { idempotencyKey: newKey(), billingDraftId: other.id, invoiceId: 'inv_2', invoiceNumber: 'N-2', ...overrides },
        },
      });
    const refusal = (error: UserError) => ({
      status: 200,
      body: { data: { recordBillingDraftInvoiced: { billingDraft: null, userErrors: [error], warnings: [], replayed: false } } },
    });
    const before = await snapshot(tessera);
    expect(await step({ billingDraftId: 'bd_nope' })).toEqual(
      refusal({ code: 'NOT_FOUND', message: 'BillingDraft "bd_nope" was not found.', field: 'billingDraftId' }),
    );
    expect(await step({ invoiceNumber: '  ' })).toEqual(
      refusal({ code: 'PRECONDITION_FAILED', message: 'The invoice number is blank.', field: 'invoiceNumber' }),
    );
    expect(await snapshot(tessera)).toEqual(before);
    await psaDb(tessera).updateTable('billing_drafts').set({ status: 'DISCARDED' }).where('id', '=', other.id).execute();
    expect(await step({})).toEqual(
      refusal({
        code: 'INVALID_STATE_TRANSITION',
        message: 'BillingDraft is DISCARDED: recordBillingDraftInvoiced cannot move it to INVOICED.',
        field: null,
      }),
    );
  });

  it("answers the ERP's read of a draft (_entities) within the caller's scope", async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on BillingDraft {
      id status aggregateVersion project { id } contract { id } legalEntity { id } customer { id } cutoffDate summaryAmount { amount currency }
      items { sourceType sourceId description quantity unitPrice { amount currency } amount { amount currency } }
    } } }`;
    const variables = { representations: [{ __typename: 'BillingDraft', id: draft.id }] };
    const full = await asSystem({ query, variables }, FULL_ACCESS);
    const { invoice: _invoice, invoiceNumber: _number, ...read } = { ...draft, status: 'INVOICED', aggregateVersion: 2 };
    expect(full).toEqual({ status: 200, body: { data: { _entities: [read] } } });
    expect(await asSystem({ query, variables }, UK_ONLY)).toEqual({ status: 200, body: { data: { _entities: [null] } } });
  });
});

describe('the billing scopes', () => {
  it('generateBillingDraft without psa:write is FORBIDDEN', async () => {
    const reader: PrincipalClaims = { sub: 'reader', scope: 'crm:read psa:read erp:read', legal_entities: '*' };
    const before = await snapshot(tessera);
    const result = await call(
      tessera,
      GENERATE_DRAFT,
      { idempotencyKey: newKey(), projectId: project.id, cutoffDate: '2027-04-30' },
      { claims: reader },
    );
    expect(envelope(result)).toEqual({
      status: 200,
      body: {
        errors: [
          {
            message: 'Not authorized to read Mutation.generateBillingDraft (requires scope psa:write).',
            path: ['generateBillingDraft'],
            extensions: { code: 'FORBIDDEN', coordinate: 'Mutation.generateBillingDraft', reason: 'requires scope psa:write' },
          },
        ],
        data: null,
      },
    });
    expect(await snapshot(tessera)).toEqual(before);
  });
});
