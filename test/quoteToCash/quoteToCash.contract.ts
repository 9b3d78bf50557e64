/**
 * Quote to cash through the gateway, as a partner integration and the firm's people would run it:
 * a new opportunity in the UK legal entity, won, contracted, approved and signed in the CRM;
 * the project set up and staffed in the PSA; the contract activated in the ERP; a week of time
 * submitted, approved, drafted, invoiced with VAT, paid and recognized as revenue, with exact
 * amounts at every step. Each step is a capability called with its own idempotency key and a
 * token of the role that would call it. A second story corrects a project after signature
 * (docs/capabilities.md#contract-amendments, docs/capabilities.md#expenses,
 * docs/capabilities.md#creditinvoicelines, docs/capabilities.md#billing-controls): a capped
 * contract amended by a change order, expenses approved by another person and billed with their
 * markup and tax treatment, two lines of the invoice credited (one reopened, one credited), the
 * reopened source written off with approval; after each step conservation holds per project
 * (approved billable value = ready + on hold + on draft + billed + credited + written off) and the
 * PSA's billed value is the ERP's net billed to date. Run on SQLite and on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { mutate, newKey } from '../harness/capabilities.ts';
import type { TempStore } from '../harness/tempDatabase.ts';
import {
  CONTROLLER,
  DELIVERY_DIRECTOR,
  ERRORS,
  FAILURE,
  FINANCE,
  SALES_DIRECTOR,
  consultantToken,
  engagement,
  suiteOn,
  ukParties,
  type Json,
} from './contractKit.ts';

export function quoteToCashContract(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`quote to cash on ${engine}`, () => {
    const suite = suiteOn(makeStore);

    const call = (token: string, query: string, input: Json, key?: string) => suite.gateway.call(token, query, input, key);
    const read = (token: string, query: string, variables: Json = {}) => suite.gateway.read(token, query, variables);

    it('takes a new UK opportunity to an applied payment and recognized revenue, with exact amounts', async () => {
      const { tessera, gateway, tokens } = suite;
      // The customer, rate card and consultant, found in the demo data by what they are.
      const { customer, rateCard, consultants } = await ukParties(gateway, tokens.FINANCE!, { from: '2026-11-16', to: '2026-12-18' });
      const consultant = consultants[0]!;
      tokens.CONSULTANT = await consultantToken(tessera, consultant);

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

    it('corrects a second project after signature: a change order, expenses, a partial credit and a write-off, with exact amounts', async () => {
      const { tessera, gateway, tokens } = suite;
      // The same customer and rate card; a free consultant for the engagement's weeks.
      const { customer, rateCard, consultants } = await ukParties(gateway, tokens.FINANCE!, { from: '2026-11-23', to: '2026-12-18' });
      const consultant = consultants[0]!;
      const consultantKey = await consultantToken(tessera, consultant);

      // A capped T&M contract of 4,000.00 GBP: won, approved, signed, delivered by one project, in force.
      const delivered = await engagement(tessera, gateway, tokens, {
        customerId: customer.id,
        name: 'Data platform pilot',
        amount: '4000.00',
        estimatedHours: '32',
        startDate: '2026-11-23',
        endDate: '2027-01-29',
        envelope: 'q2c-2',
        rateCardId: rateCard.id,
        consultantId: consultant.id,
        staffedUntil: '2026-12-18',
      });
      const [contract, project, assignment] = [{ id: delivered.contractId }, delivered.project, delivered.assignment];
      const timeLineId = project.lineId;
      expect(delivered.activation).toEqual({
        contract: { status: 'ACTIVE', aggregateVersion: 5 },
        revenueSchedules: [{ allocatedAmount: { amount: '4000.00' } }],
      });
      expect(assignment.billRate).toEqual({ amount: '125.00' });

      // A week of time at 125.00: 5,000.00 approved, above the 4,000.00 cap, so the draft is refused.
      const WEEK = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27'];
      const timecard = (
        await call(
          consultantKey,
          `mutation ($input: SubmitTimecardInput!) { submitTimecard(input: $input) { timecard { id aggregateVersion entries { id date } } ${ERRORS} } }`,
          {
            assignmentId: assignment.id,
            weekStart: '2026-11-23',
            entries: WEEK.map((date) => ({ date, hours: '8', notes: 'Pilot build' })),
          },
        )
      ).timecard;
      const approvedTime = await call(
        tokens.DELIVERY!,
        `mutation ($input: ApproveTimecardInput!) { approveTimecard(input: $input) { timecard { status totalBillableAmount { amount currency } } ${ERRORS} } }`,
        { timecardId: timecard.id, expectedVersion: timecard.aggregateVersion },
      );
      expect(approvedTime.timecard).toEqual({ status: 'APPROVED', totalBillableAmount: { amount: '5000.00', currency: 'GBP' } });
      const DRAFT = `mutation ($input: GenerateBillingDraftInput!) { generateBillingDraft(input: $input) {
        billingDraft { id status aggregateVersion summaryAmount { amount currency } items { sourceType sourceId quantity unitPrice { amount } amount { amount } taxTreatment } } ${ERRORS} } }`;
      expect(await call(tokens.DELIVERY!, DRAFT, { projectId: project.id, cutoffDate: '2026-11-29' })).toEqual({
        billingDraft: null,
        userErrors: [
          {
            code: 'NTE_EXCEEDED',
            message: 'Billed to date 0.00 plus this draft 5000.00 exceeds the not-to-exceed amount 4000.00 GBP.',
            field: 'projectId',
          },
        ],
        warnings: [],
        replayed: false,
      });

      // A change order: the value to 6,000.00, the time cap to 5,500.00 and an expenses line (cap 500.00, 10 % markup).
      const amended = await call(
        tokens.SALES!,
        `mutation ($input: AmendContractInput!) { amendContract(input: $input) {
          contract { version aggregateVersion } amendment { id kind status fromVersion toVersion } ${ERRORS} } }`,
        {
          contractId: contract.id,
          expectedVersion: 5,
          kind: 'CHANGE_ORDER',
          reason: 'A longer pilot, with travel recharged',
          totalContractValue: '6000.00',
          lines: [
            { lineId: timeLineId, notToExceed: '5500.00' },
            { billingMethod: 'EXPENSES', notToExceed: '500.00', markupPercent: '10' },
          ],
        },
      );
      expect(amended).toMatchObject({
        contract: { version: 1, aggregateVersion: 6 },
        amendment: { kind: 'CHANGE_ORDER', status: 'PROPOSED', fromVersion: 1, toVersion: 2 },
        userErrors: [],
      });
      const approvedAmendment = await call(
        tokens.FINANCE!,
        `mutation ($input: ApproveContractAmendmentInput!) { approveContractAmendment(input: $input) {
          revenueSchedules { allocatedAmount { amount currency } recognizedToDate { amount } } ${ERRORS} } }`,
        { contractId: contract.id, amendmentId: amended.amendment.id, expectedVersion: 6 },
      );
      expect(approvedAmendment.userErrors).toEqual([]);
      expect(approvedAmendment.revenueSchedules).toEqual([
        { allocatedAmount: { amount: '6000.00', currency: 'GBP' }, recognizedToDate: { amount: '0.00' } },
      ]);
      const lines = (
        await read(
          tokens.FINANCE!,
          `query ($id: ID!) { contract(id: $id) { version totalContractValue { amount } lines { id billingMethod notToExceed { amount } contractVersion } } }`,
          { id: contract.id },
        )
      ).contract;
      expect(lines.version).toBe(2);
      expect(lines.totalContractValue).toEqual({ amount: '6000.00' });
      expect([...lines.lines].sort((a: Json, b: Json) => a.billingMethod.localeCompare(b.billingMethod))).toEqual([
        { id: expect.any(String), billingMethod: 'EXPENSES', notToExceed: { amount: '500.00' }, contractVersion: 2 },
        { id: timeLineId, billingMethod: 'TIME_AND_MATERIALS', notToExceed: { amount: '5500.00' }, contractVersion: 2 },
      ]);

      // Expenses: the consultant submits a hotel (recharged, marked up, taxed) and a rail fare (a disbursement at cost);
      // they may not approve their own, the project manager does.
      const EXPENSE = 'expense { id status billingStatus markupPercent billableAmount { amount currency } taxTreatment aggregateVersion }';
      const SUBMIT_EXPENSE = `mutation ($input: SubmitExpenseInput!) { submitExpense(input: $input) { ${EXPENSE} ${ERRORS} } }`;
      const APPROVE_EXPENSE = `mutation ($input: ApproveExpenseInput!) { approveExpense(input: $input) { ${EXPENSE} ${ERRORS} } }`;
      const hotel = (
        await call(consultantKey, SUBMIT_EXPENSE, {
          projectId: project.id,
          resourceId: consultant.id,
          date: '2026-11-24',
          category: 'LODGING',
          description: 'Hotel near the client, one night',
          amount: '180.00',
          currency: 'GBP',
          receiptReference: 'R-Q2C-0001',
        })
      ).expense;
      const rail = (
        await call(consultantKey, SUBMIT_EXPENSE, {
          projectId: project.id,
          resourceId: consultant.id,
          date: '2026-11-24',
          category: 'TRAVEL',
          description: 'Rail fare to the client',
          amount: '45.50',
          currency: 'GBP',
          receiptReference: 'R-Q2C-0002',
          taxTreatment: 'DISBURSEMENT',
        })
      ).expense;
      expect([hotel.status, hotel.billingStatus, rail.status, rail.billingStatus]).toEqual([
        'SUBMITTED',
        'UNAPPROVED',
        'SUBMITTED',
        'UNAPPROVED',
      ]);
      const ownApproval = await call(consultantKey, APPROVE_EXPENSE, { expenseId: hotel.id, expectedVersion: 1 });
      expect(ownApproval.userErrors.map((e: Json) => e.code)).toEqual(['SEGREGATION_OF_DUTIES']);
      expect((await call(tokens.DELIVERY!, APPROVE_EXPENSE, { expenseId: hotel.id, expectedVersion: 1 })).expense).toEqual({
        id: hotel.id,
        status: 'APPROVED',
        billingStatus: 'READY_TO_BILL',
        markupPercent: '10.00',
        billableAmount: { amount: '198.00', currency: 'GBP' },
        taxTreatment: 'STANDARD',
        aggregateVersion: 2,
      });
      expect((await call(tokens.DELIVERY!, APPROVE_EXPENSE, { expenseId: rail.id, expectedVersion: 1 })).expense).toEqual({
        id: rail.id,
        status: 'APPROVED',
        billingStatus: 'READY_TO_BILL',
        markupPercent: '0.00',
        billableAmount: { amount: '45.50', currency: 'GBP' },
        taxTreatment: 'DISBURSEMENT',
        aggregateVersion: 2,
      });

      // What each system says the project is worth, summed by billing status (PSA) and net billed (ERP).
      const picture = async () => {
        const data = await read(
          tokens.FINANCE!,
          `query ($id: ID!) { project(id: $id) { billedToDate { amount currency } billableSources { sourceType sourceId amount { amount } billingStatus } } }`,
          { id: project.id },
        );
        const byStatus: Record<string, string> = {};
        let approved = 0n;
        for (const source of data.project.billableSources) {
          const cents = BigInt(source.amount.amount.replace('.', ''));
          approved += cents;
          byStatus[source.billingStatus] = (BigInt((byStatus[source.billingStatus] ?? '0.00').replace('.', '')) + cents).toString();
        }
        const money = (cents: string | bigint) => {
          const s = cents.toString().padStart(3, '0');
          return `${s.slice(0, -2)}.${s.slice(-2)}`;
        };
        return {
          erpBilled: data.project.billedToDate.amount,
          approved: money(approved),
          byStatus: Object.fromEntries(Object.entries(byStatus).map(([status, cents]) => [status, money(cents)])),
          sources: data.project.billableSources as Json[],
        };
      };
      const strictly = (p: Json) => ({ erpBilled: p.erpBilled, approved: p.approved, byStatus: p.byStatus });
      expect(strictly(await picture())).toEqual({ erpBilled: '0.00', approved: '5243.50', byStatus: { READY_TO_BILL: '5243.50' } });

      // The draft refused before now passes: 5,000.00 of time, 198.00 and 45.50 of expenses.
      const draft = (await call(tokens.DELIVERY!, DRAFT, { projectId: project.id, cutoffDate: '2026-11-29' })).billingDraft;
      expect(draft).toMatchObject({ status: 'IN_REVIEW', summaryAmount: { amount: '5243.50', currency: 'GBP' } });
      expect(strictly(await picture())).toEqual({ erpBilled: '0.00', approved: '5243.50', byStatus: { ON_DRAFT: '5243.50' } });
      const entries = [...timecard.entries].sort((a: Json, b: Json) => a.date.localeCompare(b.date));
      const row = (item: Json) => [item.sourceType, item.quantity, item.unitPrice.amount, item.amount.amount, item.taxTreatment];
      expect(draft.items.filter((item: Json) => item.sourceType === 'TIME_SPLIT').map(row)).toEqual(
        Array(5).fill(['TIME_SPLIT', '8.00', '125.00', '1000.00', 'STANDARD']),
      );
      const expenseItem = (id: string) => row(draft.items.find((item: Json) => item.sourceId === id));
      expect(expenseItem(hotel.id)).toEqual(['EXPENSE', '1.00', '198.00', '198.00', 'STANDARD']);
      expect(expenseItem(rail.id)).toEqual(['EXPENSE', '1.00', '45.50', '45.50', 'DISBURSEMENT']);

      // Released: VAT at 20 % on the time and the recharge (5,198.00 → 1,039.60), none on the disbursement.
      const INVOICE = `id invoiceNumber status subtotal { amount currency } taxTotal { amount } total { amount } amountCredited { amount } amountDue { amount }
        lines { lineNumber description amount { amount } taxCode taxAmount { amount } } aggregateVersion`;
      const released = await mutate<Json>(
        tessera,
        `mutation ($input: ReleaseInvoiceV2Input!) { releaseInvoiceV2(input: $input) {
          ... on ReleaseInvoiceSuccess { invoice { ${INVOICE} } replayed } ${FAILURE} } }`,
        { idempotencyKey: newKey(), billingDraftId: draft.id, invoiceDate: '2026-11-30', expectedVersion: draft.aggregateVersion },
        { token: tokens.FINANCE! },
      );
      expect(released.body.errors).toBeUndefined();
      const invoice = released.payload!.invoice;
      expect(invoice).toMatchObject({
        status: 'POSTED',
        subtotal: { amount: '5243.50', currency: 'GBP' },
        taxTotal: { amount: '1039.60' },
        total: { amount: '6283.10' },
        amountCredited: { amount: '0.00' },
        amountDue: { amount: '6283.10' },
      });
      const byAmount = (amount: string, taxCode?: string) =>
        invoice.lines.filter((l: Json) => l.amount.amount === amount && (!taxCode || l.taxCode === taxCode));
      expect(invoice.lines.map((l: Json) => [l.amount.amount, l.taxAmount.amount]).sort()).toEqual(
        [...Array(5).fill(['1000.00', '200.00']), ['198.00', '39.60'], ['45.50', '0.00']].sort(),
      );
      expect(byAmount('45.50')[0].taxCode).toBe('DISBURSEMENT');

      const afterRelease = await picture();
      expect(strictly(afterRelease)).toEqual({ erpBilled: '5243.50', approved: '5243.50', byStatus: { BILLED: '5243.50' } });

      // The customer disputes the Friday and refuses the hotel: a credit memo on those two lines only,
      // the Friday reopened (billable again), the hotel credited for good.
      const friday = entries[4]!;
      const fridayLine = invoice.lines.find((l: Json) => l.description.includes('2026-11-27'));
      const hotelLine = byAmount('198.00')[0];
      expect([fridayLine?.amount.amount, hotelLine?.amount.amount]).toEqual(['1000.00', '198.00']);
      const credit = await mutate<Json>(
        tessera,
        `mutation ($input: CreditInvoiceLinesInput!) { creditInvoiceLines(input: $input) {
          ... on CreditInvoiceLinesSuccess { creditMemo { kind status subtotal { amount } taxTotal { amount } total { amount } lines { amount { amount } taxAmount { amount } } }
            invoice { status amountCredited { amount } amountDue { amount } } customerCredit { id } replayed }
          ${FAILURE} } }`,
        {
          idempotencyKey: newKey(),
          invoiceId: invoice.id,
          expectedVersion: invoice.aggregateVersion,
          lines: [
            { lineNumber: fridayLine.lineNumber, action: 'REOPEN' },
            { lineNumber: hotelLine.lineNumber, action: 'CREDIT' },
          ],
          reason: 'Friday workshop disputed; hotel not rechargeable under the pilot terms',
          creditDate: '2026-11-30',
        },
        { token: tokens.FINANCE! },
      );
      expect(credit.body.errors).toBeUndefined();
      expect(credit.payload).toMatchObject({
        creditMemo: {
          kind: 'CREDIT_MEMO',
          subtotal: { amount: '-1198.00' },
          taxTotal: { amount: '-239.60' },
          total: { amount: '-1437.60' },
        },
        invoice: { status: 'POSTED', amountCredited: { amount: '1437.60' }, amountDue: { amount: '4845.50' } },
        customerCredit: null,
        replayed: false,
      });
      const afterCredit = await picture();
      expect(strictly(afterCredit)).toEqual({
        erpBilled: '4045.50',
        approved: '5243.50',
        byStatus: { BILLED: '4045.50', READY_TO_BILL: '1000.00', CREDITED: '198.00' },
      });
      expect(afterCredit.sources.find((s: Json) => s.sourceId === hotel.id)?.billingStatus).toBe('CREDITED');

      // The reopened Friday is written off by agreement: requested by the project manager, approved by another person.
      const fridaySource = afterCredit.sources.find((s: Json) => s.billingStatus === 'READY_TO_BILL')!;
      expect(fridaySource).toMatchObject({ sourceType: 'TIME_SPLIT', amount: { amount: '1000.00' } });
      expect(friday).toEqual({ id: fridaySource.sourceId, date: '2026-11-27' });
      const WRITE_OFF = 'sourceWriteOff { id status amount { amount currency } reasonCode aggregateVersion }';
      const requested = await call(
        tokens.DELIVERY!,
        `mutation ($input: RequestSourceWriteOffInput!) { requestSourceWriteOff(input: $input) { ${WRITE_OFF} ${ERRORS} } }`,
        {
          sourceType: 'TIME_SPLIT',
          sourceId: fridaySource.sourceId,
          reasonCode: 'DISPUTE',
          reasonText: 'The customer will not pay for the Friday workshop; settled by agreement',
        },
      );
      expect(requested.sourceWriteOff).toMatchObject({
        status: 'REQUESTED',
        amount: { amount: '1000.00', currency: 'GBP' },
        reasonCode: 'DISPUTE',
      });
      const DECIDE = `mutation ($input: DecideSourceWriteOffInput!) { approveSourceWriteOff(input: $input) { ${WRITE_OFF} ${ERRORS} } }`;
      const decide = { writeOffId: requested.sourceWriteOff.id, expectedVersion: requested.sourceWriteOff.aggregateVersion };
      expect((await call(tokens.DELIVERY!, DECIDE, decide)).userErrors.map((e: Json) => e.code)).toEqual(['SEGREGATION_OF_DUTIES']);
      expect((await call(tokens.DELIVERY_DIRECTOR!, DECIDE, decide)).sourceWriteOff).toMatchObject({
        status: 'APPROVED',
        amount: { amount: '1000.00', currency: 'GBP' },
      });

      // Conservation: approved 5,243.50 = billed 4,045.50 + credited 198.00 + written off 1,000.00, nothing
      // ready, on hold or on draft; the PSA's billed value is the ERP's net billed to date.
      const final = await picture();
      expect(strictly(final)).toEqual({
        erpBilled: '4045.50',
        approved: '5243.50',
        byStatus: { BILLED: '4045.50', CREDITED: '198.00', WRITTEN_OFF: '1000.00' },
      });
      // Nothing is left to bill: a new draft finds nothing.
      const nothing = await call(tokens.DELIVERY!, DRAFT, { projectId: project.id, cutoffDate: '2026-11-29' });
      expect(nothing).toEqual({
        billingDraft: null,
        userErrors: [
          { code: 'NOTHING_TO_BILL', message: `Project ${project.id} has nothing ready to bill up to 2026-11-29.`, field: 'cutoffDate' },
        ],
        warnings: [],
        replayed: false,
      });
      const trace = await read(
        tokens.FINANCE!,
        `query ($id: ID!) { project(id: $id) { unbilledWip { amount } sourceWriteOffs { sourceType sourceId status amount { amount } reasonCode }
          billingDrafts { status summaryAmount { amount } sourceCredits { sourceType sourceId action amount { amount } } } } }`,
        { id: project.id },
      );
      // Both credits share the memo's instant: in action order.
      trace.project.billingDrafts[0].sourceCredits.sort((a: Json, b: Json) => a.action.localeCompare(b.action));
      expect(trace.project).toEqual({
        unbilledWip: { amount: '0.00' },
        sourceWriteOffs: [
          {
            sourceType: 'TIME_SPLIT',
            sourceId: fridaySource.sourceId,
            status: 'APPROVED',
            amount: { amount: '1000.00' },
            reasonCode: 'DISPUTE',
          },
        ],
        billingDrafts: [
          {
            status: 'INVOICED',
            summaryAmount: { amount: '5243.50' },
            sourceCredits: [
              { sourceType: 'EXPENSE', sourceId: hotel.id, action: 'CREDIT', amount: { amount: '198.00' } },
              { sourceType: 'TIME_SPLIT', sourceId: fridaySource.sourceId, action: 'REOPEN', amount: { amount: '1000.00' } },
            ],
          },
        ],
      });

      // The customer pays 4,845.00 of the 4,845.50 left (6,283.10 - 1,437.60); finance writes off the 0.50
      // balance, requested by one person and approved by another: the invoice ends WRITTEN_OFF.
      const payment = (
        await call(
          tokens.FINANCE!,
          `mutation ($input: RecordPaymentInput!) { recordPayment(input: $input) { payment { id } ${ERRORS} } }`,
          {
            legalEntityId: 'le_UK01',
            accountId: customer.id,
            amount: '4845.00',
            currency: 'GBP',
            receivedDate: '2026-12-16',
            method: 'WIRE',
            bankReference: `BARC-${draft.id}`,
          },
        )
      ).payment;
      const invoiceVersion = (await read(tokens.FINANCE!, `query ($id: ID!) { invoice(id: $id) { aggregateVersion } }`, { id: invoice.id }))
        .invoice.aggregateVersion;
      const SETTLED =
        'status amountPaid { amount } amountCredited { amount } amountWrittenOff { amount } amountDue { amount } aggregateVersion';
      const paid = await call(
        tokens.FINANCE!,
        `mutation ($input: ApplyPaymentInput!) { applyPayment(input: $input) { invoice { ${SETTLED} } ${ERRORS} } }`,
        { paymentId: payment.id, invoiceId: invoice.id, amount: '4845.00', expectedVersion: invoiceVersion },
      );
      expect(paid).toEqual({
        invoice: {
          status: 'PARTIALLY_PAID',
          amountPaid: { amount: '4845.00' },
          amountCredited: { amount: '1437.60' },
          amountWrittenOff: { amount: '0.00' },
          amountDue: { amount: '0.50' },
          aggregateVersion: paid.invoice.aggregateVersion,
        },
        userErrors: [],
        warnings: [],
        replayed: false,
      });
      const RECEIVABLE = `... on ReceivableWriteOffSuccess { receivableWriteOff { id status amount { amount currency } reasonCode requestedBy decidedBy writtenOffOn aggregateVersion }
        invoice { ${SETTLED} } replayed } ${FAILURE}`;
      const receivable = async (token: string, field: string, type: string, input: Json): Promise<Json> => {
        const result = await mutate<Json>(
          tessera,
          `mutation ($input: ${type}!) { ${field}(input: $input) { ${RECEIVABLE} } }`,
          { idempotencyKey: newKey(), ...input },
          { token },
        );
        expect(result.body.errors, JSON.stringify(result.body.errors)).toBeUndefined();
        return result.payload!;
      };
      const smallBalance = await receivable(tokens.FINANCE!, 'requestReceivableWriteOff', 'RequestReceivableWriteOffInput', {
        invoiceId: invoice.id,
        amount: '0.50',
        reasonCode: 'SMALL_BALANCE',
        reasonText: 'Bank charges deducted by the customer',
      });
      expect(smallBalance.receivableWriteOff).toMatchObject({
        status: 'REQUESTED',
        amount: { amount: '0.50', currency: 'GBP' },
        reasonCode: 'SMALL_BALANCE',
        requestedBy: FINANCE.sub,
        decidedBy: null,
      });
      const decision = {
        writeOffId: smallBalance.receivableWriteOff.id,
        expectedVersion: smallBalance.receivableWriteOff.aggregateVersion,
        writtenOffOn: '2026-12-16',
      };
      const ownDecision = await receivable(tokens.FINANCE!, 'approveReceivableWriteOff', 'ApproveReceivableWriteOffInput', decision);
      expect(ownDecision.errors.map((e: Json) => e.code)).toEqual(['SEGREGATION_OF_DUTIES']);
      const writtenOff = await receivable(tokens.CONTROLLER!, 'approveReceivableWriteOff', 'ApproveReceivableWriteOffInput', decision);
      expect(writtenOff).toMatchObject({
        receivableWriteOff: { status: 'APPROVED', amount: { amount: '0.50' }, decidedBy: CONTROLLER.sub, writtenOffOn: '2026-12-16' },
        invoice: {
          status: 'WRITTEN_OFF',
          amountPaid: { amount: '4845.00' },
          amountCredited: { amount: '1437.60' },
          amountWrittenOff: { amount: '0.50' },
          amountDue: { amount: '0.00' },
        },
        replayed: false,
      });

      // A receivable write-off is a loss on collection, not a credit: what was billed stays billed on both sides.
      expect(strictly(await picture())).toEqual({
        erpBilled: '4045.50',
        approved: '5243.50',
        byStatus: { BILLED: '4045.50', CREDITED: '198.00', WRITTEN_OFF: '1000.00' },
      });

      // The auditor sees who approved each write-off, each in its own system's trail.
      const decisions = await read(
        tokens.AUDITOR!,
        `{
        psa: psaAuditLog(first: 50, filter: { principal: "${DELIVERY_DIRECTOR.sub}" }) { nodes { capability outcome } }
        erp: erpAuditLog(first: 50, filter: { principal: "${CONTROLLER.sub}" }) { nodes { capability outcome } }
      }`,
      );
      expect(decisions).toEqual({
        psa: { nodes: [{ capability: 'psa.approveSourceWriteOff', outcome: 'SUCCEEDED' }] },
        erp: { nodes: [{ capability: 'erp.approveReceivableWriteOff', outcome: 'SUCCEEDED' }] },
      });
    });
  });
}
