/**
 * recordContractAmendment (docs/capabilities.md#contract-amendments, docs/invariants.md#inv-20): the ERP's
 * approveContractAmendment hands the PSA its part of an approved amendment. The PSA owns the lines:
 * it applies the changes (an existing line keeps its id and takes the amendment's version; a new
 * line is added, one per billing method), refuses a cap below what its line already billed or has
 * on draft and a fixed amount below the milestones planned on it (AMENDMENT_BELOW_BILLED), and keeps
 * Σ line values = the amended contract value (CONTRACT_LINES_DO_NOT_SUM). Under the step's
 * deterministic key a retry replays; lines already at the version answer ALREADY_IN_STATE.
 */
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { formatScaled, money } from '../../kernel/decimal.ts';
import type { PsaContext } from '../context.ts';
import type { PsaPorts } from '../ports/ports.ts';
import type { ContractLine } from '../ports/types.ts';
import { MILESTONE_BILLED } from './contractPlan.ts';
import { CAPPED_METHODS, capFor, checkLinesSum, lineOf, type ContractLineInput } from './contractLines.ts';
import { readContract, readRateCard, type ContractFacts, type RateCardFacts } from './peerFacts.ts';

interface LineChange extends ContractLineInput {
  readonly lineId?: string | null;
  readonly billingMethod: string;
}

interface AmendLinesInput {
  readonly contractId: string;
  readonly amendmentId: string;
  readonly version: number;
  readonly totalContractValue: string;
  readonly lines?: readonly (Omit<LineChange, 'billingMethod'> & { readonly billingMethod?: string | null })[] | null;
}

type Facts = { contract: ContractFacts | null; rateCards: RateCardFacts[] };

export const recordContractAmendment: CapabilityHandler<PsaPorts, PsaContext, AmendLinesInput, { lines: ContractLine[] }, Facts> = {
  systemOnly: true,
  async prepare({ input, ctx }) {
    const contract = await readContract(ctx, input.contractId);
    const ids = [...new Set((input.lines ?? []).flatMap((line) => (line.rateCardId ? [line.rateCardId] : [])))];
    const cards = await Promise.all(ids.map((id) => readRateCard(ctx, id)));
    return { contract, rateCards: cards.filter((card): card is RateCardFacts => card !== null) };
  },
  async effect({ input, facts, ports, emit }) {
    const contract = facts.contract;
    if (!contract) throw notFoundRejection('Contract', input.contractId, 'contractId');
    const before = await ports.read.contractLinesByContractIds([contract.id]);
    if (before.length === 0) throw rejected('PRECONDITION_FAILED', `Contract ${contract.id} has no PSA lines to amend.`, 'contractId');
    if (before.some((line) => (line.contractVersion ?? 1) >= input.version)) {
      return {
        lines: before,
        warnings: [{ code: 'ALREADY_IN_STATE', message: `The lines of contract ${contract.id} already are at version ${input.version}.` }],
      };
    }
    const valueE4 = moneyInput(input.totalContractValue, contract.currency, 'totalContractValue');
    const lines = await ports.write.amendContractLines(contract.id, async () => {
      const current = await ports.read.contractLinesByContractIds([contract.id]);
      const changed = (input.lines ?? []).map((change, index) => amended(contract, current, change, index, input.version, facts.rateCards));
      const after = [...current.filter((line) => !changed.some((c) => c.id === line.id)), ...changed];
      checkLinesSum(valueE4, after, contract.currency, 'lines');
      await checkNotBelowBilled(ports, contract, after, changed);
      return changed;
    });
    emit(
      aggregateEvent('ContractLinesAmended', 'Contract', { id: contract.id, aggregateVersion: input.version }, contract.legalEntityId, {
        contractId: contract.id,
        amendmentId: input.amendmentId,
        version: input.version,
        totalContractValue: money(valueE4, contract.currency),
        lines: lines.map((line) => ({
          id: line.id,
          billingMethod: line.billingMethod,
          amount: line.amountE4 === null ? null : money(line.amountE4, line.currency),
          notToExceed: line.notToExceedE4 === null ? null : money(line.notToExceedE4, line.currency),
          contractVersion: line.contractVersion ?? 1,
        })),
      }),
    );
    return { lines };
  },
};

/** One change applied: an existing line keeps what the change omits; a new line is one of a method the contract lacks. */
function amended(
  contract: ContractFacts,
  current: readonly ContractLine[],
  change: Omit<LineChange, 'billingMethod'> & { readonly billingMethod?: string | null },
  index: number,
  version: number,
  cards: readonly RateCardFacts[],
): ContractLine {
  const field = `lines.${index}`;
  const cardOf = (id: string | null | undefined) => cards.find((card) => card.id === id) ?? null;
  if (change.lineId) {
    const line = current.find((candidate) => candidate.id === change.lineId);
    if (!line) throw notFoundRejection('ContractLine', change.lineId, `${field}.lineId`);
    const merged: ContractLineInput = {
      billingMethod: line.billingMethod,
      amount: change.amount ?? decimal(line.amountE4),
      notToExceed: change.notToExceed ?? decimal(line.notToExceedE4),
      markupPercent: change.markupPercent ?? decimal(line.markupPercentE4 ?? null),
      rateCardId: change.rateCardId ?? null,
    };
    return lineOf(contract, merged, cardOf(change.rateCardId), field, { id: line.id, version, rateCardId: line.rateCardId });
  }
  const method = change.billingMethod!;
  if (current.some((line) => line.billingMethod === method)) {
    throw rejected('PRECONDITION_FAILED', `The contract already has a ${method} line: change it by its lineId.`, `${field}.billingMethod`);
  }
  // A new line's id is derived from the amendment's version, so a replayed plan writes the same line.
  const id = `cl_${contract.id.slice(4)}_v${version}_${String(index).padStart(2, '0')}`;
  return lineOf(contract, { ...change, billingMethod: method }, cardOf(change.rateCardId), field, { id, version });
}

/** A cap no lower than what its line billed or has on draft; a fixed amount no lower than the milestones planned on it. */
async function checkNotBelowBilled(
  ports: PsaPorts,
  contract: ContractFacts,
  after: readonly ContractLine[],
  changed: readonly ContractLine[],
): Promise<void> {
  const billed = await ports.read.billedOnContractBySource(contract.id);
  for (const line of changed) {
    if (CAPPED_METHODS.includes(line.billingMethod)) {
      const billedE4 = billed.filter((row) => capFor(after, row.sourceType)?.id === line.id).reduce((sum, row) => sum + row.amountE4, 0);
      if (line.notToExceedE4! < billedE4) throw belowBilled(line, line.notToExceedE4!, billedE4, 'billed or on draft', contract.currency);
    } else if (MILESTONE_BILLED.includes(line.billingMethod)) {
      const plannedE4 = await ports.read.plannedOnContract(contract.id);
      if (line.amountE4! < plannedE4) throw belowBilled(line, line.amountE4!, plannedE4, 'planned in milestones', contract.currency);
    }
  }
}

function belowBilled(line: ContractLine, newE4: number, floorE4: number, what: string, currency: string) {
  return rejected(
    'AMENDMENT_BELOW_BILLED',
    `The ${line.billingMethod} line ${line.id} would be ${money(newE4, currency).amount} ${currency}, ` +
      `below the ${money(floorE4, currency).amount} already ${what}.`,
    'lines',
  );
}

const decimal = (e4: number | null): string | null => (e4 === null ? null : formatScaled(e4, 10_000, 4));
