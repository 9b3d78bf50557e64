/**
 * activateContract (docs/state-machines.md#contract, docs/capabilities.md#opportunity-to-project): a SIGNED contract goes into force. The ERP checks its
 * own guards (legal entity, billing profile, tax, payment terms, PO) and the delivery plan the PSA
 * holds (lines, rate cards, milestones), writes the contract's financial terms, an ERP project per
 * PSA project and a revenue schedule per project (Σ allocated = contract value, exactly), then
 * hands the state change to the CRM (`recordContractActivation`) in the same transaction: if the
 * CRM cannot answer, nothing of this is kept and the caller retries with the same key. If the
 * CRM did record the activation but the ERP's transaction was lost (the answer never arrived), the
 * retry finds the contract ACTIVE in the CRM without ERP terms and completes the ERP's part; the
 * step, under its deterministic key, changes nothing the second time.
 *
 * Version 1 takes `expectedVersion` optionally and answers a payload; version 2 requires it and
 * answers a result union. One effect serves both.
 */
import { isErrorCode } from '../../../core/errors.ts';
import type { CapabilityHandler } from '../../kernel/capability/capabilityResolvers.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityRejection } from '../../kernel/capability/types.ts';
import { money } from '../../kernel/decimal.ts';
import type { ErpContext } from '../resolvers.ts';
import type { ContractTermsRow, ErpTables, LegalEntityRow, RevenueScheduleRow } from '../tables.ts';
import { PAYMENT_TERM_DAYS, REVENUE_METHOD_OF } from '../machines.ts';
import { allocate } from './allocation.ts';
import { crmContract, psaDelivery, type CrmContract, type PsaDelivery } from './peerFacts.ts';
import { billingProfileFor, legalEntityFor, requireActive, resolveTaxProfile, type ErpTrx } from './records.ts';
import { resultUnion } from './resultUnion.ts';

interface ActivateContractInput {
  contractId: string;
  paymentTerms?: string | null;
  poNumber?: string | null;
  poRequired?: boolean | null;
  expectedVersion?: number | null;
}

interface Facts {
  readonly contract: CrmContract | null;
  /** Read only for a SIGNED contract (the only one activation changes). */
  readonly delivery: PsaDelivery | null;
}

type Result = {
  contract: { id: string };
  terms: ContractTermsRow | null;
  revenueSchedules: RevenueScheduleRow[];
  warnings?: CapabilityRejection[];
};

type Handler = CapabilityHandler<ErpTables, ErpContext, ActivateContractInput, Result, Facts>;

const RECORD_ACTIVATION = `mutation ErpActivatedContract($input: RecordContractActivationInput!) {
  recordContractActivation(input: $input) { contract { id status aggregateVersion } userErrors { code message field } }
}`;

const activation: Handler = {
  async prepare({ input, ctx }) {
    const contract = await crmContract(ctx, input.contractId);
    // The delivery plan matters to a SIGNED contract, and to one whose activation may need resuming.
    const relevant = contract !== null && (contract.status === 'SIGNED' || (contract.status === 'ACTIVE' && contract.activatedAt !== null));
    return { contract, delivery: relevant ? await psaDelivery(ctx, contract.id) : null };
  },

  async effect({ input, facts, trx, emit, ctx, declaration, now }) {
    const contract = facts.contract;
    if (!contract || contract.accountId === null) throw notFoundRejection('Contract', input.contractId, 'contractId');
    const existing = await termsOf(trx, contract.id);
    // The CRM recorded the activation (ERP's step) but the ERP's part is missing: an earlier call
    // whose transaction did not survive the step's answer. The retry completes it; the step replays.
    const resuming = contract.status === 'ACTIVE' && contract.activatedAt !== null && !existing?.activated_at;
    if (contract.status === 'ACTIVE' && !resuming) {
      return {
        contract: { id: contract.id },
        terms: existing ?? null,
        revenueSchedules: await liveSchedulesOf(trx, contract.id),
        warnings: [{ code: 'ALREADY_IN_STATE', message: `Contract ${contract.id} already is ACTIVE; nothing changed.` }],
      };
    }
    if (!resuming) {
      if (contract.status !== 'SIGNED') throw rejected('CONTRACT_NOT_SIGNED', `Contract ${contract.id} is ${contract.status}: only a SIGNED contract is activated.`, 'contractId');
      checkVersion('Contract', contract.aggregateVersion, input.expectedVersion, { required: declaration.version >= 2 });
    }

    const legalEntity = await legalEntityFor(trx, ctx.scope, contract.legalEntityId, 'contractId');
    requireActive(legalEntity, 'contractId');
    const profile = await billingProfileFor(trx, contract.accountId, legalEntity, 'contractId');
    if (profile.currency !== contract.currency) {
      throw rejected('CURRENCY_MISMATCH', `The contract is in ${contract.currency}; the customer is billed in ${profile.currency} in ${legalEntity.code}.`, 'contractId');
    }
    const tax = await resolveTaxProfile(trx, [profile.tax_profile_id, legalEntity.tax_profile_id], `customer ${contract.accountId} in ${legalEntity.code}`, 'contractId');
    const paymentTerms = input.paymentTerms ?? profile.payment_terms;
    if (!(paymentTerms in PAYMENT_TERM_DAYS)) {
      throw rejected('PAYMENT_TERMS_MISSING', `No payment terms: give paymentTerms, or set them on the customer's billing profile in ${legalEntity.code}.`, 'paymentTerms');
    }
    // Terms the ERP already holds for the contract (finance may have keyed them) keep their PO requirement.
    const poNumber = input.poNumber?.trim() || existing?.po_number || null;
    const poRequired = input.poRequired === true || existing?.po_required === 1;
    if (poRequired && poNumber === null) throw rejected('PO_REQUIRED', 'The contract requires a purchase order number.', 'poNumber');

    const delivery = facts.delivery ?? { lines: [], projects: [] };
    await checkDelivery(trx, contract, legalEntity, delivery);

    const terms = await writeTerms(trx, existing, {
      contract_id: contract.id, payment_terms: paymentTerms, po_number: poNumber, po_required: poRequired ? 1 : 0,
      tax_profile_id: tax.id, activated_at: now.toISOString(),
    });
    const createdProjects = await ensureErpProjects(trx, contract, legalEntity, delivery);
    const revenueSchedules = await allocateRevenue(trx, contract, delivery);

    const step = await ctx.peers.step<{
      recordContractActivation: { contract: { id: string; status: string; aggregateVersion: number } | null; userErrors: CapabilityRejection[] };
    }>('crm', RECORD_ACTIVATION, { input: { idempotencyKey: `erp.activateContract:${contract.id}`, contractId: contract.id } });
    const refusal = step.recordContractActivation.userErrors[0];
    if (refusal) throw rejected(isErrorCode(refusal.code) ? refusal.code : 'PRECONDITION_FAILED', `The CRM refused the activation: ${refusal.message}`, 'contractId');
    const activated = step.recordContractActivation.contract;

    emit({
      type: 'ContractActivated',
      aggregateType: 'Contract',
      aggregateId: contract.id,
      aggregateVersion: activated?.aggregateVersion ?? contract.aggregateVersion + (resuming ? 0 : 1),
      legalEntityId: legalEntity.id,
      payload: {
        contractId: contract.id,
        accountId: contract.accountId,
        legalEntityId: legalEntity.id,
        totalContractValue: money(contract.tcvE4, contract.currency),
        paymentTerms,
        poNumber,
        taxProfileId: tax.id,
        resumed: resuming,
        erpProjectsCreated: createdProjects,
        revenueSchedules: revenueSchedules.map((schedule) => ({
          id: schedule.id, projectId: schedule.project_id, method: schedule.method, allocated: money(schedule.allocated_e4, schedule.currency),
        })),
      },
    });
    return { contract: { id: contract.id }, terms, revenueSchedules };
  },
};

export const activateContract: Handler = activation;
export const activateContractV2: Handler = { ...activation, payload: resultUnion<Result>('ActivateContractSuccess') };

/** The PSA's lines and projects must make a billable, fully allocated contract. */
async function checkDelivery(trx: ErpTrx, contract: CrmContract, legalEntity: LegalEntityRow, delivery: PsaDelivery): Promise<void> {
  if (delivery.lines.length === 0) throw rejected('PRECONDITION_FAILED', `Contract ${contract.id} has no billing lines in the PSA.`, 'contractId');
  if (delivery.projects.length === 0) {
    throw rejected('PRECONDITION_FAILED', `No PSA project delivers contract ${contract.id}: revenue cannot be allocated.`, 'contractId');
  }
  const elsewhere = delivery.projects.find((project) => project.legalEntityId !== legalEntity.id);
  if (elsewhere) {
    throw rejected('LEGAL_ENTITY_MISMATCH', `Project ${elsewhere.id} belongs to ${elsewhere.legalEntityId}, the contract to ${legalEntity.id}.`, 'contractId');
  }
  for (const line of delivery.lines.filter((candidate) => candidate.billingMethod === 'TIME_AND_MATERIALS')) {
    await checkRateCard(trx, contract, legalEntity, line.rateCardId);
  }
  const fixed = delivery.lines.filter((line) => line.billingMethod === 'FIXED_FEE' || line.billingMethod === 'MILESTONE');
  if (fixed.length > 0) {
    // Milestones belong to projects, not lines: together they must make up the fixed-fee lines' amounts.
    const lineTotal = fixed.reduce((sum, line) => sum + (line.amountE4 ?? 0), 0);
    const milestoneTotal = delivery.projects.reduce((sum, project) => sum + project.milestoneAmountsE4.reduce((s, amount) => s + amount, 0), 0);
    if (fixed.some((line) => line.amountE4 === null) || lineTotal !== milestoneTotal) {
      throw rejected(
        'MILESTONES_DO_NOT_SUM',
        `The milestones sum to ${money(milestoneTotal, contract.currency).amount}, the fixed-fee lines to ${money(lineTotal, contract.currency).amount} ${contract.currency}.`,
        'contractId',
      );
    }
  }
}

/** A T&M line's rate card: in the ERP, of the contract's legal entity and currency, with rates in force at the start. */
async function checkRateCard(trx: ErpTrx, contract: CrmContract, legalEntity: LegalEntityRow, rateCardId: string | null): Promise<void> {
  const fail = (why: string) => rejected('RATE_CARD_NOT_EFFECTIVE', `A time-and-materials line ${why}.`, 'contractId');
  if (rateCardId === null) throw fail('has no rate card');
  const card = await trx.selectFrom('rate_cards').selectAll().where('id', '=', rateCardId).executeTakeFirst();
  if (!card) throw fail(`names rate card ${rateCardId}, which the ERP does not hold`);
  if (card.legal_entity_id !== legalEntity.id) throw fail(`uses rate card ${card.id} of ${card.legal_entity_id}, not of ${legalEntity.id}`);
  if (card.currency !== contract.currency) throw fail(`uses rate card ${card.id} in ${card.currency}, not in ${contract.currency}`);
  if (card.account_id !== null && card.account_id !== contract.accountId) throw fail(`uses rate card ${card.id} negotiated for another customer`);
  const inForce = await trx
    .selectFrom('rate_card_lines')
    .select('id')
    .where('rate_card_id', '=', card.id)
    .where('effective_from', '<=', contract.startDate)
    .where((eb) => eb.or([eb('effective_to', 'is', null), eb('effective_to', '>=', contract.startDate)]))
    .executeTakeFirst();
  if (!inForce) throw fail(`uses rate card ${card.id}, which has no rate in force on ${contract.startDate}`);
}

async function termsOf(trx: ErpTrx, contractId: string): Promise<ContractTermsRow | undefined> {
  return trx.selectFrom('contract_terms').selectAll().where('contract_id', '=', contractId).executeTakeFirst();
}

async function writeTerms(
  trx: ErpTrx,
  existing: ContractTermsRow | undefined,
  values: Omit<ContractTermsRow, 'aggregate_version'>,
): Promise<ContractTermsRow> {
  if (!existing) {
    await trx.insertInto('contract_terms').values({ ...values, aggregate_version: 1 }).execute();
  } else {
    const updated = await trx
      .updateTable('contract_terms')
      .set({ ...values, aggregate_version: existing.aggregate_version + 1 })
      .where('contract_id', '=', existing.contract_id)
      .where('aggregate_version', '=', existing.aggregate_version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw rejected('VERSION_CONFLICT', `The ERP terms of contract ${existing.contract_id} changed while this call ran.`, 'expectedVersion');
  }
  return (await termsOf(trx, values.contract_id))!;
}

/** An ERP project (job) for every PSA project that has none yet; returns the ids created. */
async function ensureErpProjects(trx: ErpTrx, contract: CrmContract, legalEntity: LegalEntityRow, delivery: PsaDelivery): Promise<string[]> {
  const ids = delivery.projects.map((project) => project.id);
  const known = new Set((await trx.selectFrom('erp_projects').select('project_id').where('project_id', 'in', ids).execute()).map((row) => row.project_id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length === 0) return [];
  const prefix = `${legalEntity.code}-J`;
  const last = await trx
    .selectFrom('erp_projects')
    .select((eb) => eb.fn.max('erp_project_number').as('number'))
    .where('erp_project_number', 'like', `${prefix}%`)
    .executeTakeFirst();
  const start = last?.number ? Number(String(last.number).slice(prefix.length)) : 0;
  await trx
    .insertInto('erp_projects')
    .values(missing.map((projectId, index) => ({
      project_id: projectId,
      erp_project_number: `${prefix}${String(start + index + 1).padStart(5, '0')}`,
      legal_entity_id: legalEntity.id,
      currency: contract.currency,
      revenue_method: REVENUE_METHOD_OF[contract.billingMethod] ?? 'AS_INVOICED',
      account_id: contract.accountId,
    })))
    .execute();
  return missing;
}

/**
 * One revenue schedule per project: the contract value split by planned revenue. A forecast the
 * ERP already holds for a project (PLANNED, nothing recognized) is superseded, never edited; a
 * schedule that already recognized revenue must be revised instead, so activation refuses.
 */
async function allocateRevenue(trx: ErpTrx, contract: CrmContract, delivery: PsaDelivery): Promise<RevenueScheduleRow[]> {
  const projectIds = delivery.projects.map((project) => project.id);
  const live = await trx
    .selectFrom('revenue_schedules')
    .selectAll()
    .where('project_id', 'in', projectIds)
    .where('status', 'not in', ['SUPERSEDED', 'CANCELLED'])
    .execute();
  const recognizing = live.find((schedule) => schedule.status !== 'PLANNED' || schedule.recognized_e4 !== 0);
  if (recognizing) {
    throw rejected('PRECONDITION_FAILED', `Revenue schedule ${recognizing.id} of project ${recognizing.project_id} is ${recognizing.status}: revise it instead.`, 'contractId');
  }
  for (const schedule of live) {
    await trx
      .updateTable('revenue_schedules')
      .set({ status: 'SUPERSEDED', aggregate_version: schedule.aggregate_version + 1 })
      .where('id', '=', schedule.id)
      .execute();
  }
  const parts = allocate(contract.tcvE4, delivery.projects.map((project) => project.plannedRevenueE4 ?? 0), contract.currency);
  const method = REVENUE_METHOD_OF[contract.billingMethod] ?? 'AS_INVOICED';
  const rows: RevenueScheduleRow[] = delivery.projects.map((project, index) => ({
    id: newId('rs'), project_id: project.id, method, status: 'PLANNED', allocated_e4: parts[index]!, recognized_e4: 0,
    currency: contract.currency, aggregate_version: 1, contract_id: contract.id,
  }));
  await trx.insertInto('revenue_schedules').values(rows).execute();
  const written = await trx.selectFrom('revenue_schedules').selectAll().where('id', 'in', rows.map((row) => row.id)).execute();
  return rows.map((row) => written.find((candidate) => candidate.id === row.id)!);
}

async function liveSchedulesOf(trx: ErpTrx, contractId: string): Promise<RevenueScheduleRow[]> {
  return trx
    .selectFrom('revenue_schedules')
    .selectAll()
    .where('contract_id', '=', contractId)
    .where('status', 'not in', ['SUPERSEDED', 'CANCELLED'])
    .orderBy('id')
    .execute();
}
