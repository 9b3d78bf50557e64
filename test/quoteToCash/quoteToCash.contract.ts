/**
 * Quote to cash through the gateway, as a partner integration and the firm's people would run it:
 * a new opportunity in the UK legal entity, won, contracted, approved and signed in the CRM;
 * the project set up and staffed in the PSA; the contract activated in the ERP; a week of time
 * submitted, approved, drafted, invoiced with VAT, paid and recognized as revenue, with exact
 * amounts at every step. Each step is a capability called with its own idempotency key and a
 * token of the role that would call it. Run on SQLite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrincipalClaims } from '../../auth/principal.ts';
import { mutate, newKey } from '../harness/capabilities.ts';
import { startTestTessera, type TestTessera } from '../harness/startTestTessera.ts';
import type { TempStore } from '../harness/tempDatabase.ts';

const UK = ['UK01'];
const SALES: PrincipalClaims = {
  sub: 'sam.seller@tessera.example',
  scope: 'crm:read crm:write erp:read',
  legal_entities: UK,
  client_id: 'crm-app',
};
const SALES_DIRECTOR: PrincipalClaims = { sub: 'dana.director@tessera.example', scope: 'crm:read crm:write erp:read', legal_entities: UK };
const DELIVERY: PrincipalClaims = {
  sub: 'pat.pm@tessera.example',
  scope: 'crm:read psa:read psa:write psa:approve erp:read',
  legal_entities: UK,
};
const FINANCE: PrincipalClaims = {
  sub: 'fran.finance@tessera.example',
  scope: 'crm:read psa:read erp:read erp:write',
  legal_entities: UK,
  client_id: 'erp-sync',
};
const AUDITOR: PrincipalClaims = { sub: 'ada.auditor@tessera.example', scope: 'audit:read', legal_entities: UK };

const ERRORS = 'userErrors { code message field } warnings { code message field } replayed';
const FAILURE = '... on CapabilityFailure { errors { code message field } replayed }';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function quoteToCashContract(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`quote to cash on ${engine}`, () => {
    let tessera: TestTessera;
    let store: TempStore;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      store = await makeStore();
      tessera = await startTestTessera({ scale: 's', store });
      for (const [name, claims] of Object.entries({ SALES, SALES_DIRECTOR, DELIVERY, FINANCE, AUDITOR }))
        tokens[name] = await tessera.token(claims);
    });
    afterAll(async () => {
      await tessera?.stop();
      await store?.remove();
    });

    const call = async (token: string, query: string, input: Json, key = newKey()): Promise<Json> => {
      const result = await mutate<Json>(tessera, query, { idempotencyKey: key, ...input }, { token });
      expect(result.body.errors, JSON.stringify(result.body.errors)).toBeUndefined();
      expect(result.status).toBe(200);
      return result.payload!;
    };
    const read = async (token: string, query: string, variables: Json = {}): Promise<Json> => {
      const body = await tessera.query(query, variables, token);
      expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
      return body.data as Json;
    };

    it('takes a new UK opportunity to an applied payment and recognized revenue, with exact amounts', async () => {
      // The customer, rate card and consultant, found in the demo data by what they are.
      const setup = await read(
        tokens.FINANCE!,
        `{
        accounts(first: 100, filter: { type: [CUSTOMER] }) { nodes { id name billingProfiles { legalEntity { code } currency paymentTerms creditHold } } }
        rateCards { id currency legalEntity { code } }
        resources(first: 200, filter: { homeLegalEntityId: "le_UK01", roleId: "rol_02" }) {
          nodes { id email isBookable status assignments(status: [CONFIRMED, ACTIVE]) { startDate endDate scheduledHours } }
        }
      }`,
      );
      const customer = setup.accounts.nodes.find((account: Json) =>
        account.billingProfiles.some(
          (p: Json) => p.legalEntity.code === 'UK01' && p.currency === 'GBP' && p.paymentTerms === 'NET_30' && !p.creditHold,
        ),
      );
      const rateCard = setup.rateCards.find((card: Json) => card.legalEntity.code === 'UK01' && card.currency === 'GBP');
      // The bookable consultant with the fewest hours already booked in the engagement's first weeks.
      const overlapping = (resource: Json) =>
        resource.assignments
          .filter((a: Json) => a.startDate <= '2026-12-18' && a.endDate >= '2026-11-16')
          .reduce((sum: number, a: Json) => sum + Number(a.scheduledHours), 0);
      const consultant = setup.resources.nodes
        .filter((r: Json) => r.isBookable && r.status === 'ACTIVE')
        .sort((a: Json, b: Json) => overlapping(a) - overlapping(b) || a.id.localeCompare(b.id))[0];
      expect([customer?.id, rateCard?.id, consultant?.id].every(Boolean)).toBe(true);
      const CONSULTANT: PrincipalClaims = { sub: consultant.email, scope: 'psa:read psa:write psa:approve erp:read', legal_entities: UK };
      tokens.CONSULTANT = await tessera.token(CONSULTANT);

      // CRM: opportunity → won → contract → approved (by another person) → signed.
      const opportunity = (
        await call(
          tokens.SALES!,
          `mutation ($input: CreateOpportunityInput!) {
        createOpportunity(input: $input) { opportunity { id stage aggregateVersion amount { amount currency } } ${ERRORS} } }`,
          {
            accountId: customer.id,
            name: 'Data platform discovery',
            legalEntityId: 'le_UK01',
            currency: 'GBP',
            closeDate: '2026-11-30',
            lines: [
              {
                serviceOffering: 'Discovery',
                billingMethod: 'TIME_AND_MATERIALS',
                amount: '30000.00',
                estimatedHours: '240',
                startDate: '2026-11-16',
                endDate: '2027-01-29',
              },
            ],
          },
        )
      ).opportunity;
      expect(opportunity).toMatchObject({ stage: 'PROSPECTING', aggregateVersion: 1, amount: { amount: '30000.00', currency: 'GBP' } });
      const STAGE = `mutation ($input: UpdateOpportunityStageInput!) { updateOpportunityStage(input: $input) { opportunity { stage aggregateVersion } ${ERRORS} } }`;
      expect(
        (await call(tokens.SALES!, STAGE, { opportunityId: opportunity.id, expectedVersion: 1, stage: 'QUALIFIED' })).opportunity,
      ).toEqual({ stage: 'QUALIFIED', aggregateVersion: 2 });
      expect(
        (await call(tokens.SALES!, STAGE, { opportunityId: opportunity.id, expectedVersion: 2, stage: 'PROPOSAL' })).opportunity,
      ).toEqual({ stage: 'PROPOSAL', aggregateVersion: 3 });
      const won = await call(
        tokens.SALES!,
        `mutation ($input: CloseWinOpportunityInput!) { closeWinOpportunity(input: $input) { opportunity { stage probability aggregateVersion } ${ERRORS} } }`,
        { opportunityId: opportunity.id, expectedVersion: 3 },
      );
      expect(won).toEqual({
        opportunity: { stage: 'CLOSED_WON', probability: 100, aggregateVersion: 4 },
        userErrors: [],
        warnings: [],
        replayed: false,
      });

      const CONTRACT = 'contract { id status aggregateVersion billingMethod totalContractValue { amount currency } startDate endDate }';
      const contract = (
        await call(
          tokens.SALES!,
          `mutation ($input: CreateContractFromOpportunityInput!) { createContractFromOpportunity(input: $input) { ${CONTRACT} ${ERRORS} } }`,
          { opportunityId: opportunity.id },
        )
      ).contract;
      expect(contract).toMatchObject({
        status: 'DRAFT',
        aggregateVersion: 1,
        billingMethod: 'TIME_AND_MATERIALS',
        totalContractValue: { amount: '30000.00', currency: 'GBP' },
        startDate: '2026-11-16',
        endDate: '2027-01-29',
      });
      const TRANSITION = (field: string) =>
        `mutation ($input: ContractTransitionInput!) { ${field}(input: $input) { contract { status aggregateVersion } ${ERRORS} } }`;
      expect(
        (await call(tokens.SALES!, TRANSITION('submitContractForApproval'), { contractId: contract.id, expectedVersion: 1 })).contract,
      ).toEqual({ status: 'IN_APPROVAL', aggregateVersion: 2 });
      // The seller may not approve their own contract; the director may.
      expect(
        (await call(tokens.SALES!, TRANSITION('approveContract'), { contractId: contract.id, expectedVersion: 2 })).userErrors,
      ).toEqual([
        { code: 'SEGREGATION_OF_DUTIES', message: 'You submitted this contract: another person must approve it.', field: 'contractId' },
      ]);
      expect(
        (await call(tokens.SALES_DIRECTOR!, TRANSITION('approveContract'), { contractId: contract.id, expectedVersion: 2 })).contract,
      ).toEqual({ status: 'APPROVED', aggregateVersion: 3 });
      const signed = await call(
        tokens.SALES!,
        `mutation ($input: RecordContractSignatureInput!) { recordContractSignature(input: $input) { contract { status aggregateVersion customerSignatory } ${ERRORS} } }`,
        {
          contractId: contract.id,
          expectedVersion: 3,
          signedAt: new Date(Date.now() + 1000).toISOString(),
          customerSignatory: 'Morgan Client',
          documentUrl: 'https://sign.example/envelopes/q2c-1',
        },
      );
      expect(signed.contract).toEqual({ status: 'SIGNED', aggregateVersion: 4, customerSignatory: 'Morgan Client' });

      // PSA: the project, set up from the signed contract before activation (mobilization).
      const project = (
        await call(
          tokens.DELIVERY!,
          `mutation ($input: CreateProjectFromContractInput!) {
        createProjectFromContract(input: $input) { project { id status aggregateVersion legalEntity { id } currency contract { lines { billingMethod notToExceed { amount currency } rateCard { id } } } } ${ERRORS} } }`,
          { contractId: contract.id, name: 'Data platform discovery', rateCardId: rateCard.id },
        )
      ).project;
      expect(project).toMatchObject({
        status: 'PLANNED',
        aggregateVersion: 1,
        legalEntity: { id: 'le_UK01' },
        currency: 'GBP',
        contract: {
          lines: [
            { billingMethod: 'TIME_AND_MATERIALS', notToExceed: { amount: '30000.00', currency: 'GBP' }, rateCard: { id: rateCard.id } },
          ],
        },
      });

      // ERP: the contract goes into force (V2: expectedVersion required, a result union).
      const activation = await mutate<Json>(
        tessera,
        `mutation ($input: ActivateContractV2Input!) {
        activateContractV2(input: $input) {
          ... on ActivateContractSuccess { contract { status aggregateVersion } terms { paymentTerms poRequired } revenueSchedules { method allocatedAmount { amount currency } } replayed }
          ${FAILURE}
        } }`,
        { idempotencyKey: newKey(), contractId: contract.id, expectedVersion: 4 },
        { token: tokens.FINANCE! },
      );
      expect(activation.body.errors).toBeUndefined();
      expect(activation.headers.get('deprecation')).toBeNull();
      expect(activation.payload).toEqual({
        contract: { status: 'ACTIVE', aggregateVersion: 5 },
        terms: { paymentTerms: 'NET_30', poRequired: false },
        revenueSchedules: [{ method: 'AS_INVOICED', allocatedAmount: { amount: '30000.00', currency: 'GBP' } }],
        replayed: false,
      });

      // PSA: activate, request a consultant, confirm them at the rate card's rate.
      expect(
        (
          await call(
            tokens.DELIVERY!,
            `mutation ($input: ActivateProjectInput!) { activateProject(input: $input) { project { status aggregateVersion } ${ERRORS} } }`,
            { projectId: project.id, expectedVersion: 1 },
          )
        ).project,
      ).toEqual({ status: 'ACTIVE', aggregateVersion: 2 });
      const request = (
        await call(
          tokens.DELIVERY!,
          `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { resourceRequest { id status hours } ${ERRORS} } }`,
          { projectId: project.id, roleId: 'rol_02', startDate: '2026-11-16', endDate: '2026-12-18', hours: '40' },
        )
      ).resourceRequest;
      expect(request).toMatchObject({ status: 'OPEN', hours: '40.00' });
      const confirmed = await call(
        tokens.DELIVERY!,
        `mutation ($input: ConfirmAssignmentInput!) {
        confirmAssignment(input: $input) { assignment { id status billRate { amount currency } resource { id } } resourceRequest { status } ${ERRORS} } }`,
        { resourceRequestId: request.id, resourceId: consultant.id, expectedVersion: 1 },
      );
      expect(confirmed).toMatchObject({
        assignment: { status: 'CONFIRMED', billRate: { amount: '125.00', currency: 'GBP' }, resource: { id: consultant.id } },
        resourceRequest: { status: 'FILLED' },
        userErrors: [],
      });

      // A week of time: the consultant submits it, may not approve it, the project manager does.
      const timecard = (
        await call(
          tokens.CONSULTANT!,
          `mutation ($input: SubmitTimecardInput!) { submitTimecard(input: $input) { timecard { id status aggregateVersion totalHours } ${ERRORS} } }`,
          {
            assignmentId: confirmed.assignment.id,
            weekStart: '2026-11-16',
            entries: ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'].map((date) => ({
              date,
              hours: '8',
              notes: 'Discovery workshops',
            })),
          },
        )
      ).timecard;
      expect(timecard).toMatchObject({ status: 'SUBMITTED', totalHours: '40.00' });
      const APPROVE = `mutation ($input: ApproveTimecardInput!) { approveTimecard(input: $input) { timecard { status totalBillableAmount { amount currency } entries { billingStatus billRate { amount } } } ${ERRORS} } }`;
      const selfApproval = await call(tokens.CONSULTANT!, APPROVE, { timecardId: timecard.id, expectedVersion: timecard.aggregateVersion });
      expect(selfApproval.userErrors.map((e: Json) => e.code)).toEqual(['SEGREGATION_OF_DUTIES']);
      const approved = await call(tokens.DELIVERY!, APPROVE, { timecardId: timecard.id, expectedVersion: timecard.aggregateVersion });
      expect(approved.timecard.status).toBe('APPROVED');
      expect(approved.timecard.totalBillableAmount).toEqual({ amount: '5000.00', currency: 'GBP' });
      expect(approved.timecard.entries.map((e: Json) => [e.billingStatus, e.billRate.amount])).toEqual(
        Array(5).fill(['READY_TO_BILL', '125.00']),
      );

      // Billing: one draft claims the week; the invoice is released with 50 identical concurrent calls.
      const draft = (
        await call(
          tokens.DELIVERY!,
          `mutation ($input: GenerateBillingDraftInput!) {
        generateBillingDraft(input: $input) { billingDraft { id status aggregateVersion summaryAmount { amount currency } items { sourceType quantity amount { amount } } } ${ERRORS} } }`,
          { projectId: project.id, cutoffDate: '2026-11-22' },
        )
      ).billingDraft;
      expect(draft).toMatchObject({ status: 'IN_REVIEW', summaryAmount: { amount: '5000.00', currency: 'GBP' } });
      expect(draft.items.map((item: Json) => [item.sourceType, item.quantity, item.amount.amount])).toEqual(
        Array(5).fill(['TIME_SPLIT', '8.00', '1000.00']),
      );

      const releaseKey = newKey();
      const RELEASE = `mutation ($input: ReleaseInvoiceV2Input!) { releaseInvoiceV2(input: $input) {
        ... on ReleaseInvoiceSuccess { invoice { id invoiceNumber status invoiceDate dueDate subtotal { amount currency } taxTotal { amount } total { amount } amountDue { amount } } replayed }
        ${FAILURE} } }`;
      const releases = await Promise.all(
        Array.from({ length: 50 }, () =>
          mutate<Json>(
            tessera,
            RELEASE,
            { idempotencyKey: releaseKey, billingDraftId: draft.id, invoiceDate: '2026-11-30', expectedVersion: draft.aggregateVersion },
            { token: tokens.FINANCE! },
          ),
        ),
      );
      expect(releases.map((r) => r.body.errors)).toEqual(Array(50).fill(undefined));
      const answers = releases.map((r) => r.payload!);
      expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
      const invoice = answers[0]!.invoice;
      for (const answer of answers) expect(answer.invoice).toEqual(invoice);
      expect(invoice).toMatchObject({
        status: 'POSTED',
        invoiceDate: '2026-11-30',
        dueDate: '2026-12-30',
        subtotal: { amount: '5000.00', currency: 'GBP' },
        taxTotal: { amount: '1000.00' },
        total: { amount: '6000.00' },
        amountDue: { amount: '6000.00' },
      });

      // Cash: the customer pays the invoice in full.
      const payment = (
        await call(
          tokens.FINANCE!,
          `mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id status amount { amount currency } } ${ERRORS} } }`,
          {
            legalEntityId: 'le_UK01',
            accountId: customer.id,
            amount: '6000.00',
            currency: 'GBP',
            receivedDate: '2026-12-15',
            method: 'WIRE',
            bankReference: `BARC-${draft.id}`,
          },
        )
      ).payment;
      expect(payment).toMatchObject({ status: 'RECEIVED', amount: { amount: '6000.00', currency: 'GBP' } });
      const invoiceVersion = (await read(tokens.FINANCE!, `query ($id: ID!) { invoice(id: $id) { aggregateVersion } }`, { id: invoice.id }))
        .invoice.aggregateVersion;
      const applied = await call(
        tokens.FINANCE!,
        `mutation ($input: ApplyPaymentInput!) {
        applyPayment(input: $input) { invoice { status amountPaid { amount } amountDue { amount } } payment { status } ${ERRORS} } }`,
        { paymentId: payment.id, invoiceId: invoice.id, amount: '6000.00', expectedVersion: invoiceVersion },
      );
      expect(applied).toEqual({
        invoice: { status: 'PAID', amountPaid: { amount: '6000.00' }, amountDue: { amount: '0.00' } },
        payment: { status: 'APPLIED' },
        userErrors: [],
        warnings: [],
        replayed: false,
      });

      // Revenue: November's run recognizes what was invoiced (as-invoiced, capped at the allocation).
      const november = (
        await read(tokens.FINANCE!, `{ legalEntity(id: "le_UK01") { periods(status: OPEN) { id name } } }`)
      ).legalEntity.periods.find((p: Json) => p.name === '2026-11');
      const revenue = await call(
        tokens.FINANCE!,
        `mutation ($input: RecognizeRevenueForPeriodInput!) {
        recognizeRevenueForPeriod(input: $input) { lines { amount { amount currency } recognizedToDate { amount } } ${ERRORS} } }`,
        { legalEntityId: 'le_UK01', periodId: november.id },
      );
      expect(revenue.userErrors).toEqual([]);
      expect(revenue.lines).toContainEqual({ amount: { amount: '5000.00', currency: 'GBP' }, recognizedToDate: { amount: '5000.00' } });

      // The whole picture, read back across the three systems.
      const picture = await read(
        tokens.FINANCE!,
        `query ($id: ID!) { project(id: $id) {
        status billedToDate { amount currency } unbilledWip { amount }
        contract { status terms { paymentTerms } }
        invoices { invoiceNumber status total { amount } }
        billingDrafts { status invoice { id } }
      } }`,
        { id: project.id },
      );
      expect(picture.project).toEqual({
        status: 'ACTIVE',
        billedToDate: { amount: '5000.00', currency: 'GBP' },
        unbilledWip: { amount: '0.00' },
        contract: { status: 'ACTIVE', terms: { paymentTerms: 'NET_30' } },
        invoices: [{ invoiceNumber: invoice.invoiceNumber, status: 'PAID', total: { amount: '6000.00' } }],
        billingDrafts: [{ status: 'INVOICED', invoice: { id: invoice.id } }],
      });

      // The auditor sees every call, replays included, in each system's trail.
      const trail = await read(
        tokens.AUDITOR!,
        `{
        crm: crmAuditLog(first: 500, filter: { principal: "${SALES_DIRECTOR.sub}" }) { nodes { capability outcome } }
        erp: erpAuditLog(first: 500, filter: { capability: "erp.releaseInvoice" }) { totalCount nodes { outcome version } }
      }`,
      );
      expect(trail.crm.nodes).toEqual([{ capability: 'crm.approveContract', outcome: 'SUCCEEDED' }]);
      expect(trail.erp.totalCount).toBe(50);
      expect(trail.erp.nodes.filter((n: Json) => n.outcome === 'SUCCEEDED')).toEqual([{ outcome: 'SUCCEEDED', version: 2 }]);
    });
  });
}
