/**
 * A contract's PSA billing lines (docs/model.md#contractline, docs/invariants.md#inv-20): one line per billing
 * method, each with its own amount (fixed fee, milestone, retainer) or cap (time and materials,
 * expenses); their values sum exactly to the contract value. Each billable source is billed against
 * its line: time against the T&M line's not-to-exceed, milestones within the fixed-fee line's
 * amount, expenses against the EXPENSES line's not-to-exceed (with its markup).
 */
import { moneyInput } from '../../kernel/capability/inputs.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import { money, parseScaled } from '../../kernel/decimal.ts';
import type { PsaReadPort } from '../ports/readPort.ts';
import { LINE_SOURCE_TYPES, type ContractLine } from '../ports/types.ts';
import type { ContractFacts, RateCardFacts } from './peerFacts.ts';

export interface ContractLineInput {
  readonly billingMethod: string;
  readonly amount?: string | null;
  readonly notToExceed?: string | null;
  readonly rateCardId?: string | null;
  readonly markupPercent?: string | null;
}

/** Lines capped by a not-to-exceed amount (their sources are priced as they come); the others bill a fixed amount. */
export const CAPPED_METHODS: readonly string[] = ['TIME_AND_MATERIALS', 'EXPENSES'];
const MAX_MARKUP_PERCENT_E4 = 100 * 10_000;

/** What a line contributes to the contract value: its amount, or its cap. */
export const lineValueE4 = (line: Pick<ContractLine, 'amountE4' | 'notToExceedE4'>): number => line.amountE4 ?? line.notToExceedE4 ?? 0;

/** The line a source type is billed against (null: the contract has no line for it). */
export function lineForSource(lines: readonly ContractLine[], sourceType: string): ContractLine | null {
  return lines.find((line) => LINE_SOURCE_TYPES[line.billingMethod]?.includes(sourceType)) ?? null;
}

/** The rate card given for the contract's time-and-materials line, in the lines or on the input. */
export function timeRateCardId(
  lines: readonly ContractLineInput[] | null | undefined,
  rateCardId: string | null | undefined,
): string | null {
  return lines?.find((line) => line.billingMethod === 'TIME_AND_MATERIALS')?.rateCardId ?? rateCardId ?? null;
}

/** A rate card a contract's T&M line may bill at: known, of its legal entity, currency and customer. */
export function checkRateCard(contract: ContractFacts, rateCardId: string, card: RateCardFacts | null, field: string): void {
  if (!card) throw notFoundRejection('RateCard', rateCardId, field);
  if (card.legalEntityId !== contract.legalEntityId) {
    throw rejected(
      'LEGAL_ENTITY_MISMATCH',
      `Rate card ${card.id} belongs to ${card.legalEntityId}, the contract to ${contract.legalEntityId}.`,
      field,
    );
  }
  if (card.currency !== contract.currency) {
    throw rejected('CURRENCY_MISMATCH', `Rate card ${card.id} is in ${card.currency}, the contract in ${contract.currency}.`, field);
  }
  if (card.customerId !== null && card.customerId !== contract.accountId) {
    throw rejected('PRECONDITION_FAILED', `Rate card ${card.id} was negotiated with another customer.`, field);
  }
}

/**
 * The contract's lines as given: one per billing method, T&M and expenses capped, the others an
 * amount, a markup only on expenses, a rate card only (and always) on T&M; Σ values = contract value.
 */
export function plannedLines(
  contract: ContractFacts,
  inputs: readonly ContractLineInput[],
  card: RateCardFacts | null,
  version = 1,
): ContractLine[] {
  const seen = new Set<string>();
  const lines = inputs.map((input, index): ContractLine => {
    const field = `lines.${index}`;
    if (seen.has(input.billingMethod)) {
      throw rejected(
        'PRECONDITION_FAILED',
        `The contract already has a ${input.billingMethod} line: one line per billing method.`,
        `${field}.billingMethod`,
      );
    }
    seen.add(input.billingMethod);
    return lineOf(contract, input, card, field, { id: newId('cl'), version });
  });
  checkLinesSum(contract.totalContractValueE4, lines, contract.currency, 'lines');
  return lines;
}

/** One line from its input (a new line, or an amended one keeping its id). */
export function lineOf(
  contract: Pick<ContractFacts, 'id' | 'currency' | 'legalEntityId' | 'accountId'>,
  input: ContractLineInput,
  card: RateCardFacts | null,
  field: string,
  identity: { readonly id: string; readonly version: number; readonly rateCardId?: string | null },
): ContractLine {
  const capped = CAPPED_METHODS.includes(input.billingMethod);
  const amount = input.amount == null ? null : positive(moneyInput(input.amount, contract.currency, `${field}.amount`), `${field}.amount`);
  const cap =
    input.notToExceed == null
      ? null
      : positive(moneyInput(input.notToExceed, contract.currency, `${field}.notToExceed`), `${field}.notToExceed`);
  if (capped && (cap === null || amount !== null)) {
    throw rejected(
      'PRECONDITION_FAILED',
      `A ${input.billingMethod} line has a not-to-exceed amount and no fixed amount.`,
      `${field}.notToExceed`,
    );
  }
  if (!capped && (amount === null || cap !== null)) {
    throw rejected('PRECONDITION_FAILED', `A ${input.billingMethod} line has an amount and no not-to-exceed amount.`, `${field}.amount`);
  }
  if (input.markupPercent != null && input.billingMethod !== 'EXPENSES') {
    throw rejected('PRECONDITION_FAILED', 'Only an EXPENSES line carries a markup.', `${field}.markupPercent`);
  }
  const markup = input.markupPercent == null ? null : percentInput(input.markupPercent, `${field}.markupPercent`);
  let rateCardId: string | null = null;
  if (input.billingMethod === 'TIME_AND_MATERIALS') {
    rateCardId = input.rateCardId ?? identity.rateCardId ?? null;
    if (!rateCardId)
      throw rejected('PRECONDITION_FAILED', `A time-and-materials line names the rate card it bills at.`, `${field}.rateCardId`);
    if (rateCardId !== identity.rateCardId)
      checkRateCard(contract as ContractFacts, rateCardId, card?.id === rateCardId ? card : null, `${field}.rateCardId`);
  } else if (input.rateCardId) {
    throw rejected('PRECONDITION_FAILED', 'Only a time-and-materials line bills at a rate card.', `${field}.rateCardId`);
  }
  return {
    id: identity.id,
    contractId: contract.id,
    billingMethod: input.billingMethod,
    amountE4: amount,
    notToExceedE4: cap,
    currency: contract.currency,
    rateCardId,
    markupPercentE4: markup,
    contractVersion: identity.version,
  };
}

/**
 * Σ line values = the contract value (INV-20), else CONTRACT_LINES_DO_NOT_SUM. A line with neither
 * amount nor cap (an uncapped time-and-materials line, as older contracts have) is worth what the
 * other lines leave of the value: then they must not sum to more than it.
 */
export function checkLinesSum(valueE4: number, lines: readonly ContractLine[], currency: string, field: string): void {
  const total = lines.reduce((sum, line) => sum + lineValueE4(line), 0);
  const uncapped = lines.some((line) => line.amountE4 === null && line.notToExceedE4 === null);
  if (uncapped ? total > valueE4 : total !== valueE4) {
    throw rejected(
      'CONTRACT_LINES_DO_NOT_SUM',
      `The lines sum to ${money(total, currency).amount} ${currency}; the contract value is ${money(valueE4, currency).amount}.`,
      field,
    );
  }
}

function positive(amountE4: number, field: string): number {
  if (amountE4 <= 0) throw rejected('PRECONDITION_FAILED', 'A line amount must be positive.', field);
  return amountE4;
}

function percentInput(value: string, field: string): number {
  let percent: number;
  try {
    percent = parseScaled(value);
  } catch {
    throw rejected('PRECONDITION_FAILED', `${JSON.stringify(value)} is not a percentage with at most 4 decimals.`, field);
  }
  if (percent < 0 || percent > MAX_MARKUP_PERCENT_E4)
    throw rejected('PRECONDITION_FAILED', 'A markup is between 0 and 100 percent.', field);
  return percent;
}

/** The line each of the given source types bills against: its own line, else the contract's T&M line (a single-line contract caps everything). */
export function capFor(lines: readonly ContractLine[], sourceType: string): ContractLine | null {
  return lineForSource(lines, sourceType) ?? lines.find((line) => line.billingMethod === 'TIME_AND_MATERIALS') ?? null;
}

/**
 * Every capped line (T&M, expenses) the draft bills on stays within its not-to-exceed amount: what
 * the contract's drafts that are not discarded billed on the line, plus the draft's items on it
 * (docs/invariants.md#inv-20). One read of the lines and one of the billed totals, whatever the items.
 */
export async function checkLineCaps(
  read: PsaReadPort,
  contractId: string,
  items: readonly { readonly sourceType: string; readonly amountE4: number }[],
  currency: string,
): Promise<void> {
  const lines = await read.contractLinesByContractIds([contractId]);
  const onLine = (sourceType: string, line: ContractLine) => capFor(lines, sourceType)?.id === line.id;
  const capped = lines.filter(
    (line) =>
      line.notToExceedE4 !== null && CAPPED_METHODS.includes(line.billingMethod) && items.some((item) => onLine(item.sourceType, line)),
  );
  if (capped.length === 0) return;
  const billed = await read.billedOnContractBySource(contractId);
  for (const line of capped) {
    const billedE4 = billed.filter((row) => onLine(row.sourceType, line)).reduce((sum, row) => sum + row.amountE4, 0);
    const draftE4 = items.filter((item) => onLine(item.sourceType, line)).reduce((sum, item) => sum + item.amountE4, 0);
    if (billedE4 + draftE4 > line.notToExceedE4!) {
      throw rejected(
        'NTE_EXCEEDED',
        `Billed to date ${money(billedE4, currency).amount} plus this draft ${money(draftE4, currency).amount} ` +
          `exceeds the not-to-exceed amount ${money(line.notToExceedE4!, currency).amount} ${currency}` +
          (lines.length > 1 ? ` of the ${line.billingMethod} line ${line.id}.` : '.'),
        'projectId',
      );
    }
  }
}
