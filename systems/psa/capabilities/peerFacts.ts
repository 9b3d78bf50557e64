/**
 * Facts the PSA's capabilities need from the CRM and the ERP, read through their subgraphs as the
 * caller (so with the caller's record scope: a record the caller may not see is `null`, exactly
 * like a missing one). Only `prepare` calls these: never inside a transaction.
 */
import { parseScaled } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';

interface Money {
  readonly amount: string;
  readonly currency: string;
}

/** The CRM's commercial header of a contract. */
export interface ContractFacts {
  readonly id: string;
  readonly status: string;
  readonly legalEntityId: string;
  readonly accountId: string;
  readonly billingMethod: string;
  readonly totalContractValueE4: number;
  readonly currency: string;
  readonly startDate: string;
  readonly endDate: string;
}

export async function readContract(ctx: PsaContext, contractId: string): Promise<ContractFacts | null> {
  interface Contract {
    id: string;
    status: string;
    legalEntity: { id: string };
    account: { id: string };
    billingMethod: string;
    totalContractValue: Money;
    startDate: string;
    endDate: string;
  }
  const data = await ctx.peers.read<{ _entities: (Contract | null)[] }>(
    'crm',
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Contract {
      id status legalEntity { id } account { id } billingMethod totalContractValue { amount currency } startDate endDate
    } } }`,
    { representations: [{ __typename: 'Contract', id: contractId }] },
  );
  const contract = data._entities[0];
  if (!contract) return null;
  return {
    id: contract.id,
    status: contract.status,
    legalEntityId: contract.legalEntity.id,
    accountId: contract.account.id,
    billingMethod: contract.billingMethod,
    totalContractValueE4: parseScaled(contract.totalContractValue.amount),
    currency: contract.totalContractValue.currency,
    startDate: contract.startDate,
    endDate: contract.endDate,
  };
}

/** Only what billing and activation check of a contract: its status and legal entity (a lighter read). */
export interface ContractStatusFacts {
  readonly id: string;
  readonly status: string;
  readonly legalEntityId: string;
}

export async function readContractStatus(ctx: PsaContext, contractId: string): Promise<ContractStatusFacts | null> {
  const data = await ctx.peers.read<{ _entities: ({ id: string; status: string; legalEntity: { id: string } } | null)[] }>(
    'crm',
    'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Contract { id status legalEntity { id } } } }',
    { representations: [{ __typename: 'Contract', id: contractId }] },
  );
  const contract = data._entities[0];
  return contract ? { id: contract.id, status: contract.status, legalEntityId: contract.legalEntity.id } : null;
}

/** A bill rate of a rate card line. */
export interface RateLine {
  readonly roleId: string;
  readonly billRateE4: number;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
}

/** The ERP's rate card: its owner and currency, and its lines (only those in force on `effectiveOn` when given). */
export interface RateCardFacts {
  readonly id: string;
  readonly currency: string;
  readonly legalEntityId: string;
  readonly customerId: string | null;
  readonly lines: readonly RateLine[];
}

export async function readRateCard(ctx: PsaContext, rateCardId: string, effectiveOn: string | null = null): Promise<RateCardFacts | null> {
  interface RateCard {
    id: string;
    currency: string;
    legalEntity: { id: string };
    customer: { id: string } | null;
    lines: { role: { id: string }; billRate: Money; effectiveFrom: string; effectiveTo: string | null }[];
  }
  const data = await ctx.peers.read<{ _entities: (RateCard | null)[] }>(
    'erp',
    `query ($representations: [_Any!]!, $effectiveOn: Date) { _entities(representations: $representations) { ... on RateCard {
      id currency legalEntity { id } customer { id } lines(effectiveOn: $effectiveOn) { role { id } billRate { amount currency } effectiveFrom effectiveTo }
    } } }`,
    { representations: [{ __typename: 'RateCard', id: rateCardId }], effectiveOn },
  );
  const card = data._entities[0];
  if (!card) return null;
  return {
    id: card.id,
    currency: card.currency,
    legalEntityId: card.legalEntity.id,
    customerId: card.customer?.id ?? null,
    lines: card.lines.map((line) => ({
      roleId: line.role.id,
      billRateE4: parseScaled(line.billRate.amount),
      effectiveFrom: line.effectiveFrom,
      effectiveTo: line.effectiveTo,
    })),
  };
}

/** Whether the ERP lets the legal entity take intercompany work; null when it does not exist for the caller. */
export async function readIntercompanyEnabled(ctx: PsaContext, legalEntityId: string): Promise<boolean | null> {
  const data = await ctx.peers.read<{ _entities: ({ intercompanyEnabled: boolean } | null)[] }>(
    'erp',
    'query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on LegalEntity { intercompanyEnabled } } }',
    { representations: [{ __typename: 'LegalEntity', id: legalEntityId }] },
  );
  return data._entities[0]?.intercompanyEnabled ?? null;
}

/** The customer's ERP billing profile in a legal entity: its credit hold; null when it has none there. */
export async function readBillingProfile(
  ctx: PsaContext,
  accountId: string,
  legalEntityId: string,
): Promise<{ creditHold: boolean } | null> {
  interface Account {
    billingProfiles: { legalEntity: { id: string }; creditHold: boolean }[];
  }
  const data = await ctx.peers.read<{ _entities: (Account | null)[] }>(
    'erp',
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Account {
      billingProfiles { legalEntity { id } creditHold }
    } } }`,
    { representations: [{ __typename: 'Account', id: accountId }] },
  );
  const profile = data._entities[0]?.billingProfiles.find((candidate) => candidate.legalEntity.id === legalEntityId);
  return profile ? { creditHold: profile.creditHold } : null;
}
