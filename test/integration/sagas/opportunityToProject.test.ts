/**
 * Opportunity to project end to end through the gateway (docs/processes.md#opportunity-to-project):
 * win a deal, drain, the saga created and submitted the contract; another person approves, drain;
 * the customer signs, drain: the project is ACTIVE, with its ERP record and its resource requests,
 * and processStatus shows every step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTessera, type TestTessera } from '../../harness/startTestTessera.ts';
import {
  ALL_STEPS_DONE,
  approveAndSign,
  DIRECTOR,
  linkOf,
  mutate,
  OPS,
  processOf,
  SALES,
  discoveryOpportunity,
} from './opportunityToProjectKit.ts';

let tessera: TestTessera;

beforeAll(async () => {
  tessera = await startTestTessera({ scale: 's' });
});
afterAll(() => tessera?.stop());

describe('opportunity to project', () => {
  it('runs from a won deal to an active project, waiting on the approval and the signature', async () => {
    const sales = await tessera.token(SALES);
    const director = await tessera.token(DIRECTOR);
    const ops = await tessera.token(OPS);
    const accounts = await tessera.query('{ accounts(first: 1, filter: { type: [CUSTOMER] }) { nodes { id } } }');
    const accountId = (accounts.data as { accounts: { nodes: { id: string }[] } }).accounts.nodes[0]!.id;
    const created = await mutate(
      tessera,
      sales,
      'createOpportunity',
      'CreateOpportunityInput',
      discoveryOpportunity(accountId, 'Saga discovery'),
      '{ opportunity { id aggregateVersion } userErrors { code message } }',
    );
    const opportunity = created.opportunity as { id: string; aggregateVersion: number };
    for (const [stage, expectedVersion] of [
      ['QUALIFIED', 1],
      ['PROPOSAL', 2],
    ] as const) {
      const moved = await mutate(
        tessera,
        sales,
        'updateOpportunityStage',
        'UpdateOpportunityStageInput',
        { opportunityId: opportunity.id, expectedVersion, stage },
        '{ userErrors { code message } }',
      );
      expect(moved.userErrors).toEqual([]);
    }
    const won = await mutate(
      tessera,
      sales,
      'closeWinOpportunity',
      'CloseWinOpportunityInput',
      { opportunityId: opportunity.id, expectedVersion: 3 },
      '{ opportunity { stage } userErrors { code message } }',
    );
    expect(won.userErrors).toEqual([]);

    await tessera.tessera.drain();
    const PROCESS = `query ($id: ID!) { opportunity(id: $id) { process { status currentStep steps { name status attempts idempotencyKey } links { entityType entityId } } } }`;
    const waiting = (
      (await tessera.query(PROCESS, { id: opportunity.id }, ops)).data as { opportunity: { process: Record<string, unknown> } }
    ).opportunity.process;
    expect(waiting).toMatchObject({ status: 'WAITING', currentStep: 'awaitApproval' });
    const contractId = (waiting.links as { entityType: string; entityId: string }[]).find(
      (link) => link.entityType === 'Contract',
    )!.entityId;
    const contract = await tessera.query('query ($id: ID!) { contract(id: $id) { status aggregateVersion } }', { id: contractId });
    expect((contract.data as { contract: unknown }).contract).toEqual({ status: 'IN_APPROVAL', aggregateVersion: 2 });

    await approveAndSign(tessera, contractId, { director, sales });
    const done = await processOf(tessera, opportunity.id, ops);
    expect(done.status).toBe('COMPLETED');
    expect(done.steps.map((step) => [step.name, step.status])).toEqual(ALL_STEPS_DONE);
    const projectId = linkOf(done, 'Project');
    const project = await tessera.query('query ($id: ID!) { project(id: $id) { status erpProjectNumber contract { id status } } }', {
      id: projectId,
    });
    expect(project.errors).toBeUndefined();
    expect(project.data).toMatchObject({ project: { status: 'ACTIVE', contract: { id: contractId, status: 'ACTIVE' } } });
  });
});
