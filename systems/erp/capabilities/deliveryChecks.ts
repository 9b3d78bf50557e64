/**
 * What activateContract checks of the delivery plan the PSA holds (docs/capabilities.md#opportunity-to-project):
 * billing lines and delivering projects exist, in the contract's legal entity; every
 * time-and-materials line has a rate card in force; fixed-fee lines are covered by milestones.
 */
import { rejected } from '../../kernel/capability/rejection.ts';
import { money } from '../../kernel/decimal.ts';
import type { ErpReadPort } from '../ports/readPort.ts';
import type { LegalEntity } from '../ports/types.ts';
import type { CrmContract, PsaDelivery } from './peerFacts.ts';

/** The PSA's lines and projects must make a billable, fully allocated contract. */
export async function checkDelivery(
  read: ErpReadPort,
  contract: CrmContract,
  legalEntity: LegalEntity,
  delivery: PsaDelivery,
): Promise<void> {
  if (delivery.lines.length === 0)
    throw rejected('PRECONDITION_FAILED', `Contract ${contract.id} has no billing lines in the PSA.`, 'contractId');
  if (delivery.projects.length === 0) {
    throw rejected('PRECONDITION_FAILED', `No PSA project delivers contract ${contract.id}: revenue cannot be allocated.`, 'contractId');
  }
  const elsewhere = delivery.projects.find((project) => project.legalEntityId !== legalEntity.id);
  if (elsewhere) {
    throw rejected(
      'LEGAL_ENTITY_MISMATCH',
      `Project ${elsewhere.id} belongs to ${elsewhere.legalEntityId}, the contract to ${legalEntity.id}.`,
      'contractId',
    );
  }
  for (const line of delivery.lines.filter((candidate) => candidate.billingMethod === 'TIME_AND_MATERIALS')) {
    await checkRateCard(read, contract, legalEntity, line.rateCardId);
  }
  const fixed = delivery.lines.filter((line) => line.billingMethod === 'FIXED_FEE' || line.billingMethod === 'MILESTONE');
  if (fixed.length > 0) {
    // Milestones belong to projects, not lines: together they must make up the fixed-fee lines' amounts.
    const lineTotal = fixed.reduce((sum, line) => sum + (line.amountE4 ?? 0), 0);
    const milestoneTotal = delivery.projects.reduce(
      (sum, project) => sum + project.milestoneAmountsE4.reduce((s, amount) => s + amount, 0),
      0,
    );
    if (fixed.some((line) => line.amountE4 === null) || lineTotal !== milestoneTotal) {
      throw rejected(
        'MILESTONES_DO_NOT_SUM',
        `The milestones sum to ${money(milestoneTotal, contract.currency).amount}, ` +
          `the fixed-fee lines to ${money(lineTotal, contract.currency).amount} ${contract.currency}.`,
        'contractId',
      );
    }
  }
}

/** A T&M line's rate card: in the ERP, of the contract's legal entity and currency, with rates in force at the start. */
async function checkRateCard(read: ErpReadPort, contract: CrmContract, legalEntity: LegalEntity, rateCardId: string | null): Promise<void> {
  const fail = (why: string) => rejected('RATE_CARD_NOT_EFFECTIVE', `A time-and-materials line ${why}.`, 'contractId');
  if (rateCardId === null) throw fail('has no rate card');
  const [card] = await read.rateCardsByIds([rateCardId]);
  if (!card) throw fail(`names rate card ${rateCardId}, which the ERP does not hold`);
  if (card.legalEntityId !== legalEntity.id) throw fail(`uses rate card ${card.id} of ${card.legalEntityId}, not of ${legalEntity.id}`);
  if (card.currency !== contract.currency) throw fail(`uses rate card ${card.id} in ${card.currency}, not in ${contract.currency}`);
  if (card.accountId !== null && card.accountId !== contract.accountId)
    throw fail(`uses rate card ${card.id} negotiated for another customer`);
  const start = contract.startDate;
  const inForce = (await read.rateCardLinesByRateCardIds([card.id])).some(
    (line) => line.effectiveFrom <= start && (line.effectiveTo === null || line.effectiveTo >= start),
  );
  if (!inForce) throw fail(`uses rate card ${card.id}, which has no rate in force on ${contract.startDate}`);
}
