/**
 * The CRM write-port contract: the same capability path through the kernel runner on every adapter
 * (SQL on SQLite and PostgreSQL, the in-memory remote one), with the same answers, the same
 * canonical records read back through the read port, the same outbox events, and the same typed
 * rejections (VERSION_CONFLICT from the versioned write itself, CONTRACT_ALREADY_EXISTS).
 */
import { portRunner, valueOf, type PortRunner } from '../../../harness/portRunner.ts';
import { crmCapabilities } from '../../../../systems/crm/capabilities/index.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmPorts } from '../../../../systems/crm/ports/ports.ts';
import type { CrmReadPort } from '../../../../systems/crm/ports/readPort.ts';
import type { Contract, Opportunity } from '../../../../systems/crm/ports/types.ts';
import { systemPrincipal } from '../../../../systems/kernel/capability/peers.ts';
import type { RemoteAdapter } from '../../../../systems/kernel/capability/adapter.ts';
import type { SystemOfRecord } from '../../../../systems/kernel/systemOfRecord.ts';
import { ALL_RECORDS } from '../../../harness/recordPolicyProbe.ts';
import type { CrmData } from './crmData.ts';
import { crmAmendmentWriteContract } from './writeAmendments.contract.ts';
import { ACTIVE_LEGAL_ENTITY, ALICE, BOB, expectedOpportunity, FIXTURE, NEW_OPPORTUNITY, T0, type OwnSource } from './writeFixture.ts';

export interface OpenCrmSystem {
  readonly system: SystemOfRecord<CrmReadPort, CrmPorts>;
  /** Runs `use` with the write ports of one capability call (inside a transaction for a local adapter). */
  withPorts<T>(use: (ports: CrmPorts) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A remote adapter opened for the contract: each `withPorts` is one direct capability call (its own keys, first attempt). */
export function openRemoteCrm(system: SystemOfRecord<CrmReadPort, CrmPorts>, close: () => Promise<void>): OpenCrmSystem {
  const adapter = system.capabilities as RemoteAdapter<CrmPorts>;
  let call = 0;
  return {
    system,
    withPorts: (use) => use(adapter.bind({ externalKey: (operation) => `direct-${++call}:${operation}`, attempt: 1 }, ALL_RECORDS)),
    close,
  };
}

/** `own`: the source the adapter gives an opportunity it opens (writeFixture.ts). */
export function crmWritePortContract(adapter: string, open: (data: CrmData) => Promise<OpenCrmSystem>, own: OwnSource): void {
  crmAmendmentWriteContract(adapter, open);
  describe(`CRM capabilities through the write port on ${adapter}`, () => {
    let crm: OpenCrmSystem;
    let runner: PortRunner<typeof crmCapabilities>;
    beforeEach(async () => {
      crm = await open(FIXTURE);
      runner = portRunner('crm', crmCapabilities, crm.system, T0);
    });
    afterEach(async () => {
      await crm?.close();
    });
    const read = () => crm.system.reads(ALL_RECORDS);
    const events = async () =>
      (
        await crm.system.ledger
          .selectFrom('outbox_events')
          .select(['type', 'aggregate_type', 'aggregate_version', 'payload_json'])
          .orderBy('occurred_at')
          .orderBy('aggregate_version')
          .execute()
      ).map((event) => ({ type: event.type, version: event.aggregate_version, payload: JSON.parse(event.payload_json) as unknown }));

    it('opens, moves, wins and contracts an opportunity through signature and activation: same records and events', async () => {
      const created = (
        await valueOf(runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key: 'k1', facts: ACTIVE_LEGAL_ENTITY }))
      ).opportunity as Opportunity;
      expect(created.id).toMatch(/^opp_[0-9a-f]{20}$/);
      expect(created).toEqual(expectedOpportunity(created.id, own));
      expect(await read().opportunitiesByIds([created.id])).toEqual([created]);
      const suffix = created.id.slice(4);
      expect(await read().opportunityLinesByOpportunityIds([created.id])).toEqual([
        {
          id: `ol_${suffix}_000`,
          opportunityId: created.id,
          serviceOffering: 'Build',
          billingMethod: 'TIME_AND_MATERIALS',
          amountE4: 1_000_000_000,
          estimatedHoursE2: 12_000,
          startDate: '2026-07-01',
          endDate: '2026-12-31',
          roleId: 'rol_03',
        },
        {
          id: `ol_${suffix}_001`,
          opportunityId: created.id,
          serviceOffering: 'Run',
          billingMethod: 'FIXED_FEE',
          amountE4: 500_000_000,
          estimatedHoursE2: null,
          startDate: '2026-04-01',
          endDate: '2026-09-30',
          roleId: null,
        },
      ]);

      await valueOf(
        runner.run(
          'updateOpportunityStage',
          { opportunityId: created.id, expectedVersion: 1, stage: 'QUALIFIED' },
          { principal: ALICE, key: 'k1b' },
        ),
      );
      const moved = await valueOf(
        runner.run(
          'updateOpportunityStage',
          { opportunityId: created.id, expectedVersion: 2, stage: 'PROPOSAL' },
          { principal: ALICE, key: 'k2' },
        ),
      );
      expect(moved).toEqual({
        opportunity: {
          ...created,
          stage: 'PROPOSAL',
          sourceStage: own.stages.PROPOSAL!,
          probability: 50,
          forecastCategory: 'BEST_CASE',
          aggregateVersion: 3,
        },
      });
      const won = (
        await valueOf(runner.run('closeWinOpportunity', { opportunityId: created.id, expectedVersion: 3 }, { principal: ALICE, key: 'k3' }))
      ).opportunity as Opportunity;
      expect(won).toMatchObject({
        stage: 'CLOSED_WON',
        sourceStage: own.stages.CLOSED_WON!,
        probability: 100,
        closeDate: '2026-03-02',
        aggregateVersion: 4,
      });

      const drafted = (
        await valueOf(runner.run('createContractFromOpportunity', { opportunityId: created.id }, { principal: ALICE, key: 'k4' }))
      ).contract as Contract;
      expect(drafted).toEqual({
        id: expect.stringMatching(/^ctr_[0-9a-f]{20}$/),
        contractNumber: `SOW-US01-2026-${drafted.id.slice(4, 12).toUpperCase()}`,
        version: 1,
        title: 'Data platform',
        status: 'DRAFT',
        accountId: 'acc_c1',
        opportunityId: created.id,
        legalEntityId: 'le_US01',
        startDate: '2026-04-01',
        endDate: '2026-12-31',
        totalContractValue: { amountE4: 1_500_000_000, currency: 'USD' },
        billingMethod: 'TIME_AND_MATERIALS',
        signedAt: null,
        customerSignatory: null,
        submittedBy: null,
        approvedBy: null,
        approvedAt: null,
        documentUrl: null,
        activatedAt: null,
        aggregateVersion: 1,
      });
      const contractId = drafted.id;
      await valueOf(runner.run('submitContractForApproval', { contractId, expectedVersion: 1 }, { principal: ALICE, key: 'k5' }));
      await valueOf(runner.run('approveContract', { contractId, expectedVersion: 2 }, { principal: BOB, key: 'k6' }));
      const signature = {
        signedAt: '2026-03-03T10:00:00.000Z',
        customerSignatory: ' Dana Lee ',
        documentUrl: 'https://sign.example/env/1',
      };
      await valueOf(
        runner.run('recordContractSignature', { contractId, expectedVersion: 3, ...signature }, { principal: ALICE, key: 'k7' }),
      );
      const activated = await valueOf(
        runner.run('recordContractActivation', { contractId }, { principal: systemPrincipal('erp'), key: 'k8' }),
      );
      expect(activated).toEqual({
        contract: {
          ...drafted,
          status: 'ACTIVE',
          submittedBy: 'alice',
          approvedBy: 'bob',
          approvedAt: '2026-03-02T09:00:07.000Z',
          signedAt: '2026-03-03T10:00:00.000Z',
          customerSignatory: 'Dana Lee',
          documentUrl: 'https://sign.example/env/1',
          activatedAt: '2026-03-02T09:00:09.000Z',
          aggregateVersion: 5,
        },
      });
      expect(await read().contractsByOpportunityIds([created.id])).toEqual([(activated as { contract: unknown }).contract]);

      const money = { amount: '150000.00', currency: 'USD' };
      const opportunity = { opportunityId: created.id };
      const contract = { contractId, contractNumber: drafted.contractNumber };
      expect(await events()).toEqual([
        { type: 'OpportunityCreated', version: 1, payload: { ...opportunity, stage: 'PROSPECTING', accountId: 'acc_c1', amount: money } },
        {
          type: 'OpportunityStageChanged',
          version: 2,
          payload: { ...opportunity, stage: 'QUALIFIED', from: 'PROSPECTING', to: 'QUALIFIED' },
        },
        { type: 'OpportunityStageChanged', version: 3, payload: { ...opportunity, stage: 'PROPOSAL', from: 'QUALIFIED', to: 'PROPOSAL' } },
        { type: 'OpportunityWon', version: 4, payload: { ...opportunity, stage: 'CLOSED_WON', accountId: 'acc_c1', amount: money } },
        {
          type: 'ContractCreated',
          version: 1,
          payload: { ...contract, status: 'DRAFT', opportunityId: created.id, totalContractValue: money },
        },
        { type: 'ContractSubmittedForApproval', version: 2, payload: { ...contract, status: 'IN_APPROVAL', submittedBy: 'alice' } },
        { type: 'ContractApproved', version: 3, payload: { ...contract, status: 'APPROVED', approvedBy: 'bob' } },
        {
          type: 'ContractSigned',
          version: 4,
          payload: { ...contract, status: 'SIGNED', signedAt: signature.signedAt, customerSignatory: 'Dana Lee' },
        },
        {
          type: 'ContractActivationRecorded',
          version: 5,
          payload: { ...contract, status: 'ACTIVE', activatedAt: '2026-03-02T09:00:09.000Z' },
        },
      ]);
    });

    it('a second contract for the same opportunity is CONTRACT_ALREADY_EXISTS, and nothing is written', async () => {
      const { opportunity } = await valueOf(
        runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key: 'k1', facts: ACTIVE_LEGAL_ENTITY }),
      );
      const id = (opportunity as Opportunity).id;
      await valueOf(
        runner.run(
          'updateOpportunityStage',
          { opportunityId: id, expectedVersion: 1, stage: 'QUALIFIED' },
          { principal: ALICE, key: 'k1b' },
        ),
      );
      await valueOf(
        runner.run(
          'updateOpportunityStage',
          { opportunityId: id, expectedVersion: 2, stage: 'PROPOSAL' },
          { principal: ALICE, key: 'k1c' },
        ),
      );
      await valueOf(runner.run('closeWinOpportunity', { opportunityId: id, expectedVersion: 3 }, { principal: ALICE, key: 'k2' }));
      const first = (await valueOf(runner.run('createContractFromOpportunity', { opportunityId: id }, { principal: ALICE, key: 'k3' })))
        .contract as {
        id: string;
      };
      const second = await runner.run('createContractFromOpportunity', { opportunityId: id }, { principal: ALICE, key: 'k4' });
      expect(second).toEqual({
        result: {
          ok: false,
          error: {
            code: 'CONTRACT_ALREADY_EXISTS',
            message: `Opportunity ${id} already has contract ${first.id}.`,
            field: 'opportunityId',
          },
        },
        replayed: false,
      });
      expect((await read().contractsByOpportunityIds([id])).map((contract) => contract.id)).toEqual([first.id]);
    });

    it('a stale version is VERSION_CONFLICT: from the capability check, and from the versioned write itself (a lost race)', async () => {
      const { opportunity } = await valueOf(
        runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key: 'k1', facts: ACTIVE_LEGAL_ENTITY }),
      );
      const id = (opportunity as Opportunity).id;
      await valueOf(
        runner.run(
          'updateOpportunityStage',
          { opportunityId: id, expectedVersion: 1, stage: 'QUALIFIED' },
          { principal: ALICE, key: 'k2' },
        ),
      );
      expect(
        await runner.run(
          'updateOpportunityStage',
          { opportunityId: id, expectedVersion: 1, stage: 'PROPOSAL' },
          { principal: ALICE, key: 'k3' },
        ),
      ).toEqual({
        result: {
          ok: false,
          error: {
            code: 'VERSION_CONFLICT',
            message: 'Opportunity is at version 2, not 1: it changed since you read it. Read it again, then decide.',
            field: 'expectedVersion',
          },
        },
        replayed: false,
      });
      // The capability read version 1, another call moved it meanwhile: the write refuses.
      const change = {
        stage: 'PROPOSAL',
        sourceStage: 'Proposal/Price Quote',
        probability: 50,
        forecastCategory: 'BEST_CASE',
        lossReason: null,
      };
      await expect(crm.withPorts((ports) => ports.write.moveOpportunityStage({ id, aggregateVersion: 1 }, change))).rejects.toMatchObject({
        name: 'CapabilityRejected',
        rejection: {
          code: 'VERSION_CONFLICT',
          message: `Opportunity ${JSON.stringify(id)} changed while this call ran. Read it again, then decide.`,
          field: 'expectedVersion',
        },
      });
      expect((await read().opportunitiesByIds([id]))[0]).toMatchObject({ stage: 'QUALIFIED', aggregateVersion: 2 });
    });

    it('a replay answers the stored result without touching the system of record', async () => {
      const first = await runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key: 'k1', facts: ACTIVE_LEGAL_ENTITY });
      const replay = await runner.run('createOpportunity', NEW_OPPORTUNITY, { principal: ALICE, key: 'k1', facts: ACTIVE_LEGAL_ENTITY });
      expect(replay).toEqual({ result: first.result, replayed: true });
      expect((await read().opportunitiesPage({}, { first: 10, afterId: null })).total).toBe(1);
      // The stored answer names the source the record still answers.
      const answered = (await valueOf<{ opportunity: Opportunity }>(Promise.resolve(first))).opportunity;
      expect((await read().opportunitiesByIds([answered.id])).map((opportunity) => opportunity.source)).toEqual([answered.source]);
    });
  });
}
