/**
 * activateContract (docs/state-machines.md#contract, docs/capabilities.md#opportunity-to-project):
 * a SIGNED contract goes into force. The ERP checks its
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
import { aggregateEvent } from '../../kernel/capability/aggregateEvent.ts';
import { newId } from '../../kernel/capability/newId.ts';
import { checkVersion, notFoundRejection, rejected } from '../../kernel/capability/rejection.ts';
import type { CapabilityRejection } from '../../kernel/capability/types.ts';
import { money } from '../../kernel/decimal.ts';
import { PAYMENT_TERM_DAYS, REVENUE_METHOD_OF } from '../machines.ts';
import type { ErpPorts } from '../ports/ports.ts';
import type { ContractTerms, LegalEntity, RevenueSchedule } from '../ports/types.ts';
import { allocate } from './allocation.ts';
import { checkDelivery } from './deliveryChecks.ts';
import { crmContract, psaDelivery, type CrmContract, type PsaDelivery } from './peerFacts.ts';
import { billingProfileFor, legalEntityFor, requireActive, resolveTaxProfile, type ErpCapability } from './records.ts';
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
  terms: ContractTerms | null;
  revenueSchedules: RevenueSchedule[];
  warnings?: CapabilityRejection[];
};

type Handler = ErpCapability<ActivateContractInput, Result, Facts>;

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

  async effect({ input, facts, ports, emit, ctx, declaration, now }) {
    const { read, write } = ports;
    const contract = facts.contract;
    if (!contract || contract.accountId === null) throw notFoundRejection('Contract', input.contractId, 'contractId');
    const [existing = null] = await read.contractTermsByContractIds([contract.id]);
    // The CRM recorded the activation (ERP's step) but the ERP's part is missing: an earlier call
    // whose transaction did not survive the step's answer. The retry completes it; the step replays.
    const resuming = contract.status === 'ACTIVE' && contract.activatedAt !== null && !existing?.activatedAt;
    if (contract.status === 'ACTIVE' && !resuming) {
      return {
        contract: { id: contract.id },
        terms: existing,
        revenueSchedules: (await read.revenueSchedulesByContractIds([contract.id])).filter(isLive),
        warnings: [{ code: 'ALREADY_IN_STATE', message: `Contract ${contract.id} already is ACTIVE; nothing changed.` }],
      };
    }
    if (!resuming) {
      if (contract.status !== 'SIGNED')
        throw rejected(
          'CONTRACT_NOT_SIGNED',
          `Contract ${contract.id} is ${contract.status}: only a SIGNED contract is activated.`,
          'contractId',
        );
      checkVersion('Contract', contract.aggregateVersion, input.expectedVersion, { required: declaration.version >= 2 });
    }

    const legalEntity = await legalEntityFor(read, contract.legalEntityId, 'contractId');
    requireActive(legalEntity, 'contractId');
    const profile = await billingProfileFor(read, contract.accountId, legalEntity, 'contractId');
    if (profile.currency !== contract.currency) {
      throw rejected(
        'CURRENCY_MISMATCH',
        `The contract is in ${contract.currency}; the customer is billed in ${profile.currency} in ${legalEntity.code}.`,
        'contractId',
      );
    }
    const tax = await resolveTaxProfile(
      read,
      [profile.taxProfileId, legalEntity.taxProfileId],
      `customer ${contract.accountId} in ${legalEntity.code}`,
      'contractId',
    );
    const paymentTerms = input.paymentTerms ?? profile.paymentTerms;
    if (!(paymentTerms in PAYMENT_TERM_DAYS)) {
      throw rejected(
        'PAYMENT_TERMS_MISSING',
        `No payment terms: give paymentTerms, or set them on the customer's billing profile in ${legalEntity.code}.`,
        'paymentTerms',
      );
    }
    // Terms the ERP already holds for the contract (finance may have keyed them) keep their PO requirement.
    const poNumber = input.poNumber?.trim() || existing?.poNumber || null;
    const poRequired = input.poRequired === true || existing?.poRequired === true;
    if (poRequired && poNumber === null) throw rejected('PO_REQUIRED', 'The contract requires a purchase order number.', 'poNumber');

    const delivery = facts.delivery ?? { lines: [], projects: [] };
    await checkDelivery(read, contract, legalEntity, delivery);
    const live = (await read.revenueSchedulesByProjectIds(delivery.projects.map((project) => project.id))).filter(isLive);
    const recognizing = live.find((schedule) => schedule.status !== 'PLANNED' || schedule.recognizedE4 !== 0);
    if (recognizing) {
      throw rejected(
        'PRECONDITION_FAILED',
        `Revenue schedule ${recognizing.id} of project ${recognizing.projectId} is ${recognizing.status}: revise it instead.`,
        'contractId',
      );
    }

    const terms = await write.putContractTerms(
      { contractId: contract.id, paymentTerms, poNumber, poRequired, taxProfileId: tax.id, activatedAt: now.toISOString() },
      existing,
    );
    const createdProjects = await ensureErpProjects(ports, contract, legalEntity, delivery);
    const revenueSchedules = await allocateRevenue(ports, contract, delivery);

    const step = await ctx.peers.step<{
      recordContractActivation: {
        contract: { id: string; status: string; aggregateVersion: number } | null;
        userErrors: CapabilityRejection[];
      };
    }>('crm', RECORD_ACTIVATION, { input: { idempotencyKey: `erp.activateContract:${contract.id}`, contractId: contract.id } });
    const refusal = step.recordContractActivation.userErrors[0];
    if (refusal)
      throw rejected(
        isErrorCode(refusal.code) ? refusal.code : 'PRECONDITION_FAILED',
        `The CRM refused the activation: ${refusal.message}`,
        'contractId',
      );
    const activated = step.recordContractActivation.contract;

    const version = activated?.aggregateVersion ?? contract.aggregateVersion + (resuming ? 0 : 1);
    emit(
      aggregateEvent('ContractActivated', 'Contract', { id: contract.id, aggregateVersion: version }, legalEntity.id, {
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
          id: schedule.id,
          projectId: schedule.projectId,
          method: schedule.method,
          allocated: money(schedule.allocatedE4, schedule.currency),
        })),
      }),
    );
    return { contract: { id: contract.id }, terms, revenueSchedules };
  },
};

export const activateContract: Handler = activation;
export const activateContractV2: Handler = { ...activation, payload: resultUnion<Result>('ActivateContractSuccess') };

const isLive = (schedule: RevenueSchedule): boolean => schedule.status !== 'SUPERSEDED' && schedule.status !== 'CANCELLED';

/** An ERP project (job) for every PSA project that has none yet; returns the ids created. */
async function ensureErpProjects(
  { read, write }: ErpPorts,
  contract: CrmContract,
  legalEntity: LegalEntity,
  delivery: PsaDelivery,
): Promise<string[]> {
  const ids = delivery.projects.map((project) => project.id);
  const known = new Set((await read.erpProjectsByProjectIds(ids)).map((project) => project.projectId));
  const missing = ids.filter((id) => !known.has(id));
  const revenueMethod = REVENUE_METHOD_OF[contract.billingMethod] ?? 'AS_INVOICED';
  await write.openErpProjects(
    legalEntity,
    missing.map((projectId) => ({ projectId, currency: contract.currency, revenueMethod, accountId: contract.accountId })),
  );
  return missing;
}

/**
 * One revenue schedule per project: the contract value split by planned revenue. A forecast the
 * ERP already holds for a project (PLANNED, nothing recognized) is superseded, never edited; a
 * schedule that already recognized revenue must be revised instead (the effect refuses before writing).
 */
async function allocateRevenue({ read, write }: ErpPorts, contract: CrmContract, delivery: PsaDelivery): Promise<RevenueSchedule[]> {
  const live = (await read.revenueSchedulesByProjectIds(delivery.projects.map((project) => project.id))).filter(isLive);
  const parts = allocate(
    contract.tcvE4,
    delivery.projects.map((project) => project.plannedRevenueE4 ?? 0),
    contract.currency,
  );
  const method = REVENUE_METHOD_OF[contract.billingMethod] ?? 'AS_INVOICED';
  return write.allocateRevenue(
    live,
    delivery.projects.map((project, index) => ({
      id: newId('rs'),
      projectId: project.id,
      contractId: contract.id,
      method,
      status: 'PLANNED',
      allocatedE4: parts[index]!,
      recognizedE4: 0,
      currency: contract.currency,
      aggregateVersion: 1,
    })),
  );
}
