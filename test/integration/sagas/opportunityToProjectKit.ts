/**
 * The steps every opportunity-to-project story takes through the gateway after the deal is won
 * (docs/processes.md#opportunity-to-project), whatever system of record the CRM runs on: a mutation
 * with a fresh idempotency key, the process as the operations team reads it, and the approval by
 * another person and the customer's signature that release the saga's two waits.
 */
import { expect } from 'vitest';
import type { TestTessera } from '../../harness/startTestTessera.ts';

export const OPS = { sub: 'olga.ops', scope: 'ops:read ops:write crm:read psa:read erp:read', legal_entities: '*' as const };
export const SALES = { sub: 'sam.sales', scope: 'crm:read crm:write', legal_entities: '*' as const };
export const DIRECTOR = { sub: 'dana.director', scope: 'crm:read crm:write', legal_entities: '*' as const };

/** Every step of the saga, done. */
/** The UK discovery deal the opportunity-to-project stories sell: one T&M line of 240 hours, 30,000.00 GBP. */
export function discoveryOpportunity(accountId: string, name: string) {
  return {
    accountId,
    name,
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
  };
}

export const ALL_STEPS_DONE = [
  ['createContract', 'DONE'],
  ['submitContract', 'DONE'],
  ['awaitApproval', 'DONE'],
  ['awaitSignature', 'DONE'],
  ['enableCustomerBilling', 'DONE'],
  ['createProject', 'DONE'],
  ['activateContract', 'DONE'],
  ['requestResources', 'DONE'],
  ['activateProject', 'DONE'],
];

export async function mutate(
  tessera: TestTessera,
  token: string,
  field: string,
  inputType: string,
  input: Record<string, unknown>,
  selection: string,
): Promise<Record<string, unknown>> {
  const body = await tessera.query(
    `mutation ($input: ${inputType}!) { ${field}(input: $input) ${selection} }`,
    { input: { idempotencyKey: crypto.randomUUID(), ...input } },
    token,
  );
  expect(body.errors).toBeUndefined();
  return (body.data as Record<string, Record<string, unknown>>)[field]!;
}

export interface ProcessView {
  readonly status: string;
  readonly currentStep: string | null;
  readonly steps: readonly {
    readonly name: string;
    readonly status: string;
    readonly attempts?: number;
    readonly idempotencyKey?: string;
  }[];
  readonly links: readonly { readonly entityType: string; readonly entityId: string }[];
}

/** The opportunity's process as the operations team reads it. */
export async function processOf(tessera: TestTessera, opportunityId: string, opsToken: string): Promise<ProcessView> {
  const body = await tessera.query(
    `query ($id: ID!) { opportunity(id: $id) { process { status currentStep steps { name status attempts idempotencyKey } links { entityType entityId } } } }`,
    { id: opportunityId },
    opsToken,
  );
  return (body.data as { opportunity: { process: ProcessView } }).opportunity.process;
}

export const linkOf = (process: ProcessView, entityType: string) => process.links.find((link) => link.entityType === entityType)!.entityId;

/** The contract approved by the director (the saga's first wait), then signed by the customer (its second), draining after each. */
export async function approveAndSign(tessera: TestTessera, contractId: string, tokens: { director: string; sales: string }): Promise<void> {
  const approved = await mutate(
    tessera,
    tokens.director,
    'approveContract',
    'ContractTransitionInput',
    { contractId, expectedVersion: 2 },
    '{ contract { status } userErrors { code message } }',
  );
  expect(approved).toMatchObject({ contract: { status: 'APPROVED' }, userErrors: [] });
  await tessera.tessera.drain();
  const signed = await mutate(
    tessera,
    tokens.sales,
    'recordContractSignature',
    'RecordContractSignatureInput',
    {
      contractId,
      expectedVersion: 3,
      signedAt: new Date().toISOString(),
      customerSignatory: 'Pat Customer',
      documentUrl: 'https://sign.example/env/1',
    },
    '{ contract { status } userErrors { code message } }',
  );
  expect(signed).toMatchObject({ contract: { status: 'SIGNED' }, userErrors: [] });
  await tessera.tessera.drain();
}
