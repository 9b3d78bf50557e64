/**
 * Contract amendments through the gateway (docs/capabilities.md#contract-amendments): a capped T&M contract
 * whose first week of time exceeds its not-to-exceed amount (NTE_EXCEEDED); two change orders
 * proposed at once from the same version (one VERSION_CONFLICT); a third refused while one is pending
 * (AMENDMENT_PENDING); the change order approved in the ERP by finance, reaching the PSA's line
 * (the cap raised, at version 2) and the ERP's revenue schedule (reallocated exactly), the history
 * kept on the contract; the refused draft then passes; a cap lowered below what is on draft is
 * refused at approval (AMENDMENT_BELOW_BILLED). Run on SQLite and on PostgreSQL.
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

const ERRORS = 'userErrors { code message field } warnings { code message field } replayed';
const FAILURE = '... on CapabilityFailure { errors { code message field } replayed }';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function amendmentContract(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`contract amendments on ${engine}`, () => {
    let tessera: TestTessera;
    let store: TempStore;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      store = await makeStore();
      tessera = await startTestTessera({ scale: 's', store });
      for (const [name, claims] of Object.entries({ SALES, SALES_DIRECTOR, DELIVERY, FINANCE })) tokens[name] = await tessera.token(claims);
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

    it('raises a capped contract by a change order: the refused draft passes, PSA and ERP follow with exact amounts', async () => {
      const setup = await read(
        tokens.FINANCE!,
        `{
        accounts(first: 100, filter: { type: [CUSTOMER] }) { nodes { id billingProfiles { legalEntity { code } currency paymentTerms creditHold } } }
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
      const overlapping = (resource: Json) =>
        resource.assignments
          .filter((a: Json) => a.startDate <= '2026-12-18' && a.endDate >= '2026-11-16')
          .reduce((sum: number, a: Json) => sum + Number(a.scheduledHours), 0);
      const consultant = setup.resources.nodes
        .filter((r: Json) => r.isBookable && r.status === 'ACTIVE')
        .sort((a: Json, b: Json) => overlapping(a) - overlapping(b) || a.id.localeCompare(b.id))[0];
      const CONSULTANT: PrincipalClaims = { sub: consultant.email, scope: 'psa:read psa:write psa:approve erp:read', legal_entities: UK };
      tokens.CONSULTANT = await tessera.token(CONSULTANT);

      // A T&M contract of 4,000.00 GBP, approved, signed, delivered by one project, activated.
      const opportunity = (
        await call(
          tokens.SALES!,
          `mutation ($input: CreateOpportunityInput!) { createOpportunity(input: $input) { opportunity { id } ${ERRORS} } }`,
          {
            accountId: customer.id,
            name: 'Capped discovery',
            legalEntityId: 'le_UK01',
            currency: 'GBP',
            closeDate: '2026-11-30',
            lines: [
              {
                serviceOffering: 'Discovery',
                billingMethod: 'TIME_AND_MATERIALS',
                amount: '4000.00',
                estimatedHours: '32',
                startDate: '2026-11-16',
                endDate: '2027-01-29',
              },
            ],
          },
        )
      ).opportunity;
      const STAGE = `mutation ($input: UpdateOpportunityStageInput!) { updateOpportunityStage(input: $input) { opportunity { aggregateVersion } ${ERRORS} } }`;
      await call(tokens.SALES!, STAGE, { opportunityId: opportunity.id, expectedVersion: 1, stage: 'QUALIFIED' });
      await call(tokens.SALES!, STAGE, { opportunityId: opportunity.id, expectedVersion: 2, stage: 'PROPOSAL' });
      await call(
        tokens.SALES!,
        `mutation ($input: CloseWinOpportunityInput!) { closeWinOpportunity(input: $input) { opportunity { stage } ${ERRORS} } }`,
        { opportunityId: opportunity.id, expectedVersion: 3 },
      );
      const contract = (
        await call(
          tokens.SALES!,
          `mutation ($input: CreateContractFromOpportunityInput!) { createContractFromOpportunity(input: $input) { contract { id } ${ERRORS} } }`,
          { opportunityId: opportunity.id },
        )
      ).contract;
      const TRANSITION = (field: string) =>
        `mutation ($input: ContractTransitionInput!) { ${field}(input: $input) { contract { status aggregateVersion } ${ERRORS} } }`;
      await call(tokens.SALES!, TRANSITION('submitContractForApproval'), { contractId: contract.id, expectedVersion: 1 });
      await call(tokens.SALES_DIRECTOR!, TRANSITION('approveContract'), { contractId: contract.id, expectedVersion: 2 });
      await call(
        tokens.SALES!,
        `mutation ($input: RecordContractSignatureInput!) { recordContractSignature(input: $input) { contract { status } ${ERRORS} } }`,
        {
          contractId: contract.id,
          expectedVersion: 3,
          signedAt: new Date(Date.now() + 1000).toISOString(),
          customerSignatory: 'Morgan Client',
          documentUrl: 'https://sign.example/envelopes/amend-1',
        },
      );
      const project = (
        await call(
          tokens.DELIVERY!,
          `mutation ($input: CreateProjectFromContractInput!) { createProjectFromContract(input: $input) { project { id contract { lines { id } } } ${ERRORS} } }`,
          { contractId: contract.id, name: 'Capped discovery', rateCardId: rateCard.id },
        )
      ).project;
      const lineId = project.contract.lines[0].id;
      const activation = await mutate<Json>(
        tessera,
        `mutation ($input: ActivateContractV2Input!) { activateContractV2(input: $input) {
          ... on ActivateContractSuccess { contract { status aggregateVersion } revenueSchedules { allocatedAmount { amount } } } ${FAILURE} } }`,
        { idempotencyKey: newKey(), contractId: contract.id, expectedVersion: 4 },
        { token: tokens.FINANCE! },
      );
      expect(activation.payload).toEqual({
        contract: { status: 'ACTIVE', aggregateVersion: 5 },
        revenueSchedules: [{ allocatedAmount: { amount: '4000.00' } }],
      });
      await call(
        tokens.DELIVERY!,
        `mutation ($input: ActivateProjectInput!) { activateProject(input: $input) { project { status } ${ERRORS} } }`,
        { projectId: project.id, expectedVersion: 1 },
      );
      const request = (
        await call(
          tokens.DELIVERY!,
          `mutation ($input: CreateResourceRequestInput!) { createResourceRequest(input: $input) { resourceRequest { id } ${ERRORS} } }`,
          { projectId: project.id, roleId: 'rol_02', startDate: '2026-11-16', endDate: '2026-12-18', hours: '40' },
        )
      ).resourceRequest;
      const assignment = (
        await call(
          tokens.DELIVERY!,
          `mutation ($input: ConfirmAssignmentInput!) { confirmAssignment(input: $input) { assignment { id } ${ERRORS} } }`,
          { resourceRequestId: request.id, resourceId: consultant.id, expectedVersion: 1 },
        )
      ).assignment;
      const timecard = (
        await call(
          tokens.CONSULTANT!,
          `mutation ($input: SubmitTimecardInput!) { submitTimecard(input: $input) { timecard { id aggregateVersion } ${ERRORS} } }`,
          {
            assignmentId: assignment.id,
            weekStart: '2026-11-16',
            entries: ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'].map((date) => ({ date, hours: '8' })),
          },
        )
      ).timecard;
      const approved = await call(
        tokens.DELIVERY!,
        `mutation ($input: ApproveTimecardInput!) { approveTimecard(input: $input) { timecard { totalBillableAmount { amount } } ${ERRORS} } }`,
        { timecardId: timecard.id, expectedVersion: timecard.aggregateVersion },
      );
      expect(approved.timecard.totalBillableAmount).toEqual({ amount: '5000.00' });

      // The week (5,000.00) exceeds the cap (4,000.00): every draft is refused.
      const DRAFT = `mutation ($input: GenerateBillingDraftInput!) { generateBillingDraft(input: $input) { billingDraft { id summaryAmount { amount } } ${ERRORS} } }`;
      const refused = await call(tokens.DELIVERY!, DRAFT, { projectId: project.id, cutoffDate: '2026-11-22' });
      expect(refused).toEqual({
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

      // Two change orders proposed at once from version 5: one stands, the other is VERSION_CONFLICT.
      const AMEND = `mutation ($input: AmendContractInput!) { amendContract(input: $input) {
        contract { version aggregateVersion totalContractValue { amount } } amendment { id kind status fromVersion toVersion requestedBy } ${ERRORS} } }`;
      const raise = {
        contractId: contract.id,
        expectedVersion: 5,
        kind: 'CHANGE_ORDER',
        reason: 'Two more weeks of discovery',
        totalContractValue: '6000.00',
        lines: [{ lineId, notToExceed: '6000.00' }],
      };
      const [first, second] = await Promise.all([call(tokens.SALES!, AMEND, raise), call(tokens.SALES!, AMEND, raise)]);
      const proposals = [first!, second!].sort((a, b) => (a.amendment ? -1 : b.amendment ? 1 : 0));
      expect(proposals[0]).toMatchObject({
        contract: { version: 1, aggregateVersion: 6, totalContractValue: { amount: '4000.00' } },
        amendment: { kind: 'CHANGE_ORDER', status: 'PROPOSED', fromVersion: 1, toVersion: 2, requestedBy: SALES.sub },
        userErrors: [],
      });
      expect(proposals[1]!.userErrors.map((e: Json) => e.code)).toEqual(['VERSION_CONFLICT']);
      const amendment = proposals[0]!.amendment;
      const pending = await call(tokens.SALES!, AMEND, { ...raise, expectedVersion: 6 });
      expect(pending.userErrors).toEqual([
        {
          code: 'AMENDMENT_PENDING',
          message: `Amendment ${amendment.id} (version 2) awaits approval: approve, reject or withdraw it before proposing another.`,
          field: 'contractId',
        },
      ]);

      // Finance approves it: the PSA's cap and the ERP's allocation follow, the CRM takes version 2.
      const APPROVE = `mutation ($input: ApproveContractAmendmentInput!) { approveContractAmendment(input: $input) {
        revenueSchedules { allocatedAmount { amount currency } recognizedToDate { amount } } ${ERRORS} } }`;
      expect(await call(tokens.FINANCE!, APPROVE, { contractId: contract.id, amendmentId: amendment.id, expectedVersion: 6 })).toEqual({
        revenueSchedules: [{ allocatedAmount: { amount: '6000.00', currency: 'GBP' }, recognizedToDate: { amount: '0.00' } }],
        userErrors: [],
        warnings: [],
        replayed: false,
      });
      const after = await read(
        tokens.FINANCE!,
        `query ($id: ID!) { contract(id: $id) {
          version aggregateVersion totalContractValue { amount currency }
          amendments { kind status fromVersion toVersion reason requestedBy approvedBy previousValue { amount } newValue { amount } lineChanges { lineId notToExceed } }
          lines { id billingMethod notToExceed { amount } contractVersion }
        } }`,
        { id: contract.id },
      );
      expect(after.contract).toEqual({
        version: 2,
        aggregateVersion: 7,
        totalContractValue: { amount: '6000.00', currency: 'GBP' },
        amendments: [
          {
            kind: 'CHANGE_ORDER',
            status: 'APPROVED',
            fromVersion: 1,
            toVersion: 2,
            reason: 'Two more weeks of discovery',
            requestedBy: SALES.sub,
            approvedBy: FINANCE.sub,
            previousValue: { amount: '4000.00' },
            newValue: { amount: '6000.00' },
            lineChanges: [{ lineId, notToExceed: '6000.00' }],
          },
        ],
        lines: [{ id: lineId, billingMethod: 'TIME_AND_MATERIALS', notToExceed: { amount: '6000.00' }, contractVersion: 2 }],
      });

      // The draft refused before now passes within the raised cap.
      const drafted = await call(tokens.DELIVERY!, DRAFT, { projectId: project.id, cutoffDate: '2026-11-22' });
      expect(drafted.billingDraft.summaryAmount).toEqual({ amount: '5000.00' });

      // A cap below what is on draft is refused when approved, by the PSA that owns the line.
      const lower = await call(tokens.SALES!, AMEND, {
        contractId: contract.id,
        expectedVersion: 7,
        kind: 'AMENDMENT',
        reason: 'Budget cut',
        totalContractValue: '4500.00',
        lines: [{ lineId, notToExceed: '4500.00' }],
      });
      const refusedLower = await call(tokens.FINANCE!, APPROVE, {
        contractId: contract.id,
        amendmentId: lower.amendment.id,
        expectedVersion: 8,
      });
      expect(refusedLower.userErrors).toEqual([
        {
          code: 'AMENDMENT_BELOW_BILLED',
          message: `The PSA refused the amendment: The TIME_AND_MATERIALS line ${lineId} would be 4500.00 GBP, below the 5000.00 already billed or on draft.`,
          field: 'amendmentId',
        },
      ]);
      // The refused proposal no longer blocks the contract: another person rejects it, the proposer withdraws the next.
      const CLOSE = (field: string) => `mutation ($input: CloseContractAmendmentInput!) { ${field}(input: $input) {
        contract { version aggregateVersion totalContractValue { amount } } amendment { status closedBy closeReason } ${ERRORS} } }`;
      const closeInput = (amendmentId: string, expectedVersion: number, reason: string) => ({
        contractId: contract.id,
        amendmentId,
        expectedVersion,
        reason,
      });
      expect((await call(tokens.SALES!, CLOSE('rejectContractAmendment'), closeInput(lower.amendment.id, 8, 'mine'))).userErrors).toEqual([
        {
          code: 'SEGREGATION_OF_DUTIES',
          message: 'You proposed this amendment: withdraw it, or another person rejects it.',
          field: 'amendmentId',
        },
      ]);
      expect(
        await call(tokens.SALES_DIRECTOR!, CLOSE('rejectContractAmendment'), closeInput(lower.amendment.id, 8, 'Below what is on draft')),
      ).toEqual({
        contract: { version: 2, aggregateVersion: 9, totalContractValue: { amount: '6000.00' } },
        amendment: { status: 'REJECTED', closedBy: SALES_DIRECTOR.sub, closeReason: 'Below what is on draft' },
        userErrors: [],
        warnings: [],
        replayed: false,
      });
      const again = await call(tokens.SALES!, AMEND, {
        ...raise,
        expectedVersion: 9,
        totalContractValue: '7000.00',
        lines: [{ lineId, notToExceed: '7000.00' }],
      });
      expect(again.amendment).toMatchObject({ status: 'PROPOSED', fromVersion: 2, toVersion: 3 });
      expect(
        (await call(tokens.SALES_DIRECTOR!, CLOSE('withdrawContractAmendment'), closeInput(again.amendment.id, 10, 'not mine'))).userErrors,
      ).toEqual([
        {
          code: 'AMENDMENT_NOT_PROPOSER',
          message: `Only ${SALES.sub}, who proposed amendment ${again.amendment.id}, withdraws it: an approver rejects it.`,
          field: 'amendmentId',
        },
      ]);
      expect(
        await call(tokens.SALES!, CLOSE('withdrawContractAmendment'), closeInput(again.amendment.id, 10, 'Customer paused')),
      ).toMatchObject({
        contract: { version: 2, aggregateVersion: 11 },
        amendment: { status: 'WITHDRAWN', closedBy: SALES.sub, closeReason: 'Customer paused' },
        userErrors: [],
      });
      // Finance cannot approve what was withdrawn: refused before the PSA applies a line.
      expect(
        (await call(tokens.FINANCE!, APPROVE, { contractId: contract.id, amendmentId: again.amendment.id, expectedVersion: 11 }))
          .userErrors,
      ).toEqual([
        { code: 'INVALID_STATE_TRANSITION', message: `Amendment ${again.amendment.id} is WITHDRAWN, not PROPOSED.`, field: 'amendmentId' },
      ]);
    });
  });
}
