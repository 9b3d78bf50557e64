/**
 * The CRM amendment writes through the port on every adapter (docs/capabilities.md#contract-amendments,
 * docs/state-machines.md#contract-amendment): proposeContractAmendment, recordContractAmendmentApproval
 * and closeContractAmendment (rejected by another person, withdrawn by the proposer) write exactly
 * these records; every refusal (AMENDMENT_PENDING, SEGREGATION_OF_DUTIES, AMENDMENT_NOT_PROPOSER,
 * INVALID_STATE_TRANSITION, a stale version) writes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crmCapabilities } from '../../../../systems/crm/capabilities/index.ts';
import type { Contract, ContractAmendment } from '../../../../systems/crm/ports/types.ts';
import { systemPrincipal } from '../../../../systems/kernel/capability/peers.ts';
import { portRunner, valueOf, type PortRunner } from '../../../harness/portRunner.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import type { OpenCrmSystem } from './writePort.contract.ts';
import { ALICE, BOB, FIXTURE, T0 } from './writeFixture.ts';

export const ACTIVE: Contract = {
  id: 'ctr_a1',
  contractNumber: 'C-0001',
  version: 1,
  title: 'Data platform',
  status: 'ACTIVE',
  accountId: 'acc_c1',
  opportunityId: null,
  legalEntityId: 'le_US01',
  startDate: '2026-01-01',
  endDate: '2026-12-31',
  totalContractValue: { amountE4: 1_000_000_000, currency: 'USD' },
  billingMethod: 'TIME_AND_MATERIALS',
  signedAt: '2025-12-20T10:00:00.000Z',
  customerSignatory: 'Jane Buyer',
  submittedBy: 'alice',
  approvedBy: 'bob',
  approvedAt: '2025-12-19T10:00:00.000Z',
  documentUrl: 'https://clm.example/c-0001',
  activatedAt: '2025-12-21T10:00:00.000Z',
  aggregateVersion: 5,
};

const PROPOSAL = {
  contractId: 'ctr_a1',
  expectedVersion: 5,
  kind: 'CHANGE_ORDER',
  reason: ' More scope ',
  totalContractValue: '120000.00',
  endDate: '2027-03-31',
  lines: [{ lineId: 'cl_1', notToExceed: '120000' }],
};

function proposed(id: string, requestedAt: string): ContractAmendment {
  return {
    id,
    contractId: 'ctr_a1',
    kind: 'CHANGE_ORDER',
    status: 'PROPOSED',
    fromVersion: 1,
    toVersion: 2,
    reason: 'More scope',
    requestedBy: 'alice',
    requestedAt,
    approvedBy: null,
    approvedAt: null,
    closedBy: null,
    closedAt: null,
    closeReason: null,
    previousValue: { amountE4: 1_000_000_000, currency: 'USD' },
    newValue: { amountE4: 1_200_000_000, currency: 'USD' },
    previousEndDate: '2026-12-31',
    newEndDate: '2027-03-31',
    lineChanges: [{ lineId: 'cl_1', billingMethod: null, amount: null, notToExceed: '120000', markupPercent: null, rateCardId: null }],
  };
}

export function crmAmendmentWriteContract(adapter: string, open: (data: typeof FIXTURE) => Promise<OpenCrmSystem>): void {
  describe(`CRM amendment writes through the port on ${adapter}`, () => {
    let crm: OpenCrmSystem;
    let runner: PortRunner<typeof crmCapabilities>;
    beforeEach(async () => {
      crm = await open({ ...FIXTURE, contracts: [ACTIVE] });
      runner = portRunner('crm', crmCapabilities, crm.system, T0);
    });
    afterEach(async () => {
      await crm?.close();
    });
    const read = () => crm.system.reads(ALL_RECORDS);
    const state = async () => ({
      contract: (await read().contractsByIds(['ctr_a1']))[0],
      amendments: await read().contractAmendmentsByContractIds(['ctr_a1']),
    });
    const events = async () =>
      (await crm.system.ledger.selectFrom('outbox_events').select(['type', 'aggregate_version']).orderBy('occurred_at').execute()).map(
        (event) => `${event.type}@${event.aggregate_version}`,
      );
    const propose = async (key: string, expectedVersion = 5) =>
      (await valueOf(runner.run('amendContract', { ...PROPOSAL, expectedVersion }, { principal: ALICE, key })))
        .amendment as ContractAmendment;

    it('proposes (the contract version moves, nothing else), then approval puts the version, value and end date in force', async () => {
      const amendment = await propose('p1');
      expect(amendment.id).toMatch(/^ctra_[0-9a-f]{20}$/);
      expect(await state()).toEqual({
        contract: { ...ACTIVE, aggregateVersion: 6 },
        amendments: [proposed(amendment.id, '2026-03-02T09:00:01.000Z')],
      });
      const approval = await runner.run(
        'recordContractAmendmentApproval',
        { contractId: 'ctr_a1', amendmentId: amendment.id, approvedBy: 'fran' },
        { principal: systemPrincipal('erp'), key: 'a1' },
      );
      const approvedContract = {
        ...ACTIVE,
        version: 2,
        endDate: '2027-03-31',
        totalContractValue: { amountE4: 1_200_000_000, currency: 'USD' },
        aggregateVersion: 7,
      };
      const approved = {
        ...proposed(amendment.id, '2026-03-02T09:00:01.000Z'),
        status: 'APPROVED',
        approvedBy: 'fran',
        approvedAt: '2026-03-02T09:00:02.000Z',
      };
      expect(approval).toEqual({ result: { ok: true, value: { contract: approvedContract, amendment: approved } }, replayed: false });
      expect(await state()).toEqual({ contract: approvedContract, amendments: [approved] });
      expect(await events()).toEqual(['ContractAmendmentProposed@6', 'ContractAmended@7']);
    });

    it('rejects (another person) and withdraws (the proposer), each with its reason; a closed proposal frees the contract', async () => {
      const first = await propose('p1');
      const rejection = await runner.run(
        'rejectContractAmendment',
        { contractId: 'ctr_a1', amendmentId: first.id, expectedVersion: 6, reason: ' Not budgeted ' },
        { principal: BOB, key: 'r1' },
      );
      const rejected = {
        ...proposed(first.id, '2026-03-02T09:00:01.000Z'),
        status: 'REJECTED',
        closedBy: 'bob',
        closedAt: '2026-03-02T09:00:02.000Z',
        closeReason: 'Not budgeted',
      };
      expect(rejection).toEqual({
        result: { ok: true, value: { contract: { ...ACTIVE, aggregateVersion: 7 }, amendment: rejected } },
        replayed: false,
      });
      // Again under another key: already REJECTED, nothing written.
      expect(
        await runner.run(
          'rejectContractAmendment',
          { contractId: 'ctr_a1', amendmentId: first.id, expectedVersion: 6, reason: 'again' },
          { principal: BOB, key: 'r2' },
        ),
      ).toEqual({
        result: {
          ok: true,
          value: {
            contract: { ...ACTIVE, aggregateVersion: 7 },
            amendment: rejected,
            warnings: [{ code: 'ALREADY_IN_STATE', message: `Amendment ${first.id} already is REJECTED; nothing changed.` }],
          },
        },
        replayed: false,
      });
      const second = await propose('p2', 7);
      await valueOf(
        runner.run(
          'withdrawContractAmendment',
          { contractId: 'ctr_a1', amendmentId: second.id, expectedVersion: 8, reason: 'Customer changed their mind' },
          { principal: ALICE, key: 'w1' },
        ),
      );
      expect(await state()).toEqual({
        contract: { ...ACTIVE, aggregateVersion: 9 },
        amendments: [
          rejected,
          {
            ...proposed(second.id, '2026-03-02T09:00:04.000Z'),
            status: 'WITHDRAWN',
            closedBy: 'alice',
            closedAt: '2026-03-02T09:00:05.000Z',
            closeReason: 'Customer changed their mind',
          },
        ].sort((a, b) => (a.id < b.id ? -1 : 1)),
      });
      expect(await events()).toEqual([
        'ContractAmendmentProposed@6',
        'ContractAmendmentRejected@7',
        'ContractAmendmentProposed@8',
        'ContractAmendmentWithdrawn@9',
      ]);
    });

    it('every refusal writes nothing: pending, own rejection, foreign withdrawal, a decided amendment, a blank reason, a stale version', async () => {
      const amendment = await propose('p1');
      const before = await state();
      const refusal = async (
        field: 'rejectContractAmendment' | 'withdrawContractAmendment',
        input: Record<string, unknown>,
        principal = BOB,
      ) =>
        (
          await runner.run(
            field,
            { contractId: 'ctr_a1', amendmentId: amendment.id, expectedVersion: 6, reason: 'no', ...input },
            { principal, key: `x${Math.random()}` },
          )
        ).result;
      expect((await runner.run('amendContract', { ...PROPOSAL, expectedVersion: 6 }, { principal: BOB, key: 'p2' })).result).toEqual({
        ok: false,
        error: {
          code: 'AMENDMENT_PENDING',
          message: `Amendment ${amendment.id} (version 2) awaits approval: approve, reject or withdraw it before proposing another.`,
          field: 'contractId',
        },
      });
      expect(await refusal('rejectContractAmendment', {}, ALICE)).toEqual({
        ok: false,
        error: {
          code: 'SEGREGATION_OF_DUTIES',
          message: 'You proposed this amendment: withdraw it, or another person rejects it.',
          field: 'amendmentId',
        },
      });
      expect(await refusal('withdrawContractAmendment', {})).toEqual({
        ok: false,
        error: {
          code: 'AMENDMENT_NOT_PROPOSER',
          message: `Only alice, who proposed amendment ${amendment.id}, withdraws it: an approver rejects it.`,
          field: 'amendmentId',
        },
      });
      expect(await refusal('rejectContractAmendment', { reason: '  ' })).toEqual({
        ok: false,
        error: { code: 'PRECONDITION_FAILED', message: 'Say why the amendment is rejected.', field: 'reason' },
      });
      expect(await refusal('rejectContractAmendment', { expectedVersion: 5 })).toEqual({
        ok: false,
        error: {
          code: 'VERSION_CONFLICT',
          message: 'Contract is at version 6, not 5: it changed since you read it. Read it again, then decide.',
          field: 'expectedVersion',
        },
      });
      expect(await refusal('rejectContractAmendment', { amendmentId: 'ctra_missing' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND', field: 'amendmentId' },
      });
      // The capability read version 6, another call moved the contract meanwhile: the write itself refuses.
      const closure = { status: 'REJECTED', closedBy: 'bob', closedAt: '2026-03-02T10:00:00.000Z', closeReason: 'late' } as const;
      await expect(
        crm.withPorts((ports) => ports.write.closeContractAmendment({ id: 'ctr_a1', aggregateVersion: 5 }, amendment, closure)),
      ).rejects.toMatchObject({ name: 'CapabilityRejected', rejection: { code: 'VERSION_CONFLICT', field: 'expectedVersion' } });
      expect(await state()).toEqual(before);

      await valueOf(
        runner.run(
          'recordContractAmendmentApproval',
          { contractId: 'ctr_a1', amendmentId: amendment.id, approvedBy: 'fran' },
          { principal: systemPrincipal('erp'), key: 'a1' },
        ),
      );
      const approved = await state();
      expect(await refusal('withdrawContractAmendment', { expectedVersion: 7 }, ALICE)).toEqual({
        ok: false,
        error: { code: 'INVALID_STATE_TRANSITION', message: `Amendment ${amendment.id} is APPROVED, not PROPOSED.`, field: 'amendmentId' },
      });
      // An amendment no longer PROPOSED is not closed by the write either (a closure racing the approval).
      const stale = (await read().contractAmendmentsByContractIds(['ctr_a1']))[0]!;
      await expect(
        crm.withPorts((ports) => ports.write.closeContractAmendment({ id: 'ctr_a1', aggregateVersion: 7 }, stale, closure)),
      ).rejects.toMatchObject({ name: 'CapabilityRejected', rejection: { code: 'VERSION_CONFLICT' } });
      expect(await state()).toEqual(approved);
      expect(await events()).toEqual(['ContractAmendmentProposed@6', 'ContractAmended@7']);
    });
  });
}
