/**
 * What a new project plans on its contract (docs/capabilities.md#opportunity-to-project): the contract's PSA billing line when it has
 * none yet, and the project's milestones, which for a contract billed through milestones sum
 * exactly to what its line leaves to plan.
 */
import { checkTotal, moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import type { ContractLine, Milestone } from '../ports/types.ts';
import { checkRateCard } from './contractLines.ts';
import type { ContractFacts, RateCardFacts } from './peerFacts.ts';

/** Billing methods billed through milestones: the line amount is the contract value. */
export const MILESTONE_BILLED: readonly string[] = ['FIXED_FEE', 'MILESTONE'];

export interface MilestoneInput {
  readonly name: string;
  readonly targetDate: string;
  readonly amount: string;
  readonly requiresCustomerSignOff?: boolean | null;
}

/**
 * The contract's PSA billing line, created with the project: a time-and-materials line is capped
 * at the contract value (not-to-exceed) and bills at a rate card; any other line amounts to it.
 */
export function newLine(contract: ContractFacts, rateCardId: string | null, card: RateCardFacts | null): ContractLine {
  const timeAndMaterials = contract.billingMethod === 'TIME_AND_MATERIALS';
  if (timeAndMaterials && !rateCardId) {
    throw rejected(
      'PRECONDITION_FAILED',
      `Contract ${contract.id} bills time and materials: name the rate card its line bills at.`,
      'rateCardId',
    );
  }
  if (rateCardId) checkRateCard(contract, rateCardId, card, 'rateCardId');
  return {
    id: newId('cl'),
    contractId: contract.id,
    billingMethod: contract.billingMethod,
    amountE4: timeAndMaterials ? null : contract.totalContractValueE4,
    notToExceedE4: timeAndMaterials ? contract.totalContractValueE4 : null,
    currency: contract.currency,
    rateCardId,
    markupPercentE4: null,
    contractVersion: 1,
  };
}

/**
 * The project's milestone rows. Fixed-fee and milestone contracts bill through milestones: the
 * milestones of all the contract's projects sum exactly to the line amount. Other contracts bill
 * time or a fee, and take none (they would bill the same work twice).
 */
export async function plannedMilestones(
  read: PsaReadPort,
  inputs: readonly MilestoneInput[],
  contract: ContractFacts,
  lines: readonly ContractLine[],
  project: { id: string; startDate: string; endDate: string },
): Promise<Milestone[]> {
  // The contract's fixed-fee or milestone line (docs/model.md#contractline): milestones bill against it.
  const line = lines.find((candidate) => MILESTONE_BILLED.includes(candidate.billingMethod));
  if (!line) {
    if (inputs.length > 0) throw rejected('PRECONDITION_FAILED', `A ${contract.billingMethod} contract bills no milestones.`, 'milestones');
    return [];
  }
  const milestones = inputs.map((milestone, index): Milestone => {
    const field = `milestones.${index}`;
    const name = milestone.name.trim();
    if (name === '') throw rejected('PRECONDITION_FAILED', 'A milestone needs a name.', `${field}.name`);
    const amount = moneyInput(milestone.amount, contract.currency, `${field}.amount`);
    if (amount <= 0) throw rejected('PRECONDITION_FAILED', 'A milestone amount must be positive.', `${field}.amount`);
    if (milestone.targetDate < project.startDate || milestone.targetDate > project.endDate) {
      throw rejected(
        'PRECONDITION_FAILED',
        `The target date ${milestone.targetDate} is outside the project (${project.startDate} to ${project.endDate}).`,
        `${field}.targetDate`,
      );
    }
    return {
      // Milestone ids sort in the order they were given.
      id: `ms_${project.id.slice(4)}_${String(index).padStart(3, '0')}`,
      projectId: project.id,
      name,
      targetDate: milestone.targetDate,
      actualDate: null,
      amountE4: amount,
      currency: contract.currency,
      status: 'PLANNED',
      requiresCustomerSignOff: milestone.requiresCustomerSignOff === true,
      approvedForBilling: false,
      billingStatus: 'UNAPPROVED',
      aggregateVersion: 1,
    };
  });
  const given = checkTotal(
    milestones.reduce((sum, milestone) => sum + milestone.amountE4, 0),
    contract.currency,
    'milestones',
  );
  const open = (line.amountE4 ?? 0) - (await read.plannedOnContract(contract.id));
  if (given !== open) {
    throw rejected(
      'MILESTONES_DO_NOT_SUM',
      `The milestones sum to ${money(given, contract.currency).amount} ${contract.currency}; ` +
        `the contract line leaves ${money(open, contract.currency).amount} to plan.`,
      'milestones',
    );
  }
  return milestones;
}
