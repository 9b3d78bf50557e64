/**
 * Contract amendments through the gateway (docs/capabilities.md#contract-amendments): a capped T&M contract
 * whose first week of time exceeds its not-to-exceed amount (NTE_EXCEEDED); two change orders
 * proposed at once from the same version (one VERSION_CONFLICT); a third refused while one is pending
 * (AMENDMENT_PENDING); the change order approved in the ERP by finance, reaching the PSA's line
 * (the cap raised, at version 2) and the ERP's revenue schedule (reallocated exactly), the history
 * kept on the contract; the refused draft then passes; a cap lowered below what is on draft is
 * refused at approval (AMENDMENT_BELOW_BILLED). Run on SQLite and on PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import type { TempStore } from '../harness/tempDatabase.ts';
import { ERRORS, FINANCE, SALES, SALES_DIRECTOR, consultantToken, engagement, suiteOn, ukParties, type Json } from './contractKit.ts';

export function amendmentContract(engine: string, makeStore: () => Promise<TempStore>): void {
  describe(`contract amendments on ${engine}`, () => {
    const suite = suiteOn(makeStore);

    const call = (token: string, query: string, input: Json, key?: string) => suite.gateway.call(token, query, input, key);
    const read = (token: string, query: string, variables: Json = {}) => suite.gateway.read(token, query, variables);

    it('raises a capped contract by a change order: the refused draft passes, PSA and ERP follow with exact amounts', async () => {
      const { tessera, gateway, tokens } = suite;
      const { customer, rateCard, consultants } = await ukParties(gateway, tokens.FINANCE!, { from: '2026-11-16', to: '2026-12-18' });
      const consultant = consultants[0]!;
      tokens.CONSULTANT = await consultantToken(tessera, consultant);

      // A T&M contract of 4,000.00 GBP, approved, signed, delivered by one project, activated.
      const delivered = await engagement(tessera, gateway, tokens, {
        customerId: customer.id,
        name: 'Capped discovery',
        amount: '4000.00',
        estimatedHours: '32',
        startDate: '2026-11-16',
        endDate: '2027-01-29',
        envelope: 'amend-1',
        rateCardId: rateCard.id,
        consultantId: consultant.id,
        staffedUntil: '2026-12-18',
      });
      const [contract, project, assignment] = [{ id: delivered.contractId }, delivered.project, delivered.assignment];
      const lineId = project.lineId;
      expect(delivered.activation).toEqual({
        contract: { status: 'ACTIVE', aggregateVersion: 5 },
        revenueSchedules: [{ allocatedAmount: { amount: '4000.00' } }],
      });
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
